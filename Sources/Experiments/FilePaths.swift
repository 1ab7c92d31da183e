import Foundation

// Paths as text: joined, normalized, made absolute or relative. Links are not followed.

/// `directory/path`, or `path` when the directory is empty or ".".
public func joinFilePath(_ directory: String, _ path: String) -> String {
    if directory.isEmpty || directory == "." { return path }
    return directory.hasSuffix("/") ? directory + path : directory + "/" + path
}

/// The path with "." and "dir/.." components removed, as text only (links are not followed).
func normalizedPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/")
    var parts: [Substring] = []
    for part in path.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." {
            parts.removeLast()
        } else if part == ".." && absolute {
            continue
        } else {
            parts.append(part)
        }
    }
    let joined = parts.joined(separator: "/")
    return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
}

/// `path` made absolute against the current folder, with "." and ".." resolved as text.
public func absolutePath(_ path: String) -> String {
    normalizedPath(path.hasPrefix("/") ? path : joinFilePath(FileManager.default.currentDirectoryPath, path))
}

/// The relative path from folder `from` to `to`, both absolute and normalized.
func relativePath(from: String, to: String) -> String {
    let a = from.split(separator: "/"), b = to.split(separator: "/")
    var common = 0
    while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
    let ups = Array(repeating: "..", count: a.count - common)
    return (ups + b[common...].map(String.init)).joined(separator: "/")
}

/// A word as a POSIX shell reads it back: as it is when it is plain, else in single quotes.
public func shellQuoted(_ word: String) -> String {
    let plain = !word.isEmpty && word.unicodeScalars.allSatisfy {
        $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0))
    }
    return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
