/// A mistake in an experiment file, with everything needed to fix it without
/// reading code: the file, the line and column, the path of the value inside the
/// experiment (`optimizer.learning_rate`), and what was found and expected.
///
/// Errors are values; `rendered` is the one place they become text,
/// compiler-style:
///
///     experiments/lr.json:7:22: error: optimizer.learning_rate: expected a positive number, found -0.1
public struct Diagnostic: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// Where the offending value (or key) starts; nil when the file itself is the problem.
    public var location: SourceLocation?
    /// The dotted path of the value, empty for the file as a whole.
    public var path: String
    /// What was found and what was expected, lowercase, without the location.
    public var message: String

    public init(file: String, location: SourceLocation?, path: String, message: String) {
        self.file = file
        self.location = location
        self.path = path
        self.message = message
    }

    /// `file:line:column: error: path: message`, on one line: control
    /// characters anywhere in it (from keys, strings or file names echoed in
    /// the message) are written as `\u001b`, so that no file can forge a line
    /// of output or send escape sequences to the terminal.
    public var rendered: String {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        // A path holds the file's keys; one of 20 MB is shown by its start.
        let shownPath = path.unicodeScalars.count > 200 ? String(path.prefix(200)) + "…" : path
        let text = path.isEmpty ? "\(place): error: \(message)" : "\(place): error: \(shownPath): \(message)"
        return escapingControlCharacters(text)
    }

    public var description: String { rendered }
}

/// All the mistakes found in one or more files, in file order.
public struct Diagnostics: Error, Sendable, Equatable {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) {
        self.items = items
    }

    /// One line per mistake.
    public var rendered: String {
        items.map(\.rendered).joined(separator: "\n")
    }
}

/// `text` with every control character (C0, DEL and C1: U+0000–U+001F,
/// U+007F–U+009F) and the line and paragraph separators U+2028, U+2029
/// written as a JSON-style `\u` escape (ESC becomes `\u001b`).
public func escapingControlCharacters(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            let hex = String(scalar.value, radix: 16)
            result.append(contentsOf: "\\u\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex)".unicodeScalars)
        } else {
            result.append(scalar)
        }
    }
    return String(result)
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F ... 0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}

/// The candidate closest to `word` by edit distance, when it is close enough to
/// be a likely typo: at most 2 edits, or a third of the word's length for long words.
/// Bounded: a word too long to be within reach of any candidate is not compared
/// (the distance is at least the difference of the lengths), so a 50 MB string
/// costs one pass over it, not 50 million times each candidate's length.
public func nearestName(to word: String, in candidates: [String]) -> String? {
    var matcher = NameMatcher(candidates)
    return matcher.nearest(to: word)
}

/// `nearestName` for many words against one list of candidates, which are
/// prepared once.
struct NameMatcher {
    private let names: [String]
    private let lowered: [[Unicode.Scalar]]
    private let longest: Int
    private var buffers = EditDistanceBuffers()

    init(_ candidates: [String]) {
        names = candidates
        lowered = candidates.map { Array($0.lowercased().unicodeScalars) }
        longest = lowered.map(\.count).max() ?? 0
    }

    mutating func nearest(to word: String) -> String? {
        // A word of length n is within max(2, n/3) edits of one of at most `longest`
        // characters only if n − longest ≤ max(2, n/3), that is n ≤ 1.5·longest + 2.
        guard word.unicodeScalars.count <= longest + longest / 2 + 3 else { return nil }
        let characters = word.count
        let limit = max(2, characters / 3)
        let target = Array(word.lowercased().unicodeScalars)
        var best: (index: Int, distance: Int)?
        for (index, other) in lowered.enumerated() {
            // A candidate that cannot beat the best so far, or pass the limit, is not compared.
            if abs(other.count - target.count) > min(limit, (best?.distance ?? Int.max) - 1) { continue }
            let distance = editDistance(target, other, &buffers)
            if distance < (best?.distance ?? Int.max) {
                best = (index, distance)
            }
        }
        guard let best, best.distance <= limit, best.distance < max(characters, 1) else { return nil }
        return names[best.index]
    }
}

/// The three rows `editDistance` works in, one after the other, kept from one
/// comparison to the next so that comparing allocates nothing.
struct EditDistanceBuffers {
    var rows: [Int] = []
}

/// Levenshtein distance, where swapping two adjacent characters counts as one edit
/// (optimal string alignment), so "rleu" is one edit from "relu".
public func editDistance(_ a: String, _ b: String) -> Int {
    var buffers = EditDistanceBuffers()
    return editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars), &buffers)
}

func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], _ buffers: inout EditDistanceBuffers) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    let width = b.count + 1
    if buffers.rows.count < 3 * width { buffers.rows = [Int](repeating: 0, count: 3 * width) }
    return buffers.rows.withUnsafeMutableBufferPointer { rows in
        // Rows i − 2, i − 1 and i start at these offsets, rotating.
        var previousPrevious = 0, previous = width, current = 2 * width
        for j in 0 ... b.count { rows[previous + j] = j }
        for i in 1 ... a.count {
            rows[current] = i
            for j in 1 ... b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var d = min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d = min(d, rows[previousPrevious + j - 2] + 1)
                }
                rows[current + j] = d
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return rows[previous + b.count]
    }
}
