import Foundation

/// What is on disk of an experiment's runs, read once before planning.
public struct RunsOnDisk: Sendable {
    /// Every folder in runs/.
    public var folders: Set<String>
    /// For each folder whose run is finished (config.json, curve.csv and
    /// model.json are there), the SHA-256 of its config.json (empty when not read).
    public var finishedConfigs: [String: String]

    public init(folders: Set<String> = [], finishedConfigs: [String: String] = [:]) {
        self.folders = folders
        self.finishedConfigs = finishedConfigs
    }

    /// Reads the run folders of `folder` (nothing when it has none); without
    /// `digests` (a fresh run reuses nothing) the configs are not read, only found.
    public static func read(_ folder: ExperimentFolder, digests: Bool = true) -> RunsOnDisk {
        var disk = RunsOnDisk(folders: Set(folder.runFolderNames()))
        for name in disk.folders {
            let run = folder.run(name)
            let manager = FileManager.default
            guard manager.fileExists(atPath: run.config), manager.fileExists(atPath: run.curve),
                  manager.fileExists(atPath: run.model) else { continue }
            disk.finishedConfigs[name] = digests ? ResultFiles.read(run.config).map(SHA256.hex) ?? "" : ""
        }
        return disk
    }
}

/// The first stage of `nnlab run`, pure: which runs to train, which are
/// finished on disk, and which folders on disk no longer belong to their
/// experiment. A run is finished when its config.json is the one it would
/// write now, byte for byte (the config records everything that decides the
/// run, a CSV file's contents too), with its curve and model beside it.
public struct RunPlan: Sendable {
    /// A run to train: its experiment and its index in the experiment's runs.
    public struct Job: Sendable, Equatable {
        public var experiment: Int
        public var run: Int
    }

    /// The runs to train, in run order (experiment by experiment).
    public var jobs: [Job]
    /// The runs of all experiments (of the shard's, for a shard).
    public var total: Int
    /// Per experiment: the place of its first run in the global run order, by
    /// which runs are dealt to shards (`Shard`).
    public var firstGlobalIndex: [Int]
    /// Per experiment: its finished runs reused from disk.
    public var finished: [[String]]
    /// Finished runs reused from disk.
    public var reused: Int
    /// Per experiment: its run folders on disk that are not among its runs (left alone, not published).
    public var staleFolders: [[String]]
    /// Per experiment: the runs to train whose folder holds an out-of-date
    /// config.json, to be removed before training so that every config on disk
    /// belongs to the experiment copy beside it.
    public var outdatedConfigs: [[String]]

    /// Plans `experiments` against what is on disk (`onDisk[e]` for experiment e);
    /// `fresh` trains every run anew; with a `shard`, only that shard's runs are
    /// planned (and no folder is called stale: the others are other shards').
    /// A run's config.json is rendered only when one is on disk to compare with,
    /// and only one at a time.
    public static func make(_ experiments: [Experiment], onDisk: [RunsOnDisk], tree: ResultsTree, fresh: Bool,
                            shard: Shard? = nil) -> RunPlan {
        var plan = RunPlan(jobs: [], total: 0, firstGlobalIndex: [], finished: [], reused: 0, staleFolders: [], outdatedConfigs: [])
        var globalIndex = 0
        for (e, experiment) in experiments.enumerated() {
            let disk = onDisk[e]
            let folder = tree.experiment(experiment.name)
            var outdated: [String] = []
            var finished: [String] = []
            plan.firstGlobalIndex.append(globalIndex)
            for (r, run) in experiment.runs.enumerated() {
                globalIndex += 1
                if let shard, !shard.owns(globalIndex - 1) { continue }
                plan.total += 1
                let runFolder = experiment.reproduces == nil ? folder.run(run.name) : folder.reproduction(run.name)
                if let digest = disk.finishedConfigs[run.name], experiment.reproduces == nil {
                    if !fresh && digest == SHA256.hex(Data(ConfigFile.text(run, in: runFolder).utf8)) {
                        plan.reused += 1
                        finished.append(run.name)
                        continue
                    }
                    outdated.append(run.name)
                }
                plan.jobs.append(Job(experiment: e, run: r))
            }
            plan.outdatedConfigs.append(outdated)
            plan.finished.append(finished)
            let names = Set(experiment.runs.map(\.name))
            plan.staleFolders.append(experiment.reproduces == nil && shard == nil ? disk.folders.filter { !names.contains($0) }.sorted() : [])
        }
        return plan
    }
}
