import Foundation

/// Why a file could not be read, in words for a message.
struct FileReadProblem: Error, Sendable, Equatable {
    var message: String

    /// The message for a path that names no file.
    static let noSuchFile = "no such file"
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
    // open follows links, and fstat then describes the file read, not the
    // link; O_NONBLOCK so that opening a FIFO does not wait for a writer (it
    // changes nothing for a regular file).
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
        switch errno {
        case ENOENT, ENOTDIR, ELOOP: return failure(FileReadProblem.noSuchFile)
        case EACCES, EPERM: return failure("cannot read the file (permission denied)")
        default: return failure("cannot read the file")
        }
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { return failure("cannot read the file") }
    guard status.st_mode & S_IFMT != S_IFDIR else { return failure("is a folder, not \(article(kind)) \(kind)") }
    // Devices and pipes (/dev/zero, a FIFO) could be read forever.
    guard status.st_mode & S_IFMT == S_IFREG else { return failure("not a regular file") }
    let size = Int(status.st_size)
    let refusal = "\(kind)s over \(mebibyteText(limit)) are refused"
    guard size <= limit else { return failure("the file is \(mebibyteText(size)) (\(size) bytes); \(refusal)") }
    // Read to the end, one byte past the size to see a file that grew.
    var data = Data(count: size + 1)
    var filled = 0
    while true {
        if filled == data.count {
            guard filled <= limit else { break }
            data.count = min(2 * filled, limit + 1)
        }
        let count = data.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
        if count < 0, errno == EINTR { continue }
        guard count >= 0 else { return failure("cannot read the file") }
        if count == 0 { break }
        filled += count
    }
    guard filled <= limit else { return failure("the file is over \(mebibyteText(limit)); \(refusal)") }
    data.count = filled
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
