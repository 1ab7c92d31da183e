import Foundation

/// The results tree of SPEC §5, the one place that spells its names:
///
///     <root>/index.html
///     <root>/<experiment>/experiment.json, summary.csv, timings.csv, report.md, report.html, charts/
///     <root>/<experiment>/runs/<run>/config.json, curve.csv, model.json
///     <root>/<experiment>/reproduced/<run>/…   (`nnlab run` on a run's config.json)
///     <root>/<experiment>/lr-find/…            (`nnlab lr-find`: `LRFindFolder`)
///     <root>/<experiment>/shards/<K>-of-<N>/experiment.json, runs.csv
///                                              (`nnlab run --shard`: `ShardRecord`, until `nnlab merge`)
///     <root>/slurm/…                           (`nnlab slurm`: batch scripts and logs)
///     <root>/<experiment>/tensorboard/<run>/…  (`nnlab export tensorboard`: `TensorBoardFolder`)
///     <root>/<experiment>/table.csv            (`nnlab export table`: `TidyTable`)
///     <root>/tensorboard/<experiment>/<run>/…, <root>/table.csv   (the same, of every experiment in the root)
///
/// Each file's writer and reader sit together in the file named after it
/// (`CurveFile`, `SummaryFile`, `ModelFile`, `ConfigFile`, `TimingsFile`,
/// `ExperimentCopy`); they take their paths from here.
public struct ResultsTree: Sendable, Equatable {
    /// The folder every experiment's folder is in (`results/` by default).
    public var root: String

    public init(root: String) {
        self.root = root
    }

    /// `index.html`: links to every experiment's report.
    public var index: String { joinFilePath(root, "index.html") }
    /// `tensorboard/`: every experiment's runs as TensorBoard logs, by experiment (`nnlab export tensorboard`).
    public var tensorboard: TensorBoardFolder { TensorBoardFolder(path: joinFilePath(root, "tensorboard"), byExperiment: true) }
    /// `table.csv`: every experiment's curves in one table (`nnlab export table`).
    public var table: String { joinFilePath(root, "table.csv") }

    public func experiment(_ name: String) -> ExperimentFolder {
        ExperimentFolder(path: joinFilePath(root, name))
    }

    /// The experiment folders in the root (those with an experiment copy or
    /// shard records), in name order.
    public func experimentFolders() -> [ExperimentFolder] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.isEmpty ? "." : root)) ?? []).sorted()
        return names.map(experiment).filter(\.isPublishable)
    }

    /// `slurm/`: the batch scripts `nnlab slurm` writes, and their logs in `slurm/logs/`.
    public var slurm: String { joinFilePath(root, "slurm") }

    /// Names an experiment may not take, compared without case (file systems on
    /// macOS and Windows ignore it): the root's own files and folders.
    static let reservedNames = ["index.html", "README.md", "slurm", "tensorboard", "table.csv"]

    static func isReserved(_ name: String) -> Bool {
        reservedNames.contains { $0.lowercased() == name.lowercased() }
    }
}

/// One experiment's results folder.
public struct ExperimentFolder: Sendable, Equatable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// The tree this folder is in.
    public var tree: ResultsTree { ResultsTree(root: (path as NSString).deletingLastPathComponent) }
    /// The folder's name, the experiment's name.
    public var name: String { (path as NSString).lastPathComponent }

    /// `experiment.json`: the experiment file as run.
    public var experimentCopy: String { joinFilePath(path, "experiment.json") }
    public var summary: String { joinFilePath(path, "summary.csv") }
    public var timings: String { joinFilePath(path, "timings.csv") }
    public var reportMarkdown: String { joinFilePath(path, "report.md") }
    public var reportHTML: String { joinFilePath(path, "report.html") }
    public var charts: String { joinFilePath(path, "charts") }
    public var runs: String { joinFilePath(path, "runs") }
    public var reproductions: String { joinFilePath(path, "reproduced") }
    /// `lr-find/`: the learning-rate range test's files (`LRFindFolder`).
    public var lrFind: String { joinFilePath(path, "lr-find") }
    /// `tensorboard/`: the runs as TensorBoard logs, one folder per run (`nnlab export tensorboard`).
    public var tensorboard: TensorBoardFolder { TensorBoardFolder(path: joinFilePath(path, "tensorboard"), byExperiment: false) }
    /// `table.csv`: the runs' curves in one table (`nnlab export table`).
    public var table: String { joinFilePath(path, "table.csv") }

    /// `shards/`: what each shard of a sharded sweep ran (`ShardRecord`), until merged.
    public var shards: String { joinFilePath(path, "shards") }
    public func shardRecord(_ name: String) -> ShardFolder { ShardFolder(path: joinFilePath(shards, name)) }
    /// The names of the folders in shards/.
    public func shardRecordNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: shards)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A chart's file: `charts/<file>`; `report.md` links it by `chartLink`.
    public func chart(_ file: String) -> String { joinFilePath(charts, file) }
    public static func chartLink(_ file: String) -> String { "charts/" + file }

    public func run(_ name: String) -> RunFolder { RunFolder(path: joinFilePath(runs, name)) }
    /// Where `nnlab run` on a run's config.json writes its reproduction of that run.
    public func reproduction(_ name: String) -> RunFolder { RunFolder(path: joinFilePath(reproductions, name)) }

    /// An experiment folder is one with an experiment copy.
    public var exists: Bool { FileManager.default.fileExists(atPath: experimentCopy) }
    /// Whether there is something to publish: an experiment copy, or the records of shards.
    public var isPublishable: Bool { exists || !shardRecordNames().isEmpty }
    /// Whether the folder has runs/ (results that may not be published yet).
    public var hasRuns: Bool { FileManager.default.fileExists(atPath: runs) }
    /// Whether the report was written.
    public var hasReport: Bool { FileManager.default.fileExists(atPath: reportHTML) }

    /// The names of the folders in runs/, hidden ones aside.
    public func runFolderNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []).filter { !$0.hasPrefix(".") }
    }
}

/// One run's folder: its three files. A run is finished once its `config.json`
/// is there: it is written last, after the curve and the model.
public struct RunFolder: Sendable, Equatable {
    public var path: String

    public var name: String { (path as NSString).lastPathComponent }
    public var config: String { joinFilePath(path, "config.json") }
    public var curve: String { joinFilePath(path, "curve.csv") }
    public var model: String { joinFilePath(path, "model.json") }
    /// The files of a run, the config (the mark of a finished run) last.
    public var files: [String] { [curve, model, config] }
}

/// A TensorBoard log folder (`tensorboard --logdir <path>`) written by `nnlab
/// export tensorboard`: one events file per run, in `<run>/` or, in a folder
/// that holds several experiments (`byExperiment`), `<experiment>/<run>/`, so
/// TensorBoard groups the runs by experiment; the folder's own events file
/// holds the HParams experiment (its hyperparameters and metrics).
public struct TensorBoardFolder: Sendable, Equatable {
    public var path: String
    /// Whether runs sit in `<experiment>/<run>/` rather than `<run>/`.
    public var byExperiment: Bool

    public init(path: String, byExperiment: Bool) {
        self.path = path
        self.byExperiment = byExperiment
    }

    /// The one events file name: TensorBoard reads files whose name holds
    /// "tfevents"; a fixed name, so an export rewrites the same file.
    public static let eventsFileName = "events.out.tfevents.0.nnlab"

    /// The folder's own events file (the HParams experiment).
    public var events: String { joinFilePath(path, Self.eventsFileName) }

    /// The events file of a run of an experiment.
    public func events(experiment: String, run: String) -> String {
        let folder = byExperiment ? joinFilePath(joinFilePath(path, experiment), run) : joinFilePath(path, run)
        return joinFilePath(folder, Self.eventsFileName)
    }
}

/// One shard's record in an experiment folder (`shards/<K>-of-<N>/`): the
/// experiment copy it ran and its runs (`ShardRecord`).
public struct ShardFolder: Sendable, Equatable {
    public var path: String

    public var name: String { (path as NSString).lastPathComponent }
    public var experimentCopy: String { joinFilePath(path, "experiment.json") }
    public var runs: String { joinFilePath(path, "runs.csv") }
}
