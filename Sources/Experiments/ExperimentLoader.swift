import Foundation
import NeuralNetwork

/// An experiment file, read, validated and expanded into its runs.
public struct Experiment: Sendable {
    /// The file as the user named it.
    public var file: String
    public var name: String
    public var description: String?
    /// The file's bytes, as run (`experiment.json`).
    public var source: Data
    /// The file as parsed.
    public var document: JSONNode
    /// The sweep's axes in file order (empty without a sweep).
    public var axes: [SweepAxis]
    public var seeds: [Int]
    /// Every run: the cartesian product of the axes in file order (the first axis
    /// varying slowest), each point times the seeds.
    public var runs: [RunConfig]
    /// For a run's config.json (a file with `"run"`), the run it reproduces.
    public var reproduces: String?

    /// The number of grid points, the product of the axes' sizes.
    public var gridPoints: Int { axes.reduce(1) { $0 * $1.values.count } }
}

/// Reads experiment files: parse, validate every key, expand the sweep, and
/// validate every resolved run before any run starts. All the mistakes of a
/// file are reported together, in file order.
public enum ExperimentLoader {
    /// The keys of the top level.
    static let topLevelKeys = ["$schema", "name", "description", "data", "model", "loss", "optimizer", "training", "seeds", "sweep", "report", "run"]
    /// The largest experiment file read: 64 MiB.
    public static let maximumFileSize = 64 << 20

    /// Loads the experiment file at `path` (relative paths inside it are relative to its folder).
    public static func load(path: String, cache: CSVCache = CSVCache(), jobs: Int? = nil) throws(Diagnostics) -> Experiment {
        let data: Data
        switch readFile(at: path, limit: maximumFileSize, kind: "experiment file") {
        case .success(let bytes):
            data = bytes
        case .failure(let problem):
            // Where the file exists, its errors are located at its start, like the others.
            let exists = FileManager.default.fileExists(atPath: path)
            throw Diagnostics([Diagnostic(file: path, location: exists ? SourceLocation(line: 1, column: 1) : nil, path: "",
                                          message: problem.message)])
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try load(data: data, file: path, baseDirectory: directory, cache: cache, jobs: jobs)
    }

    /// Loads an experiment from its bytes; `file` names it in messages and
    /// `baseDirectory` anchors its relative paths.
    /// `jobs` is how many runs `nnlab run` trains at once (default: one per
    /// core), for the memory check.
    public static func load(data: Data, file: String, baseDirectory: String,
                            cache: CSVCache = CSVCache(), jobs: Int? = nil) throws(Diagnostics) -> Experiment {
        let document = try parse(data, file: file)
        let sink = DiagnosticSink(file: file)
        sink.jobs = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        sink.root = document
        let experiment = read(document, file: file, baseDirectory: baseDirectory, sink: sink, cache: cache)
            .map { experiment -> Experiment in
                var experiment = experiment
                experiment.source = data
                return experiment
            }
        let diagnostics = sink.sorted
        guard diagnostics.isEmpty, let experiment else {
            throw Diagnostics(diagnostics.isEmpty
                ? [Diagnostic(file: file, location: document.location, path: "", message: "invalid experiment")]
                : diagnostics)
        }
        return experiment
    }

    /// The experiment files named by `paths`: files as given, folders by their
    /// `*.json` files in name order (not descending into subfolders).
    public static func experimentFiles(_ paths: [String]) throws(Diagnostics) -> [String] {
        var files: [String] = []
        var problems: [Diagnostic] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                problems.append(Diagnostic(file: path, location: nil, path: "", message: "no such file or folder"))
                continue
            }
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                let json = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
                if json.isEmpty {
                    problems.append(Diagnostic(file: path, location: nil, path: "", message: "no experiment files (*.json) in this folder"))
                }
                files += json.map { joinFilePath(path, $0) }
            } else {
                files.append(path)
            }
        }
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return files
    }

    // MARK: - Validation

    private static func read(_ document: JSONNode, file: String, baseDirectory: String,
                             sink: DiagnosticSink, cache: CSVCache) -> Experiment? {
        guard let header = readHeader(document, sink: sink) else { return nil }
        let grid = header.grid
        sink.runsAtOnce = min(sink.jobs, grid.axes.reduce(1) { $0 * $1.values.count } * grid.seeds.count)
        // Every grid point, validated once per distinct point; seeds only change the run.
        var runs: [RunConfig] = []
        var valid = true
        // Sections no axis reaches are the same at every grid point: read once.
        let swept = grid.axes.map { $0.path.split(separator: ".").first.map(String.init) ?? $0.path }
        let memo = SectionMemo(dataFixed: !swept.contains("data"), modelFixed: !swept.contains("data") && !swept.contains("model"))
        grid.forEachPoint { choice, resolved in
            guard let sections = readSections(resolved, baseDirectory: baseDirectory, sink: sink, cache: cache, memo: memo) else {
                valid = false
                return
            }
            for seed in grid.seeds {
                let values = grid.axes.enumerated().map { index, axis in
                    SweepValue(path: axis.path, label: axis.labels[choice[index]], value: axis.values[choice[index]])
                }
                runs.append(RunConfig(experiment: header.name ?? "", name: grid.runName(choice: choice, seed: seed), seed: seed,
                                      sweepValues: values, data: sections.data, model: sections.model, loss: sections.loss,
                                      optimizer: sections.optimizer, training: sections.training,
                                      resolved: grid.runDocument(resolved, seed: seed)))
            }
        }
        guard valid, header.valid, let name = header.name else { return nil }
        return Experiment(file: file, name: name, description: header.description, source: Data(), document: document,
                          axes: grid.axes, seeds: grid.seeds, runs: runs, reproduces: header.run)
    }

    /// What publishing needs of an experiment, from its file alone (no data is
    /// read): every run's name, sweep labels, seed and training settings, in run
    /// order. Names come from the same `ExperimentGrid` as `load`'s runs.
    public static func outline(data: Data, file: String) throws(Diagnostics) -> ExperimentOutline {
        let document = try parse(data, file: file)
        let sink = DiagnosticSink(file: file)
        var trainings: [TrainingConfig] = []
        var runs: [ExperimentOutline.Run] = []
        if let header = readHeader(document, sink: sink), header.valid, let name = header.name {
            let grid = header.grid
            grid.forEachPoint { choice, resolved in
                guard let node = resolved.member("training")?.value,
                      let training = readTraining(node, validationSplit: nil, sink: sink) else { return }
                for seed in grid.seeds {
                    runs.append(ExperimentOutline.Run(name: grid.runName(choice: choice, seed: seed),
                                                      labels: grid.axes.indices.map { grid.axes[$0].labels[choice[$0]] },
                                                      values: grid.axes.indices.map { grid.axes[$0].values[choice[$0]] },
                                                      seed: seed, point: trainings.count))
                }
                trainings.append(training)
            }
            if sink.items.isEmpty {
                return ExperimentOutline(name: name, description: header.description, sweepPaths: grid.axes.map(\.path),
                                         seedsPerPoint: grid.seeds.count, runs: runs, trainings: trainings, rankBy: header.rankBy)
            }
        }
        let diagnostics = sink.sorted
        throw Diagnostics(diagnostics.isEmpty
            ? [Diagnostic(file: file, location: document.location, path: "", message: "invalid experiment")] : diagnostics)
    }

    /// The file's JSON, or its syntax error located.
    private static func parse(_ data: Data, file: String) throws(Diagnostics) -> JSONNode {
        do {
            return try JSONReader.parse(data)
        } catch {
            throw Diagnostics([Diagnostic(file: file, location: error.location, path: error.path, message: error.message)])
        }
    }

    /// The top level: name, description, seeds, the sweep and the `run` marker.
    private struct Header {
        var name: String?
        var description: String?
        var run: String?
        /// `report.rank_by`, when given.
        var rankBy: RankMetric?
        var grid: ExperimentGrid
        /// False when a top-level mistake was reported; the grid is then the
        /// valid axes only (or the first value of each), so that the sections are
        /// still checked and every mistake is reported.
        var valid: Bool
    }

    private static func readHeader(_ document: JSONNode, sink: DiagnosticSink) -> Header? {
        guard var root = ObjectReader(document, path: "", sink: sink) else { return nil }
        _ = root.string("$schema")
        let name = readName(&root)
        let description = root.string("description")
        let seedsRead = readSeeds(&root)
        let run = readRunMarker(&root)
        var axesRead: [SweepAxis] = []
        var sweepValid = true
        if let member = root.member("sweep") {
            (axesRead, sweepValid) = readSweep(member.value, sink: sink)
            if run != nil {
                sink.error(at: member.keyLocation, "sweep", "a run's config (a file with \"run\") has no sweep")
                sweepValid = false
            }
        }
        if run != nil, let seeds = seedsRead, seeds.count != 1, let member = root.node.member("seeds") {
            sink.error(at: member.value.location, "seeds", "a run's config (a file with \"run\") has one seed, found \(seeds.count)")
            sweepValid = false
        }
        var reportValid = true
        var rankBy: RankMetric?
        if let member = root.member("report") {
            (reportValid, rankBy) = readReport(member.value, lossSwept: axesRead.contains { $0.path == "loss" }, sink: sink)
        }
        for key in ["data", "model", "loss", "optimizer", "training"] {
            _ = root.member(key)
        }
        root.finish(allowed: topLevelKeys, explanations: misplacedKeyExplanations(root.members.map(\.key)))
        for axis in axesRead {
            sink.markSweepValues(axis.values, axis: axis.path)
        }
        var valid = sweepValid && reportValid && seedsRead != nil && name != nil && (run != nil || !root.has("run"))
        var grid = ExperimentGrid(document: document, axes: axesRead, seeds: seedsRead ?? [0], run: run)
        let points = grid.axes.reduce(1.0) { $0 * Double($1.values.count) }
        if points * Double(grid.seeds.count) > Double(maximumRuns) {
            let sweep = document.member("sweep")
            sink.error(at: sweep?.keyLocation ?? document.location, "sweep",
                       "the sweep expands into \(numberText(points * Double(grid.seeds.count))) runs; at most \(maximumRuns) are allowed")
            valid = false
            grid.axes = grid.axes.map { axis in
                var first = axis
                first.values = [axis.values[0]]
                first.labels = [axis.labels[0]]
                return first
            }
            grid.seeds = [grid.seeds[0]]
        }
        return Header(name: name, description: description, run: run, rankBy: rankBy, grid: grid, valid: valid)
    }

    /// `run`: in a run's config.json, the name of the run it is (letters, digits and `.,=+-_~`).
    private static func readRunMarker(_ root: inout ObjectReader) -> String? {
        guard let run = root.string("run") else { return nil }
        let node = root.node.member("run")!.value
        guard !run.isEmpty, run.count <= 200, run != ".", run != "..", run.unicodeScalars.allSatisfy(isRunNameCharacter) else {
            root.sink.error(at: node.location, "run", "expected a run's folder name (letters, digits and .,=+-_~), found \(foundText(node))")
            return nil
        }
        return run
    }

    /// For keys that belong inside a section ("epochs" at the top level), where they go.
    private static func misplacedKeyExplanations(_ keys: [String]) -> [String: String] {
        let sections = [("training", trainingKeys), ("optimizer", allOptimizerKeys), ("data", allDataKeys), ("model", allModelKeys)]
        var explanations: [String: String] = [:]
        for key in keys where !topLevelKeys.contains(key) {
            let wanted = keyAliases[key] ?? key
            if let (section, _) = sections.first(where: { $0.1.contains(wanted) && wanted != "name" }) {
                let spelled = wanted == key ? "" : " (spelled \"\(wanted)\")"
                explanations[key] = "unknown key \(quotedText(key)) at the top level; it belongs in \"\(section)\"\(spelled)"
            }
        }
        return explanations
    }

    private struct Sections {
        var data: DataConfig
        var model: ModelConfig
        var loss: Loss
        var optimizer: OptimizerConfig
        var training: TrainingConfig
    }

    /// The five sections of one resolved run.
    /// What `readSections` read at the first grid point, for sections that no
    /// sweep axis changes (the model also depends on the data and the loss).
    private final class SectionMemo {
        let dataFixed: Bool, modelFixed: Bool
        var data: (DataConfig, DataShape)??
        var models: [String: ModelConfig?] = [:]

        init(dataFixed: Bool, modelFixed: Bool) {
            self.dataFixed = dataFixed
            self.modelFixed = modelFixed
        }
    }

    private static func readSections(_ document: JSONNode, baseDirectory: String, sink: DiagnosticSink,
                                     cache: CSVCache, memo: SectionMemo) -> Sections? {
        func section(_ key: String) -> JSONNode? {
            guard let member = document.member(key) else {
                sink.missing(at: document.location, "", key)
                return nil
            }
            return member.value
        }
        let dataNode = section("data"), modelNode = section("model"), lossNode = section("loss")
        let optimizerNode = section("optimizer"), trainingNode = section("training")
        let dataResult: (DataConfig, DataShape)?
        if memo.dataFixed, let known = memo.data {
            dataResult = known
        } else {
            dataResult = dataNode.flatMap { readData($0, baseDirectory: baseDirectory, sink: sink, cache: cache) }
            if memo.dataFixed { memo.data = .some(dataResult) }
        }
        let loss = lossNode.flatMap { checkChoice($0, "loss", kind: "loss", lossChoices, sink) }
        let model: ModelConfig?
        let modelKey = loss?.rawValue ?? ""
        if memo.modelFixed, let known = memo.models[modelKey] {
            model = known
        } else {
            model = modelNode.flatMap { readModel($0, shape: dataResult?.1, loss: loss, sink: sink) }
            if memo.modelFixed { memo.models[modelKey] = .some(model) }
        }
        let optimizer = optimizerNode.flatMap { readOptimizer($0, sink: sink) }
        // An empty validation part (a split of a few samples rounding to none) counts as no split.
        let split = dataResult.map { data, shape in
            min(Int((data.validationSplit * Double(shape.samples)).rounded()), shape.samples - 1) > 0 ? data.validationSplit : 0
        }
        let training = trainingNode.flatMap { readTraining($0, validationSplit: split, sink: sink) }
        // The pairing rules are checked on what could be read, whatever else is wrong.
        var paired = true
        if let loss, let lossNode, let shape = dataResult?.1 {
            paired = checkLossPairing(loss, lossNode: lossNode, model: model, shape: shape, sink: sink)
        }
        guard let (data, _) = dataResult, let loss, let model, let optimizer, let training, paired else { return nil }
        return Sections(data: data, model: model, loss: loss, optimizer: optimizer, training: training)
    }

    /// `name`: letters, digits, ".", "_" and "-" only, not "." and without "..", at most 100 characters.
    private static func readName(_ root: inout ObjectReader) -> String? {
        guard let name = root.string("name", required: true) else { return nil }
        let node = root.node.member("name")!.value
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
        if name.isEmpty {
            root.sink.error(at: node.location, "name", "expected a name for the results folder, found \"\"")
        } else if !allowed || name.contains("..") || name == "." {
            root.sink.error(at: node.location, "name",
                            "expected letters, digits, \".\", \"_\" and \"-\" only (no \"..\"), found \(foundText(node))")
        } else if ResultsTree.isReserved(name) {
            root.sink.error(at: node.location, "name",
                            "\"\(name)\" is the name of a file or folder of the results folder itself; choose another name")
        } else if name.count > 100 {
            root.sink.error(at: node.location, "name", "expected at most 100 characters, found \(name.count)")
        } else {
            return name
        }
        return nil
    }

    /// `seeds`: a count n (seeds 0 … n−1) or a non-empty list of distinct integers; default [0].
    private static func readSeeds(_ root: inout ObjectReader) -> [Int]? {
        guard let member = root.member("seeds") else { return [0] }
        let sink = root.sink
        if let elements = member.value.value.elements {
            guard !elements.isEmpty else {
                sink.error(at: member.value.location, "seeds", "expected a count or a non-empty list of integers, found an empty list")
                return nil
            }
            var seeds: [Int] = []
            var seen: Set<Int> = []
            var repeats = 0
            for (i, element) in elements.enumerated() {
                guard let seed = element.intValue ?? checkInteger(element, "seeds[\(i)]", minimum: Int.min, sink) else { continue }
                if !seen.insert(seed).inserted {
                    repeats += 1
                    if repeats > DiagnosticSink.maximumReported {
                        sink.omitted += 1  // past what is reported, and after it in file order
                    } else {
                        sink.error(at: element.location, "seeds[\(i)]", "seed \(seed) is listed twice")
                    }
                }
                seeds.append(seed)
            }
            return seeds.count == elements.count && repeats == 0 ? seeds : nil
        }
        guard let count = checkInteger(member.value, "seeds", minimum: 1, maximum: maximumRuns, sink) else { return nil }
        return Array(0 ..< count)
    }
}
