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

    /// `file:line:column: error: path: message`.
    public var rendered: String {
        let place = location.map { "\(file):\($0.line):\($0.column)" } ?? file
        return path.isEmpty ? "\(place): error: \(message)" : "\(place): error: \(path): \(message)"
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

/// The candidate closest to `word` by edit distance, when it is close enough to
/// be a likely typo: at most 2 edits, or a third of the word's length for long words.
public func nearestName(to word: String, in candidates: [String]) -> String? {
    let lowered = word.lowercased()
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(lowered, candidate.lowercased())
        if distance < (best?.distance ?? Int.max) {
            best = (candidate, distance)
        }
    }
    guard let best, best.distance <= max(2, word.count / 3), best.distance < max(word.count, 1) else { return nil }
    return best.name
}

/// Levenshtein distance, where swapping two adjacent characters counts as one edit
/// (optimal string alignment), so "rleu" is one edit from "relu".
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0 ... b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1 ... a.count {
        current[0] = i
        for j in 1 ... b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previousPrevious[j - 2] + 1)
            }
        }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
}
