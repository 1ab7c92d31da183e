import Foundation
import NeuralNetwork

/// An experiment's results as a report shows them: the finished runs' rows
/// and curves, and what is missing when the results are partial. Built by
/// `Publisher` from the run folders, or read back from a published folder.
public struct ResultsFolder: Sendable {
    public var folder: ExperimentFolder
    public var name: String
    public var description: String?
    /// The sweep's paths, in axis order.
    public var sweepPaths: [String]
    /// One row per finished run, in the experiment's run order.
    public var runs: [RunSummary]
    /// Each run's curve, by run name (empty when read without curves).
    public var curves: [String: [EpochRecord]]
    /// The configs and models of runs just trained that the runner kept in
    /// memory, by run name; `config(of:)`, `model(of:)` and `network(of:)`
    /// read the others' config.json and model.json.
    public var kept: [String: KeptRun] = [:]
    /// The runs the experiment has, finished or not.
    public var plannedRuns: Int
    /// Runs per grid point (the seeds).
    public var seedsPerPoint: Int
    /// The grid points with fewer finished runs than seeds: their labels and finished runs, in grid order.
    public var incompletePoints: [(labels: [String], finished: Int)]

    /// `report.rank_by`, when the experiment gives it.
    public var rankBy: RankMetric?
    /// Each run's planned epochs (by which its curve is reduced), when the experiment copy was read.
    public var plannedEpochs: [String: Int] = [:]

    /// True when the loss is one of the sweep's axes.
    public var lossSwept: Bool { sweepPaths.contains("loss") }

    /// Per axis, each label's display text (`DisplayLabels`), over the finished
    /// runs and the incomplete grid points.
    public var displayLabels: [[String: String]] {
        sweepPaths.indices.map { axis in
            DisplayLabels.map(runs.map { $0.sweepLabels[axis] } + incompletePoints.map { $0.labels[axis] })
        }
    }

    /// True when some of the experiment's runs are not finished.
    public var isPartial: Bool { runs.count < plannedRuns }

    /// Complete results: every run finished, one seed per grid point unless the rows say otherwise.
    public init(folder: ExperimentFolder, name: String, description: String?, sweepPaths: [String],
                runs: [RunSummary], curves: [String: [EpochRecord]]) {
        self.folder = folder
        self.name = name
        self.description = description
        self.sweepPaths = sweepPaths
        self.runs = runs
        self.curves = curves
        plannedRuns = runs.count
        seedsPerPoint = Set(runs.map(\.seed)).count
        incompletePoints = []
    }

    /// The results of an outlined experiment from its finished runs' rows and curves.
    init(folder: ExperimentFolder, outline: ExperimentOutline, runs: [RunSummary], curves: [String: [EpochRecord]]) {
        self.folder = folder
        name = outline.name
        description = outline.description
        sweepPaths = outline.sweepPaths
        self.runs = runs
        self.curves = curves
        plannedRuns = outline.runs.count
        rankBy = outline.rankBy
        plannedEpochs = Dictionary(outline.runs.map { ($0.name, outline.trainings[$0.point].epochs) }) { $1 }
        seedsPerPoint = outline.seedsPerPoint
        let finished = Set(runs.map(\.run))
        var perPoint = Array(repeating: 0, count: outline.gridPoints)
        var labels = Array(repeating: [String](), count: outline.gridPoints)
        for run in outline.runs {
            labels[run.point] = run.labels
            if finished.contains(run.name) { perPoint[run.point] += 1 }
        }
        incompletePoints = perPoint.indices.filter { perPoint[$0] < outline.seedsPerPoint }.map { (labels[$0], perPoint[$0]) }
    }

    /// A published folder read back (summary.csv and the experiment copy),
    /// without curves: `reducedCurve(of:)` reads a run's when it is needed;
    /// nil when it has no summary.
    public static func read(_ folder: ExperimentFolder) -> ResultsFolder? {
        guard let (paths, rows) = SummaryFile.read(folder) else { return nil }
        guard let outline = try? ExperimentCopy.outline(folder), outline.sweepPaths == paths else {
            return ResultsFolder(folder: folder, name: folder.name, description: nil, sweepPaths: paths, runs: rows, curves: [:])
        }
        return ResultsFolder(folder: folder, outline: outline, runs: rows, curves: [:])
    }

    /// A run's curve read from disk, reduced (`ReducedCurve`) for its planned
    /// epochs (else the epochs it trained).
    public func reducedCurve(of run: String) -> [EpochRecord]? {
        let epochs = plannedEpochs[run] ?? runs.first { $0.run == run }?.epochs ?? 0
        return CurveFile.reduced(folder.run(run), epochs: epochs)?.records
    }

    /// The run's resolved config, loaded from its `config.json`.
    public func config(of run: String, cache: CSVCache) -> RunConfig? {
        kept[run]?.config ?? ConfigFile.read(folder.run(run), cache: cache)
    }

    /// The run's trained network, from its `model.json`.
    public func network(of run: String) -> Network? {
        if let kept = kept[run] { return kept.model.network }
        return ModelFile.read(folder.run(run))
    }

    /// The run's trained network and snapshots, from its `model.json`.
    public func model(of run: String) -> SavedModel {
        kept[run]?.model ?? ModelFile.readWithSnapshots(folder.run(run))
    }
}

/// What the runner keeps in memory of a run it just trained, for the report's
/// pictures: the config it wrote to config.json and the model it wrote to
/// model.json, which read back to the same values.
public struct KeptRun: Sendable {
    public var config: RunConfig
    public var model: SavedModel

    public init(config: RunConfig, model: SavedModel) {
        self.config = config
        self.model = model
    }
}
