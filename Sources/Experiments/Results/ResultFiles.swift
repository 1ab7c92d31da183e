import Foundation

/// Why a result could not be written: the path and the system's reason.
public struct WriteError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): cannot write: \(reason)" }
}

/// Writes result files so that an interrupted run never leaves a half-written
/// file: each file goes to a temporary name in the same folder,
/// `<name>.tmp-<host>-<pid>` (unique across hosts sharing one file system), then
/// is renamed over the final name (an atomic rename on POSIX file systems).
/// A process killed before its rename leaves the temporary file behind; no
/// reader opens such names, and the next writer into that folder removes them
/// (`removeTemporaryFiles`).
public enum ResultFiles {
    /// The infix of every temporary name.
    static let temporaryMarker = ".tmp-"

    /// This process's temporary suffix: host and pid, so that shards on several
    /// machines writing into one shared folder never pick the same name.
    static let temporarySuffix: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let host = gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        let safe = String(host.unicodeScalars.map { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") ? Character($0) : "_" })
        return temporaryMarker + safe + "-" + String(getpid())
    }()

    /// Removes the temporary files a killed writer left in `folder` (not its subfolders).
    /// Only the folder's one writer calls this: a run's worker, or publish.
    public static func removeTemporaryFiles(in folder: String) {
        // readdir rather than FileManager: a run's folder is usually not there
        // yet, and FileManager's error for that costs more than the listing.
        guard let directory = opendir(folder) else { return }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.contains(temporaryMarker) { names.append(name) }
        }
        closedir(directory)
        for name in names { unlink(joinFilePath(folder, name)) }
    }

    /// Writes `text` to `path` atomically, creating the folder when needed.
    public static func write(_ text: String, to path: String) throws(WriteError) {
        // A native string's UTF-8 is contiguous: written from its own buffer, not a copy.
        var text = text
        var failure: WriteError?
        text.withUTF8 { bytes in
            do throws(WriteError) { try write(UnsafeRawBufferPointer(bytes), to: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    public static func write(_ data: Data, to path: String) throws(WriteError) {
        var failure: WriteError?
        data.withUnsafeBytes { bytes in
            do throws(WriteError) { try write(bytes, to: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes the concatenation of `pieces` to `path` atomically, piece after
    /// piece, without joining them first (a report page's inlined charts).
    static func write(pieces: [Substring], to path: String) throws(WriteError) {
        try write(to: path) { descriptor in
            for piece in pieces {
                let done = piece.utf8.withContiguousStorageIfAvailable { writeAll(UnsafeRawBufferPointer($0), to: descriptor) }
                    ?? writeAll(Array(piece.utf8), to: descriptor)
                guard done else { return false }
            }
            return true
        }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(WriteError) {
        try write(to: path) { writeAll(bytes, to: $0) }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { writeAll($0, to: descriptor) }
    }

    /// Writes the file at `path` through `body`, which writes to the descriptor
    /// of its temporary file and says whether all went.
    private static func write(to path: String, _ body: (Int32) -> Bool) throws(WriteError) {
        // A plain write: the rename below is what makes the file appear whole.
        // (Foundation's file writing adds an fsync per file, and createFile a
        // second temporary file and rename: writing a sweep's results cost as
        // much as training it, and parallel runs waited on each other's fsyncs.)
        let (temporary, descriptor) = try createTemporary(for: path)
        guard writeWhole(descriptor, body) else {
            let failure = reason(folder: (path as NSString).deletingLastPathComponent)
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        try commit(temporary, to: path)
    }

    /// Creates (or truncates) `path`'s temporary file for writing: its path and
    /// descriptor. The folder is made only when the file cannot be created
    /// without it: most files go into a folder that is there, and a mkdir that
    /// finds it takes the parent folder's lock, which parallel runs wait on.
    static func createTemporary(for path: String) throws(WriteError) -> (path: String, descriptor: Int32) {
        let temporary = temporaryPath(path)
        func create() -> Int32 { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        var descriptor = create()
        if descriptor < 0 && errno == ENOENT {
            let folder = (path as NSString).deletingLastPathComponent
            try makeFolder(folder)
            descriptor = create()
        }
        guard descriptor >= 0 else { throw WriteError(path: path, reason: reason(folder: (path as NSString).deletingLastPathComponent)) }
        return (temporary, descriptor)
    }

    /// Has `body` write the file open at `descriptor`, then closes it.
    private static func writeWhole(_ descriptor: Int32, _ body: (Int32) -> Bool) -> Bool {
        let written = body(descriptor)
        let savedErrno = errno
        let closed = close(descriptor) == 0
        if !written { errno = savedErrno }
        return written && closed
    }

    /// Writes all of `bytes` to `descriptor` (a write may take part of them).
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }

    /// The temporary name `path` is written under before its rename.
    static func temporaryPath(_ path: String) -> String { path + temporarySuffix }

    /// Renames `temporary` over `path`; on failure removes it and throws.
    static func commit(_ temporary: String, to path: String) throws(WriteError) {
        if rename(temporary, path) != 0 {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            throw WriteError(path: path, reason: message)
        }
    }

    /// Creates `folder` and its parents.
    public static func makeFolder(_ folder: String) throws(WriteError) {
        guard !folder.isEmpty else { return }
        // One mkdir when the parent is there (a run's folder); FileManager for the rest.
        if mkdir(folder, 0o777) == 0 { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw WriteError(path: folder, reason: "a file is in the way of the folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            // Another process (a shard into the same results) may have made it meanwhile.
            if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue { return }
            throw WriteError(path: folder, reason: reason(folder: (folder as NSString).deletingLastPathComponent))
        }
    }

    /// The likeliest reason a file in `folder` could not be created.
    private static func reason(folder: String) -> String {
        if errno != 0 && errno != EEXIST {
            return String(cString: strerror(errno))
        }
        let existing = folder.isEmpty ? "." : folder
        return FileManager.default.isWritableFile(atPath: existing) ? "the disk may be full" : "permission denied"
    }

    /// The contents of `path`, or nil when it cannot be read.
    public static func read(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }
}

/// CSV text as nnlab writes it: fields separated by commas, a field quoted
/// (RFC 4180) only when it holds a comma, a quote or a line break; LF line ends.
enum CSVText {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    /// A number as results write it (`numberText`), or blank for nil.
    static func number(_ x: Double?) -> String {
        x.map(numberText) ?? ""
    }

    /// The fields of each line of CSV text written by `line` (quoted fields may hold commas).
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pending: Character?
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else if c == "\n" {
                fields.append(field)
                rows.append(fields)
                fields = []
                field = ""
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(fields)
        }
        return rows
    }
}

/// A result file written piece by piece, as `ResultFiles.write` writes a whole
/// one: to its temporary name, renamed over the final name by `commit`.
/// Dropped without `commit` (an interrupted run), the temporary file is removed.
final class ResultFileStream {
    let path: String
    private let temporary: String
    private var descriptor: Int32
    /// The first write's failure, reported by `commit`.
    private var failure: String?

    init(path: String) throws(WriteError) {
        self.path = path
        (temporary, descriptor) = try ResultFiles.createTemporary(for: path)
    }

    /// Appends `bytes` (the failure, if any, is kept for `commit`).
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, descriptor >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let count = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno == ENOSPC ? "the disk is full" : String(cString: strerror(errno))
                return
            }
            offset += count
        }
    }

    /// Closes the file and renames it into place.
    func commit() throws(WriteError) {
        let closed = close(descriptor) == 0
        descriptor = -1
        if failure == nil && !closed { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
        try ResultFiles.commit(temporary, to: path)
    }

    deinit {
        guard descriptor >= 0 else { return }
        close(descriptor)
        unlink(temporary)
    }
}
