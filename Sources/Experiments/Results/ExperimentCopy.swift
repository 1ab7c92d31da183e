import Foundation

/// An experiment's runs as publishing needs them, read from its file alone:
/// every run's name, sweep labels and seed in run order, and each grid point's
/// training settings (which decide a run's status). No data is read, so an
/// experiment copy is outlined wherever the results are.
public struct ExperimentOutline: Sendable {
    public struct Run: Sendable, Equatable {
        public var name: String
        /// The sweep values' labels, in axis order.
        public var labels: [String]
        /// The sweep values, in axis order, as they replace the experiment's.
        public var values: [JSONNode]
        public var seed: Int
        /// The index of the run's grid point.
        public var point: Int
    }

    public var name: String
    public var description: String?
    public var sweepPaths: [String]
    /// Runs per grid point: one per seed.
    public var seedsPerPoint: Int
    public var runs: [Run]
    /// Each grid point's `training` section.
    public var trainings: [TrainingConfig]
    /// `report.rank_by`, when the file gives it.
    public var rankBy: RankMetric?

    public var gridPoints: Int { trainings.count }
}

/// `experiment.json`: the experiment file as run, byte for byte. `nnlab run`
/// writes it before training, so the runs of an interrupted or sharded sweep
/// are known from disk, finished or not.
public enum ExperimentCopy {
    public static func write(_ experiment: Experiment, to folder: ExperimentFolder) throws(WriteError) {
        try ResultFiles.write(experiment.source, to: folder.experimentCopy)
    }

    /// The copy's bytes, when the folder has one.
    public static func data(_ folder: ExperimentFolder) -> Data? {
        ResultFiles.read(folder.experimentCopy)
    }

    /// The outline of the folder's experiment copy.
    public static func outline(_ folder: ExperimentFolder) throws(Diagnostics) -> ExperimentOutline {
        guard let data = data(folder) else {
            throw Diagnostics([Diagnostic(file: folder.experimentCopy, location: nil, path: "", message: "no such file")])
        }
        return try ExperimentLoader.outline(data: data, file: folder.experimentCopy)
    }
}
