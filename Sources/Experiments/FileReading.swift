import Foundation

/// Why a file could not be read, in words for a message.
struct FileReadProblem: Error, Sendable, Equatable {
    var message: String
}

/// The bytes of the file at `path`, at most `limit` of them.
///
/// Symbolic links are followed (a link to a regular file is read as that
/// file); folders, devices and pipes are refused, and the limit applies to the
/// bytes actually read, not to what the directory entry says, so that neither
/// a link nor a file that grows while it is read gets past it. `kind` names
/// the file in messages ("CSV file", "experiment file").
func readFile(at path: String, limit: Int, kind: String) -> Result<Data, FileReadProblem> {
    func failure(_ message: String) -> Result<Data, FileReadProblem> { .failure(FileReadProblem(message: message)) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return failure("no such file") }
    guard !isDirectory.boolValue else { return failure("is a folder, not \(article(kind)) \(kind)") }
    // attributesOfItem describes a link itself; the resolved path describes its target.
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else {
        return failure("cannot read the file")
    }
    // Devices and pipes (/dev/zero, a FIFO) could be read forever.
    guard attributes[.type] as? FileAttributeType == .typeRegular else { return failure("not a regular file") }
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    let refusal = "\(kind)s over \(mebibyteText(limit)) are refused"
    guard size <= limit else { return failure("the file is \(mebibyteText(size)) (\(size) bytes); \(refusal)") }
    guard let handle = FileHandle(forReadingAtPath: resolved) else {
        return failure("cannot read the file (permission denied)")
    }
    defer { try? handle.close() }
    let data: Data
    do {
        data = try handle.read(upToCount: limit + 1) ?? Data()
    } catch {
        return failure("cannot read the file")
    }
    guard data.count <= limit else { return failure("the file is over \(mebibyteText(limit)); \(refusal)") }
    return .success(data)
}

/// A size in binary units as the documentation states limits: "64 MiB", "1 GiB", "70.5 MiB".
func mebibyteText(_ bytes: Int) -> String {
    let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
    for (size, unit) in units where bytes >= size {
        let value = Double(bytes) / Double(size)
        let tenths = (value * 10).rounded(.down) / 10
        return tenths == tenths.rounded(.down) ? "\(Int(tenths)) \(unit)" : "\(tenths) \(unit)"
    }
    return "\(bytes) bytes"
}

private func article(_ word: String) -> String {
    guard let first = word.first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}
