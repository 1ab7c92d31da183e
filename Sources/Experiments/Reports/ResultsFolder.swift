import Foundation
import NeuralNetwork

/// An experiment's results folder read back from disk: what the report is made
/// of. Reading needs no training and nothing but the files of SPEC §5.
public struct ResultsFolder: Sendable {
    public var folder: String
    public var name: String
    public var description: String?
    /// The sweep's paths, in axis order (the columns of summary.csv between `run` and `seed`).
    public var sweepPaths: [String]
    /// One row per run, in the experiment's run order.
    public var runs: [RunSummary]
    /// Each run's curve, by run name.
    public var curves: [String: [EpochRecord]]

    /// Reads `folder` (an experiment's results folder); nil when it holds no summary.
    /// Without `curves`, only the summary and the experiment are read (the index needs no more).
    public static func read(_ folder: String, curves readCurves: Bool = true) -> ResultsFolder? {
        guard let summaryData = ResultFiles.read(joinFilePath(folder, "summary.csv")),
              let (paths, runs) = RunSummary.parse(String(decoding: summaryData, as: UTF8.self)) else { return nil }
        var name = (folder as NSString).lastPathComponent
        var description: String?
        if let data = ResultFiles.read(joinFilePath(folder, "experiment.json")), let document = try? JSONReader.parse(data) {
            name = document.member("name")?.value.value.stringValue ?? name
            description = document.member("description")?.value.value.stringValue
        }
        var curves: [String: [EpochRecord]] = [:]
        for run in runs where readCurves {
            let path = joinFilePath(joinFilePath(joinFilePath(folder, "runs"), run.run), "curve.csv")
            guard let data = ResultFiles.read(path) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            let columns = text.prefix { $0 != "\n" }.split(separator: ",").count
            if let curve = CurveFile.parse(text, layers: columns - CurveFile.leadingColumns) {
                curves[run.run] = curve
            }
        }
        return ResultsFolder(folder: folder, name: name, description: description, sweepPaths: paths, runs: runs, curves: curves)
    }

    /// The run's resolved config, loaded from its `config.json`.
    public func config(of run: String, cache: CSVCache) -> RunConfig? {
        let path = joinFilePath(joinFilePath(joinFilePath(folder, "runs"), run), "config.json")
        return (try? ExperimentLoader.load(path: path, cache: cache))?.runs.first
    }

    /// The run's trained network, from its `model.json`.
    public func network(of run: String) -> Network? {
        let path = joinFilePath(joinFilePath(joinFilePath(folder, "runs"), run), "model.json")
        guard let data = ResultFiles.read(path), let document = try? JSONReader.parse(data),
              let inputs = document.member("inputs")?.value.intValue,
              let layers = document.member("layers")?.value.value.elements else { return nil }
        var specs: [LayerSpec] = []
        for layer in layers {
            guard let units = layer.member("units")?.value.intValue,
                  let activation = layer.member("activation")?.value.value.stringValue.flatMap(Activation.init(rawValue:)),
                  let rows = layer.member("weights")?.value.value.elements else { return nil }
            let weights = rows.map { ($0.value.elements ?? []).map { $0.value.doubleValue ?? .nan } }
            let biases = layer.member("biases")?.value.value.elements?.map { $0.value.doubleValue ?? .nan }
            specs.append(LayerSpec(units: units, activation: activation, bias: biases != nil, weights: weights, biases: biases))
        }
        return try? Network(inputs: inputs, specs: specs, seed: 0)
    }
}

extension RunSummary {
    /// Reads `summary.csv` as written by `csv`: the sweep paths and the rows.
    public static func parse(_ text: String) -> (sweepPaths: [String], rows: [RunSummary])? {
        let rows = CSVText.parse(text)
        guard let header = rows.first, header.first == "run", let seedColumn = header.firstIndex(of: "seed"),
              header.count == seedColumn + 9 else { return nil }
        let paths = Array(header[1 ..< seedColumn])
        var result: [RunSummary] = []
        for row in rows.dropFirst() {
            guard row.count == header.count, let seed = Int(row[seedColumn]),
                  let status = RunStatus(rawValue: row[seedColumn + 1]), let epochs = Int(row[seedColumn + 2]),
                  let trainLoss = CurveFile.number(row[seedColumn + 3]), let bestEpoch = Int(row[seedColumn + 6]) else { return nil }
            result.append(RunSummary(run: row[0], sweepLabels: Array(row[1 ..< seedColumn]), seed: seed, status: status,
                                     epochs: epochs, trainLoss: trainLoss, validationLoss: CurveFile.number(row[seedColumn + 4]),
                                     bestValidationLoss: CurveFile.number(row[seedColumn + 5]), bestEpoch: bestEpoch,
                                     trainAccuracy: CurveFile.number(row[seedColumn + 7]),
                                     validationAccuracy: CurveFile.number(row[seedColumn + 8])))
        }
        return (paths, result)
    }

    init(run: String, sweepLabels: [String], seed: Int, status: RunStatus, epochs: Int, trainLoss: Double,
         validationLoss: Double?, bestValidationLoss: Double?, bestEpoch: Int, trainAccuracy: Double?, validationAccuracy: Double?) {
        self.run = run
        self.sweepLabels = sweepLabels
        self.seed = seed
        self.status = status
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.validationLoss = validationLoss
        self.bestValidationLoss = bestValidationLoss
        self.bestEpoch = bestEpoch
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
    }
}
