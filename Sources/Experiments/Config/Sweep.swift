import Foundation

/// One axis of a sweep: a dotted path into the experiment and the values it takes.
///
/// A sweep value is a non-empty list of values (whole objects too), or
/// `{"log": [from, to], "count": n}` (n values evenly spaced in log₁₀) or
/// `{"linear": [from, to], "count": n}`. Generated values are rounded to 12
/// significant digits, so a linear range from 0 to 1 in 11 steps gives 0.1,
/// not 0.09999999999999999; the ends are exactly `from` and `to`.
public struct SweepAxis: Sendable, Equatable {
    public var path: String
    public var keyLocation: SourceLocation
    /// The values in order, each with the location it came from in the file.
    public var values: [JSONNode]
    /// One label per value, unique within the axis, for run names and tables.
    public var labels: [String]
}

/// The sections a sweep path may start with, and the keys each may continue with.
private let sweepablePaths: [String] = {
    var paths = ["data", "model", "loss", "optimizer", "training"]
    paths += allDataKeys.map { "data." + $0 }
    paths += allModelKeys.map { "model." + $0 }
    paths += allOptimizerKeys.map { "optimizer." + $0 }
    paths += trainingKeys.map { "training." + $0 }
    paths += ["training.early_stopping.patience", "training.early_stopping.min_delta"]
    paths += allScheduleKeys.map { "optimizer.schedule." + $0 }
    paths += warmupKeys.map { "optimizer.schedule.warmup." + $0 }
    return paths
}()

/// The most values one axis may generate, and the most runs an experiment may expand into.
let maximumAxisValues = 10_000
let maximumRuns = 100_000

/// Reads `sweep` into its axes, in file order: the valid axes, and whether every axis was valid.
func readSweep(_ node: JSONNode, sink: DiagnosticSink) -> (axes: [SweepAxis], valid: Bool) {
    guard let members = node.value.members else {
        sink.error(at: node.location, "sweep", "expected an object of dotted paths and their values, found \(foundText(node))")
        return ([], false)
    }
    var axes: [SweepAxis] = []
    var ok = true
    for member in members {
        let path = "sweep." + member.key
        guard sweepablePaths.contains(member.key) else {
            let reason: String
            if ["name", "description", "seeds", "sweep", "$schema"].contains(member.key) {
                reason = member.key == "seeds" ? "\"seeds\" cannot be swept: list the seeds in \"seeds\" instead" : "\(quotedText(member.key)) cannot be swept"
            } else if let suggestion = nearestName(to: member.key, in: sweepablePaths) {
                reason = "unknown path \(quotedText(member.key)); did you mean \"\(suggestion)\"?"
            } else {
                reason = "unknown path \(quotedText(member.key)) (a path names a key of the experiment, e.g. optimizer.learning_rate, model.activation, data.noise)"
            }
            sink.error(at: member.keyLocation, path, reason)
            ok = false
            continue
        }
        guard let values = sweepValues(member.value, path: path, sink: sink) else {
            ok = false
            continue
        }
        axes.append(SweepAxis(path: member.key, keyLocation: member.keyLocation, values: values, labels: uniqueLabels(values)))
    }
    return (axes, ok)
}

private func sweepValues(_ node: JSONNode, path: String, sink: DiagnosticSink) -> [JSONNode]? {
    if let list = node.value.elements {
        guard !list.isEmpty else {
            sink.error(at: node.location, path, "expected at least one value, found an empty list")
            return nil
        }
        guard list.count <= maximumAxisValues else {
            sink.error(at: node.location, path, "expected at most \(maximumAxisValues) values, found \(list.count)")
            return nil
        }
        return list
    }
    if node.value.members == nil {
        let written = node.value.stringValue.map(quotedText) ?? foundText(node)
        sink.error(at: node.location, path, "expected a list of values, {\"log\": [from, to], \"count\": n} or {\"linear\": [from, to], \"count\": n}, found \(foundText(node)); did you mean [\(written)]?")
        return nil
    }
    guard var reader = ObjectReader(node, path: path, sink: sink) else { return nil }
    let isLog = reader.has("log")
    guard isLog || reader.has("linear") else {
        sink.error(at: node.location, path, "expected a list of values, {\"log\": [from, to], \"count\": n} or {\"linear\": [from, to], \"count\": n}, found an object without \"log\" or \"linear\"")
        return nil
    }
    let kind = isLog ? "log" : "linear"
    if isLog && reader.has("linear"), let member = node.member("linear") {
        sink.error(at: member.keyLocation, path + ".linear", "a range is \"log\" or \"linear\", not both")
        return nil
    }
    let rangeMember = reader.member(kind)!
    let count = reader.integer("count", minimum: 1, maximum: maximumAxisValues, required: true)
    reader.finish(allowed: [kind, "count"])
    guard let ends = rangeMember.value.value.elements, ends.count == 2,
          let from = ends[0].value.doubleValue, let to = ends[1].value.doubleValue else {
        sink.error(at: rangeMember.value.location, path + "." + kind, "expected [from, to], two numbers, found \(foundText(rangeMember.value))")
        return nil
    }
    if isLog && !(from > 0 && to > 0) {
        sink.error(at: rangeMember.value.location, path + ".log", "a log range needs two positive numbers, found [\(foundText(ends[0])), \(foundText(ends[1]))]")
        return nil
    }
    guard let count else { return nil }
    var values: [Double] = []
    for i in 0 ..< count {
        let t = count == 1 ? 0 : Double(i) / Double(count - 1)
        let value: Double
        if i == 0 {
            value = from
        } else if i == count - 1 {
            value = to
        } else if isLog {
            value = roundedToTwelveDigits(pow(10, log10(from) + t * (log10(to) - log10(from))))
        } else {
            value = roundedToTwelveDigits(from + t * (to - from))
        }
        values.append(value)
    }
    return values.map { JSONNode(.number($0, literal: numberText($0)), at: node.location) }
}

private func roundedToTwelveDigits(_ x: Double) -> Double {
    Double(String(format: "%.12g", x)) ?? x
}

/// A short text for a sweep value: a number's shortest text, a string itself,
/// true/false, a list's items joined by "-", an object's "name" (else "warmup" for a
/// schedule that is a warm-up alone, else "object"), followed by "+" and its
/// schedule's label when it has a "schedule" ("momentum+cosine").
func label(of node: JSONNode) -> String {
    switch node.value {
    case .number(let x, _): return numberText(x)
    case .string(let s): return s
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .array(let items): return items.isEmpty ? "none" : items.map(label(of:)).joined(separator: "-")
    case .object:
        let name = node.member("name")?.value.value.stringValue ?? (node.member("warmup") != nil ? "warmup" : "object")
        // An optimizer with a schedule: "momentum+cosine".
        if let schedule = node.member("schedule")?.value, schedule.value.members != nil { return name + "+" + label(of: schedule) }
        return name
    }
}

/// Labels made unique within an axis, compared as run names compare them
/// (`folderText`, without case: file systems on macOS and Windows ignore it).
/// A label that repeats gets its position, `sgd_1`, `sgd_3`; where that too is
/// taken (`x`, `x`, `x_2`), the position again, `x_2_2`. Labels that do not repeat stay as they are.
func uniqueLabels(_ values: [JSONNode]) -> [String] {
    let labels = values.map(label(of:))
    func key(_ label: String) -> String { folderText(label).lowercased() }
    var counts: [String: Int] = [:]
    for l in labels { counts[key(l), default: 0] += 1 }
    var taken = Set(labels.map(key).filter { counts[$0] == 1 })
    return labels.enumerated().map { index, l in
        guard counts[key(l)]! > 1 else { return l }
        var candidate = "\(l)_\(index + 1)"
        while taken.contains(key(candidate)) { candidate += "_\(index + 1)" }
        taken.insert(key(candidate))
        return candidate
    }
}

/// Replaces (or adds) the value at a dotted path, creating objects on the way.
func substitute(_ root: JSONNode, path: ArraySlice<String>, with value: JSONNode, keyLocation: SourceLocation) -> JSONNode {
    guard let key = path.first else { return value }
    var members = root.value.members ?? []
    if let index = members.firstIndex(where: { $0.key == key }) {
        members[index].value = substitute(members[index].value, path: path.dropFirst(), with: value, keyLocation: keyLocation)
    } else {
        let empty = JSONNode(.object([]), at: value.location)
        members.append(JSONMember(key: key, keyLocation: keyLocation,
                                  value: substitute(empty, path: path.dropFirst(), with: value, keyLocation: keyLocation)))
    }
    return JSONNode(.object(members), at: root.location)
}

