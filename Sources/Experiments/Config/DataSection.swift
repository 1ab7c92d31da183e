import Foundation
import NeuralNetwork

/// What the network sees of a data set before it is loaded: the number of
/// input features, the samples, and the classes or the target width.
public struct DataShape: Sendable, Equatable {
    public enum Targets: Sendable, Equatable {
        case classes(Int)
        case regression(width: Int)
    }

    public var features: Int
    public var samples: Int
    public var targets: Targets
}

/// Loaded CSV files, shared by every run of a validation so that each file is
/// read once (keyed by the path as opened, the target column and the task),
/// and the data of the last configs prepared for training.
public final class CSVCache: @unchecked Sendable {
    private var loaded: [String: Result<Dataset, CSVError>] = [:]
    private let lock = NSLock()

    public init() {}

    public func dataset(path: String, displayPath: String, target: String,
                        task: LearningTask.Kind) -> Result<Dataset, CSVError> {
        let key = "\(path)\u{0}\(target)\u{0}\(task.rawValue)"
        lock.lock()
        defer { lock.unlock() }
        if let result = loaded[key] { return result }
        let result: Result<Dataset, CSVError>
        do {
            result = .success(try CSVData.load(path: path, target: target, task: task, displayPath: displayPath))
        } catch {
            result = .failure(error)
        }
        loaded[key] = result
        return result
    }

    private var digests: [String: String] = [:]

    /// The data of the last few configs prepared (`DataConfig.prepare`): a
    /// sweep's runs mostly share one, and a sweep over the data itself holds
    /// at most `preparedLimit` of its sets at a time.
    private var preparedData: [(config: DataConfig, outputs: Int, data: PreparedData)] = []
    static let preparedLimit = 8

    func prepared(_ config: DataConfig, outputs: Int) -> PreparedData? {
        lock.lock()
        defer { lock.unlock() }
        return preparedIndex(config, outputs: outputs).map { preparedData[$0].data }
    }

    func keep(_ data: PreparedData, for config: DataConfig, outputs: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard preparedIndex(config, outputs: outputs) == nil else { return }
        if preparedData.count == CSVCache.preparedLimit { preparedData.removeFirst() }
        preparedData.append((config, outputs, data))
    }

    private func preparedIndex(_ config: DataConfig, outputs: Int) -> Int? {
        preparedData.firstIndex { $0.outputs == outputs && $0.config == config }
    }

    /// The SHA-256 of the file's bytes (empty when it cannot be read), computed once per path.
    public func digest(path: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let digest = digests[path] { return digest }
        let digest = FileManager.default.contents(atPath: path).map(SHA256.hex) ?? ""
        digests[path] = digest
        return digest
    }
}

/// The sources and the keys each one takes besides the common ones.
private let sourceKeys: [(String, [String])] = [
    ("xor", ["samples", "noise"]),
    ("moons", ["samples", "noise"]),
    ("circles", ["samples", "noise", "factor"]),
    ("spirals", ["samples", "noise"]),
    ("blobs", ["samples", "noise", "classes", "features"]),
    ("sine", ["samples", "noise"]),
    ("inline", ["inputs", "labels", "targets"]),
    ("csv", ["path", "target", "task", "sha256"]),
]
private let commonDataKeys = ["source", "validation_split", "seed", "standardize"]

/// Every key a `data` object may have, for sweep paths.
let allDataKeys = commonDataKeys + Array(Set(sourceKeys.flatMap(\.1))).sorted()

/// Samples drawn by a synthetic source when `samples` is not given (scikit-learn's default).
let defaultSamples = 100
/// The most samples a synthetic source may draw; past it the file is refused.
let maximumSamples = 10_000_000

/// Reads and checks `data`, working out the shape the model must fit.
/// CSV files are loaded (through `cache`) so their columns can be checked now.
func readData(_ node: JSONNode, baseDirectory: String, sink: DiagnosticSink,
              cache: CSVCache) -> (DataConfig, DataShape)? {
    guard var reader = ObjectReader(node, path: "data", sink: sink) else { return nil }
    let names = sourceKeys.map(\.0)
    guard let sourceName = reader.choice("source", kind: "data source", names.map { ($0, $0) }, required: true) else {
        if !reader.has("source") {
            // A misspelt "source" is one mistake: the unknown key, with its suggestion.
            for key in allDataKeys { _ = reader.member(key) }
            reader.finish(allowed: allDataKeys)
        }
        return nil
    }
    let ownKeys = sourceKeys.first { $0.0 == sourceName }!.1
    var explanations: [String: String] = [:]
    for (other, keys) in sourceKeys where other != sourceName {
        for key in keys where !ownKeys.contains(key) && explanations[key] == nil {
            let takers = sourceKeys.filter { $0.1.contains(key) }.map(\.0)
            explanations[key] = "source \(sourceName) takes no \"\(key)\" (only \(nameList(takers)) \(takers.count == 1 ? "does" : "do"))"
        }
    }

    let fourCornerXor = sourceName == "xor" && !reader.has("samples")
    let defaultSplit = sourceName == "inline" || fourCornerXor ? 0.0 : 0.2
    let validationSplit = reader.number("validation_split", .fractionBelowOne, default: defaultSplit)
    let seed = reader.integer("seed", minimum: Int.min, default: 0)
    let standardize = reader.bool("standardize", default: false)
    var noise = 0.0
    if ownKeys.contains("noise") {
        noise = reader.number("noise", .nonNegative, default: sourceName == "blobs" ? 1 : 0) ?? -1
    }
    var samples: Int?
    if ownKeys.contains("samples") {
        samples = reader.integer("samples", minimum: 1, default: sourceName == "xor" ? nil : defaultSamples)
        if let n = samples, n > maximumSamples, let member = node.member("samples") {
            sink.error(at: member.value.location, "data.samples",
                       "\(n) samples need about \(byteText(Double(n) * 8 * 6)) of memory; at most \(maximumSamples) are drawn")
            samples = nil
        }
    }

    var source: DataSource?
    var shape: DataShape?
    switch sourceName {
    case "xor":
        if let samples {
            source = .xor(samples: samples)
            shape = DataShape(features: 2, samples: samples, targets: .classes(2))
        } else if !reader.has("samples") {
            source = .xor(samples: nil)
            shape = DataShape(features: 2, samples: 4, targets: .classes(2))
        }
    case "moons", "spirals", "sine":
        if let samples {
            source = sourceName == "moons" ? .moons(samples: samples) : sourceName == "spirals" ? .spirals(samples: samples) : .sine(samples: samples)
            shape = DataShape(features: sourceName == "sine" ? 1 : 2, samples: samples,
                              targets: sourceName == "sine" ? .regression(width: 1) : .classes(2))
        }
    case "circles":
        let factor = reader.number("factor", .fractionBelowOne, default: 0.5)
        if let samples, let factor {
            source = .circles(samples: samples, factor: factor)
            shape = DataShape(features: 2, samples: samples, targets: .classes(2))
        }
    case "blobs":
        let classes = reader.integer("classes", minimum: 2, maximum: 1000, default: 3)
        let features = reader.integer("features", minimum: 1, maximum: 10_000, default: 2)
        if let samples, let classes, let features {
            if samples < classes {
                sink.error(at: node.member("samples")?.value.location ?? node.location, "data.samples",
                           "expected at least one sample per class (\(classes) classes), found \(samples)")
            } else {
                source = .blobs(samples: samples, classes: classes, features: features)
                shape = DataShape(features: features, samples: samples, targets: .classes(classes))
            }
        }
    case "inline":
        // Read once per place in the file: a sweep over other data keys reuses it.
        let key = ["inputs", "labels", "targets"].map { key in
            node.member(key).map { "\($0.value.location.line):\($0.value.location.column)" } ?? "-"
        }.joined(separator: "|")
        if let known = sink.inlineRead[key] {
            for key in ["inputs", "labels", "targets"] { _ = reader.member(key) }
            (source, shape) = known
        } else {
            (source, shape) = readInline(&reader, sink: sink)
            sink.inlineRead[key] = (source, shape)
        }
    case "csv":
        (source, shape) = readCSV(&reader, baseDirectory: baseDirectory, sink: sink, cache: cache)
    default:
        break
    }
    reader.finish(allowed: commonDataKeys + ownKeys, explanations: explanations)

    guard let source, let shape, let validationSplit, let seed, let standardize, noise >= 0 else { return nil }
    // The split's rule (Dataset.split): round(f·N), at most N − 1, so that training keeps a sample.
    let validationSamples = min(Int((validationSplit * Double(shape.samples)).rounded()), shape.samples - 1)
    if validationSplit > 0 && validationSamples <= 0, let member = node.member("validation_split") {
        let of = "\(numberText(validationSplit)) of \(shape.samples) sample\(shape.samples == 1 ? "" : "s")"
        sink.error(at: member.value.location, "data.validation_split", Int((validationSplit * Double(shape.samples)).rounded()) == 0
            ? "\(of) is no sample at all; use 0 or a larger fraction"
            : "\(of) leaves none for validation, since training keeps at least one; use 0 or more samples")
        return nil
    }
    let config = DataConfig(source: source, noise: noise, validationSplit: validationSplit, seed: seed, standardize: standardize)
    if standardize, let member = node.member("standardize"),
       let (column, reason) = standardizationVerdict(source, node: node, split: validationSplit, seed: seed, sink: sink, cache: cache) {
        sink.error(at: member.value.location, "data.standardize",
                   "column \(quotedText(column)) cannot be standardized: \(reason)")
        return nil
    }
    return (config, shape)
}

/// The column standardization cannot scale, checked once per data set and split.
private func standardizationVerdict(_ source: DataSource, node: JSONNode, split: Double, seed: Int,
                                    sink: DiagnosticSink, cache: CSVCache) -> (column: String, reason: String)? {
    let place: String
    switch source {
    case .csv(let path, _, let target, let task, _): place = "\(path)\u{0}\(target)\u{0}\(task.rawValue)"
    default: place = node.member("inputs").map { "\($0.value.location.line):\($0.value.location.column)" } ?? ""
    }
    let key = "\(place)\u{0}\(split)\u{0}\(seed)"
    if let known = sink.standardizationVerdicts[key] { return known }
    let verdict = givenDataset(source, cache: cache)?.columnStandardizationCannotScale(validationFraction: split, seed: seed)
    sink.standardizationVerdicts[key] = .some(verdict)
    return verdict
}

/// The data of a source given in the file or a CSV file (already loaded into
/// `cache`), for checks on its values; nil for generated sources.
private func givenDataset(_ source: DataSource, cache: CSVCache) -> Dataset? {
    switch source {
    case .inline(let inputs, let labels, let targets):
        return Dataset.inline(inputs: inputs, labels: labels, targets: targets)
    case .csv(let path, let displayPath, let target, let task, _):
        return try? cache.dataset(path: path, displayPath: displayPath, target: target, task: task).get()
    case .xor, .moons, .circles, .spirals, .blobs, .sine:
        return nil
    }
}

/// `inputs` with either `labels` or `targets`.
private func readInline(_ reader: inout ObjectReader, sink: DiagnosticSink) -> (DataSource?, DataShape?) {
    let inputsMember = reader.member("inputs")
    let labelsMember = reader.member("labels")
    let targetsMember = reader.member("targets")
    guard let inputsMember else {
        reader.missing("inputs")
        return (nil, nil)
    }
    guard let inputs = readRows(inputsMember.value, path: "data.inputs", sink: sink) else { return (nil, nil) }
    switch (labelsMember, targetsMember) {
    case (nil, nil):
        sink.error(at: reader.node.location, "data", "inline data needs \"labels\" (classification) or \"targets\" (regression)")
        return (nil, nil)
    case (.some, .some(let targets)):
        sink.error(at: targets.keyLocation, "data.targets", "inline data takes \"labels\" or \"targets\", not both")
        return (nil, nil)
    case (.some(let labelsMember), nil):
        guard let elements = labelsMember.value.value.elements else {
            sink.error(at: labelsMember.value.location, "data.labels", "expected a list of class numbers, found \(foundText(labelsMember.value))")
            return (nil, nil)
        }
        var labels: [Int] = []
        for (i, element) in elements.enumerated() {
            if let label = element.intValue, label >= 0, label <= 9_999 {
                labels.append(label)
            } else if let label = checkInteger(element, "data.labels[\(i)]", minimum: 0, maximum: 9_999, sink) {
                labels.append(label)
            }
        }
        guard labels.count == elements.count else { return (nil, nil) }
        guard labels.count == inputs.count else {
            sink.error(at: labelsMember.value.location, "data.labels",
                       "expected one label per input row (\(inputs.count)), found \(labels.count)")
            return (nil, nil)
        }
        let classes = max(2, (labels.max() ?? 0) + 1)
        return (.inline(inputs: inputs, labels: labels, targets: nil),
                DataShape(features: inputs[0].count, samples: inputs.count, targets: .classes(classes)))
    case (nil, .some(let targetsMember)):
        guard let targets = readRows(targetsMember.value, path: "data.targets", sink: sink) else { return (nil, nil) }
        guard targets.count == inputs.count else {
            sink.error(at: targetsMember.value.location, "data.targets",
                       "expected one target row per input row (\(inputs.count)), found \(targets.count)")
            return (nil, nil)
        }
        return (.inline(inputs: inputs, labels: nil, targets: targets),
                DataShape(features: inputs[0].count, samples: inputs.count, targets: .regression(width: targets[0].count)))
    }
}

/// A non-empty list of equally long, non-empty rows of numbers (read once per
/// place in the file and path: a grid point that has not changed it reuses it).
func readRows(_ node: JSONNode, path: String, sink: DiagnosticSink) -> [[Double]]? {
    let key = "\(node.location.line):\(node.location.column):\(path)"
    if let known = sink.rowsRead[key] { return known }
    let rows = readRowsOnce(node, path: path, sink: sink)
    sink.rowsRead[key] = .some(rows)
    return rows
}

private func readRowsOnce(_ node: JSONNode, path: String, sink: DiagnosticSink) -> [[Double]]? {
    guard let rows = node.value.elements, !rows.isEmpty else {
        sink.error(at: node.location, path, "expected a non-empty list of rows of numbers, found \(foundText(node))")
        return nil
    }
    var result: [[Double]] = []
    var width: Int?
    var ok = true
    for (i, row) in rows.enumerated() {
        guard let cells = row.value.elements, !cells.isEmpty else {
            sink.error(at: row.location, "\(path)[\(i)]", "expected a non-empty list of numbers, found \(foundText(row))")
            ok = false
            continue
        }
        if let width, cells.count != width {
            sink.error(at: row.location, "\(path)[\(i)]", "expected \(width) numbers like the rows before it, found \(cells.count)")
            ok = false
            continue
        }
        width = cells.count
        var values: [Double] = []
        for (j, cell) in cells.enumerated() {
            // The path is spelled out only for a cell in error: millions of cells are read here.
            if let x = cell.value.doubleValue, x.isFinite {
                values.append(x)
            } else if let x = checkNumber(cell, "\(path)[\(i)][\(j)]", .any, sink) {
                values.append(x)
            } else {
                ok = false
            }
        }
        result.append(values)
    }
    return ok ? result : nil
}

/// `path`, `target`, `task` and `sha256`; the file is loaded to check its
/// columns. `sha256`, when given (a run's config.json records it), must be the
/// digest of the file's bytes: a run is only reproduced from the data it was made from.
private func readCSV(_ reader: inout ObjectReader, baseDirectory: String, sink: DiagnosticSink,
                     cache: CSVCache) -> (DataSource?, DataShape?) {
    let path = reader.string("path", required: true)
    let target = reader.string("target", required: true)
    let task = reader.choice("task", kind: "task", LearningTask.Kind.allCases.map { ($0.rawValue, $0) }, default: .classification)
    let recorded = reader.string("sha256")
    guard let path, let target, let task else { return (nil, nil) }
    let pathNode = reader.node.member("path")!.value
    guard !path.isEmpty else {
        sink.error(at: pathNode.location, "data.path", "expected the path of a CSV file, found \"\"")
        return (nil, nil)
    }
    let opened = path.hasPrefix("/") ? path : joinFilePath(baseDirectory, path)
    let shown = normalizedPath(opened)
    switch cache.dataset(path: opened, displayPath: shown, target: target, task: task) {
    case .failure(let error):
        var message = "\(error.path): \(error.message)"
        if error.message == FileReadProblem.noSuchFile && !path.hasPrefix("/") && !baseDirectory.isEmpty && baseDirectory != "." {
            message += " (looked for \(quotedText(path)) in the experiment file's folder, \(normalizedPath(baseDirectory))/)"
        }
        sink.error(at: pathNode.location, "data.path", message)
        return (nil, nil)
    case .success(let dataset):
        let targets: DataShape.Targets
        switch dataset.task {
        case .classification(let classNames): targets = .classes(classNames.count)
        case .regression: targets = .regression(width: dataset.targets?.columns ?? 1)
        }
        let digest = cache.digest(path: opened)
        if let recorded, recorded != digest, let node = reader.node.member("sha256")?.value {
            sink.error(at: node.location, "data.sha256",
                       "\(shown) is not the file this was made from: its SHA-256 is \(digest), expected \(recorded)")
            return (nil, nil)
        }
        return (.csv(path: opened, displayPath: shown, target: target, task: task, sha256: digest),
                DataShape(features: dataset.inputs.columns, samples: dataset.count, targets: targets))
    }
}

/// A byte count for messages: "1.5 GB", "12 TB".
func byteText(_ bytes: Double) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
    var value = bytes
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    if unit == 0 { return "\(Int(value)) bytes" }
    if value >= 1e6 { return String(format: "%.3g %@", value, units[unit]) }
    return String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
}
