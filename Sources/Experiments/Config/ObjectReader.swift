/// Collects the diagnostics of one experiment file while it is validated, so
/// that every mistake is reported, not only the first.
final class DiagnosticSink {
    let file: String
    private(set) var items: [Diagnostic] = []

    /// How many runs `nnlab run` trains at once (`--jobs`), and how many of
    /// this experiment's runs that makes train side by side: the memory check
    /// counts that many copies.
    var jobs = 1
    var runsAtOnce = 1
    /// The experiment as parsed, for checks that point at another section's keys.
    var root: JSONNode?
    /// Lists of rows already read (inline data, weights), by where they start
    /// and their path, so that a sweep over other keys does not read them at
    /// every grid point; and the standardization verdict on each data set.
    var rowsRead: [String: [[Double]]?] = [:]
    var standardizationVerdicts: [String: (column: String, reason: String)?] = [:]
    var inlineRead: [String: (DataSource?, DataShape?)] = [:]

    /// Required keys reported missing, by item index, and the keys some unknown
    /// key was suggested for, each as "object path, key": a misspelt required
    /// key is one mistake, reported once, as the unknown key with its suggestion.
    private var missingKeys: [Int: String] = [:]
    private var suggestedKeys: Set<String> = []

    init(file: String) {
        self.file = file
    }

    /// Reports that the object at `path` lacks the required `key`.
    func missing(at location: SourceLocation?, _ path: String, _ key: String) {
        missingKeys[items.count] = path + "\u{0}" + key
        error(at: location, path, "missing required key \"\(key)\"")
    }

    /// Notes that an unknown key of the object at `path` was taken for `key`.
    func suggested(_ key: String, in path: String) {
        suggestedKeys.insert(path + "\u{0}" + key)
    }

    /// Where the sweep's values (and everything inside them) start: a mistake
    /// there is said to come from the sweep.
    var sweepLocations: [SourceLocation: String] = [:]

    func error(at location: SourceLocation?, _ path: String, _ message: String) {
        var message = message
        if let location, let axis = sweepLocations[location], !path.hasPrefix("sweep") {
            message += " (a value of sweep \"\(axis)\")"
        }
        items.append(Diagnostic(file: file, location: location, path: path, message: message))
    }

    /// Marks the values of a sweep axis, and everything inside them, as the sweep's.
    func markSweepValues(_ nodes: [JSONNode], axis: String) {
        var stack = nodes
        while let node = stack.popLast() {
            sweepLocations[node.location] = axis
            switch node.value {
            case .array(let items): stack += items
            case .object(let members):
                for member in members {
                    sweepLocations[member.keyLocation] = axis
                    stack.append(member.value)
                }
            default: break
            }
        }
    }

    /// The most diagnostics reported for one file; past it, a last line counts the rest.
    static let maximumReported = 1000
    /// Mistakes counted but not described: those of one list or object past
    /// `maximumReported`, which come after its first `maximumReported` in file order.
    var omitted = 0

    /// The diagnostics in file order, each once: the first `maximumReported`,
    /// then one saying how many more there are (a file with a million unknown
    /// keys gets a readable answer, quickly).
    var sorted: [Diagnostic] {
        let all = sortedAll
        guard all.count + omitted > Self.maximumReported else { return all }
        let shown = Array(all.prefix(Self.maximumReported))
        return shown + [Diagnostic(
            file: file, location: shown.last?.location, path: "",
            message: "\(all.count + omitted - shown.count) more errors not shown (the first \(shown.count) are above)")]
    }

    private var sortedAll: [Diagnostic] {
        var seen = Set<Diagnostic>(minimumCapacity: items.count)
        let unique = items.enumerated().filter { index, item in
            if let key = missingKeys[index], suggestedKeys.contains(key) { return false }
            return seen.insert(item).inserted
        }.map(\.element)
        return unique.enumerated().sorted { lhs, rhs in
            let l = lhs.element.location ?? SourceLocation(line: 0, column: 0)
            let r = rhs.element.location ?? SourceLocation(line: 0, column: 0)
            return (l.line, l.column, lhs.offset) < (r.line, r.column, rhs.offset)
        }.map(\.element)
    }
}

/// How a value is described after "found" in a message: a number or boolean as
/// written, a string quoted, anything else by its kind.
func foundText(_ node: JSONNode) -> String {
    switch node.value {
    case .number(_, let literal): return literal.count > 40 ? String(literal.prefix(40)) + "…" : literal
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .string(let s):
        let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
        return "\"\(shown)\""
    case .array: return "a list"
    case .object: return "an object"
    }
}

/// A string from the file quoted for a message, cut at 40 characters.
func quotedText(_ s: String) -> String {
    "\"" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "\""
}

/// For an object given as a bare string ("optimizer": "adam"), the key the
/// string most likely meant, by the object's last path component.
private let nameKeyOfObject = ["optimizer": "name", "init": "name", "schedule": "name", "data": "source"]

/// A list of names for messages: `a, b, c`.
func nameList(_ names: [String]) -> String {
    names.joined(separator: ", ")
}

/// Joins a parent path and a key: `optimizer` + `learning_rate`.
func joinPath(_ parent: String, _ key: String) -> String {
    parent.isEmpty ? key : parent + "." + key
}

/// Names users bring from other tools, and nnlab's key for each.
let keyAliases = [
    "lr": "learning_rate", "eta": "learning_rate", "wd": "weight_decay", "l2": "weight_decay",
    "eps": "epsilon", "beta_1": "beta1", "beta_2": "beta2", "betas": "beta1", "epoch": "epochs",
    "n_samples": "samples", "batch": "batch_size", "batchsize": "batch_size", "layers": "hidden",
    "hidden_layers": "hidden", "activation_function": "activation", "initializer": "init", "seed": "seeds",
]

/// Reads the members of one JSON object, checking each value as it is asked
/// for, and at the end reports every member that nobody asked for.
struct ObjectReader {
    let node: JSONNode
    let path: String
    let sink: DiagnosticSink
    let members: [JSONMember]
    private var used: Set<String> = []

    /// A reader for `node`, or nil (with an error) when it is not an object.
    init?(_ node: JSONNode, path: String, sink: DiagnosticSink) {
        guard let members = node.value.members else {
            var message = "expected an object, found \(foundText(node))"
            let last = path.split(separator: ".").last.map(String.init) ?? path
            if let name = node.value.stringValue, let key = nameKeyOfObject[last] {
                message += "; did you mean {\"\(key)\": \(quotedText(name))}?"
            }
            sink.error(at: node.location, path, message)
            return nil
        }
        self.node = node
        self.path = path
        self.sink = sink
        self.members = members
    }

    /// The member with this key, marked as read.
    mutating func member(_ key: String) -> JSONMember? {
        used.insert(key)
        return node.member(key)
    }

    /// Whether the object has this key (without marking it read).
    func has(_ key: String) -> Bool {
        node.member(key) != nil
    }

    func childPath(_ key: String) -> String {
        joinPath(path, key)
    }

    /// Reports a missing required key at the object.
    func missing(_ key: String) {
        sink.missing(at: node.location, path, key)
    }

    /// Reports every key not read, with the nearest allowed key as a suggestion,
    /// or, when `explanations` knows the key, why it does not belong here.
    func finish(allowed: [String], explanations: [String: String] = [:]) {
        var matcher = NameMatcher(allowed)
        let allowedList = nameList(allowed)
        var reported = 0
        for member in members where !used.contains(member.key) {
            // Past the most a file reports, this object's later keys can only be counted.
            reported += 1
            if reported > DiagnosticSink.maximumReported {
                sink.omitted += 1
                continue
            }
            let keyPath = childPath(member.key)
            if let explanation = explanations[member.key] {
                sink.error(at: member.keyLocation, keyPath, explanation)
            } else if let alias = keyAliases[member.key], allowed.contains(alias) {
                sink.suggested(alias, in: path)
                sink.error(at: member.keyLocation, keyPath, "unknown key \(quotedText(member.key)); did you mean \"\(alias)\"?")
            } else if let suggestion = matcher.nearest(to: member.key) {
                sink.suggested(suggestion, in: path)
                sink.error(at: member.keyLocation, keyPath, "unknown key \(quotedText(member.key)); did you mean \"\(suggestion)\"?")
            } else {
                sink.error(at: member.keyLocation, keyPath,
                           "unknown key \(quotedText(member.key)) (allowed here: \(allowedList))")
            }
        }
    }

    // MARK: Typed values

    /// A number satisfying `constraint`; the default when absent; nil (with an error) when wrong.
    mutating func number(_ key: String, _ constraint: NumberConstraint = .any, default value: Double? = nil,
                         required: Bool = false) -> Double? {
        guard let member = member(key) else {
            if required { missing(key) }
            return value
        }
        return checkNumber(member.value, childPath(key), constraint, sink)
    }

    /// An integer ≥ `minimum` (and ≤ `maximum`); the default when absent.
    mutating func integer(_ key: String, minimum: Int, maximum: Int = Int.max, default value: Int? = nil,
                          required: Bool = false) -> Int? {
        guard let member = member(key) else {
            if required { missing(key) }
            return value
        }
        return checkInteger(member.value, childPath(key), minimum: minimum, maximum: maximum, sink)
    }

    /// true or false; the default when absent.
    mutating func bool(_ key: String, default value: Bool) -> Bool? {
        guard let member = member(key) else { return value }
        guard let b = member.value.value.boolValue else {
            sink.error(at: member.value.location, childPath(key), "expected true or false, found \(foundText(member.value))")
            return nil
        }
        return b
    }

    /// A string; the default when absent.
    mutating func string(_ key: String, default value: String? = nil, required: Bool = false) -> String? {
        guard let member = member(key) else {
            if required { missing(key) }
            return value
        }
        guard let s = member.value.value.stringValue else {
            sink.error(at: member.value.location, childPath(key), "expected a string, found \(foundText(member.value))")
            return nil
        }
        return s
    }

    /// One of a closed set of names (`kind` names the set in messages: "activation").
    mutating func choice<T>(_ key: String, kind: String, _ options: [(String, T)], default value: T? = nil,
                            required: Bool = false) -> T? {
        guard let member = member(key) else {
            if required { missing(key) }
            return value
        }
        return checkChoice(member.value, childPath(key), kind: kind, options, sink)
    }
}

/// What a number must satisfy, with the words for "expected …".
enum NumberConstraint {
    case any
    case positive
    case nonNegative
    /// 0 ≤ x < 1.
    case fractionBelowOne
    /// x > 1.
    case greaterThanOne
    /// 0 < x < 1.
    case openUnitInterval

    func accepts(_ x: Double) -> Bool {
        switch self {
        case .any: return x.isFinite
        case .positive: return x > 0 && x.isFinite
        case .nonNegative: return x >= 0 && x.isFinite
        case .fractionBelowOne: return x >= 0 && x < 1
        case .greaterThanOne: return x > 1 && x.isFinite
        case .openUnitInterval: return x > 0 && x < 1
        }
    }

    var expected: String {
        switch self {
        case .any: return "a number"
        case .positive: return "a positive number"
        case .nonNegative: return "a number ≥ 0"
        case .fractionBelowOne: return "a number in [0, 1)"
        case .greaterThanOne: return "a number > 1"
        case .openUnitInterval: return "a number in (0, 1)"
        }
    }
}

func checkNumber(_ node: JSONNode, _ path: String, _ constraint: NumberConstraint, _ sink: DiagnosticSink) -> Double? {
    guard let x = node.value.doubleValue, constraint.accepts(x) else {
        sink.error(at: node.location, path, "expected \(constraint.expected), found \(foundText(node))")
        return nil
    }
    return x
}

func checkInteger(_ node: JSONNode, _ path: String, minimum: Int, maximum: Int = Int.max,
                  _ sink: DiagnosticSink) -> Int? {
    guard let n = node.intValue, n >= minimum, n <= maximum else {
        let expected: String
        if let n = node.intValue, n > maximum {
            expected = "an integer ≤ \(maximum)"
        } else if minimum == Int.min {
            expected = "an integer"
        } else if maximum <= 100_000 {
            expected = "an integer from \(minimum) to \(maximum)"
        } else {
            expected = "an integer ≥ \(minimum)"
        }
        sink.error(at: node.location, path, "expected \(expected), found \(foundText(node))")
        return nil
    }
    return n
}

func checkChoice<T>(_ node: JSONNode, _ path: String, kind: String, _ options: [(String, T)],
                    _ sink: DiagnosticSink) -> T? {
    let names = options.map(\.0)
    guard let name = node.value.stringValue else {
        sink.error(at: node.location, path, "expected the name of \(article(kind)) \(kind), found \(foundText(node)) (one of: \(nameList(names)))")
        return nil
    }
    if let match = options.first(where: { $0.0 == name }) {
        return match.1
    }
    let suggestion = nearestName(to: name, in: names).map { "; did you mean \"\($0)\"?" } ?? ""
    sink.error(at: node.location, path, "unknown \(kind) \(quotedText(name))\(suggestion) (one of: \(nameList(names)))")
    return nil
}

private func article(_ word: String) -> String {
    guard let first = word.first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}
