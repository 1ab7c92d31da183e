import Foundation
import NeuralNetwork

/// How `nnlab run` runs: where results go, how many runs train at once, and
/// whether finished runs are reused.
public struct RunnerOptions: Sendable {
    public var output: String
    public var jobs: Int
    /// Train every run anew instead of resuming.
    public var fresh: Bool
    /// Train only this shard's runs, and write none of the experiments' shared files.
    public var shard: Shard?

    public init(output: String, jobs: Int, fresh: Bool, shard: Shard? = nil) {
        self.output = output
        self.jobs = jobs
        self.fresh = fresh
        self.shard = shard
    }
}

/// A run that finished, with the sweep's progress so far.
public struct RunProgress: Sendable {
    public var experiment: String
    public var run: String
    public var status: RunStatus
    public var epochs: Int
    public var seconds: Double
    /// Runs done so far, of `total`, and how many of them diverged.
    public var done: Int
    public var total: Int
    public var diverged: Int
}

/// What the runner tells its caller while it works.
public enum RunnerEvent: Sendable {
    /// Before training: how many runs in all, and how many are reused from disk.
    case planned(total: Int, resumed: Int)
    case finished(RunProgress)
}

/// A run's config.json run on its own: the run trained again into
/// `reproduced/<run>/` and compared with the original, file by file.
public struct Reproduction: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// Every file has the original's bytes.
        case identical
        /// These files differ from the original's.
        case differs([String])
        /// There is no finished original in the results to compare with.
        case noOriginal
    }

    public var run: String
    public var folder: String
    public var original: String
    public var verdict: Verdict
}

/// What a whole `nnlab run` did.
public struct RunnerOutcome: Sendable {
    public var total: Int
    public var trained: Int
    public var resumed: Int
    /// Diverged runs among those trained.
    public var diverged: Int
    /// Ctrl-C: finished runs were kept; the others were not started or were stopped.
    public var interrupted: Bool
    /// The experiments' results folders to publish (reproductions publish nothing).
    public var folders: [ExperimentFolder]
    /// The seconds of each run trained, by experiment folder path and run name.
    public var timings: [String: [String: Double]]
    /// The reduced curve of each run trained, the same way: publishing takes
    /// them instead of reading the runs' curve.csv back.
    public var curves: [String: [String: ReducedCurve]]
    /// The config and model of each run trained that the runner kept
    /// (`Runner.keep`), the same way: the report's pictures take them instead
    /// of reading config.json and model.json back.
    public var kept: [String: [String: KeptRun]]
    /// Run folders on disk that are no longer part of their experiment (left alone, not published).
    public var staleRuns: Int
    public var reproductions: [Reproduction]
}

/// The first two stages of `nnlab run` (SPEC §5): the plan (`RunPlan`), then
/// training on the worker pool (`WorkerPool`). Publishing, the third stage, is
/// `Publisher`'s and reads what these stages left on disk, or the copies of
/// it the runner kept in memory (`RunnerOutcome.curves` and `.kept`).
///
/// Before training, each experiment's copy is written and the out-of-date
/// config.json of every run to train removed, so that a config on disk always
/// belongs to the experiment copy beside it. Each run then trains
/// single-threaded and writes only its own folder: `curve.csv`, `model.json`,
/// then `config.json`, each atomically; a run is finished once its config is
/// there. Interrupted (Ctrl-C) or failed, the stage leaves every finished run
/// whole and no other run marked finished.
///
/// A shard (`RunnerOptions.shard`) plans and trains only its own runs, writes
/// no experiment copy, summary or report, and ends — finished, interrupted or
/// failed — by writing its `ShardRecord`: the copy it ran and the digests of
/// its finished runs, from which `nnlab merge` publishes. Records of another
/// version of the experiment are removed when a shard starts; an unsharded
/// run removes every record, since it takes the whole experiment over.
public final class Runner: @unchecked Sendable {
    private let experiments: [Experiment]
    private let options: RunnerOptions
    private let cache: CSVCache
    private let tree: ResultsTree
    private let lock = NSLock()
    // Guarded by `lock`.
    private var done = 0
    private var diverged = 0
    private var timings: [String: [String: Double]] = [:]
    /// The SHA-256 of each config.json written, by experiment folder path and run name.
    private var writtenConfigs: [String: [String: String]] = [:]
    private var reproductions: [Reproduction] = []
    /// The reduced curve of each run trained, by experiment folder path and run name.
    private var curves: [String: [String: ReducedCurve]] = [:]
    /// The runs kept (`keep`), the same way, and their models' numbers in all.
    private var kept: [String: [String: KeptRun]] = [:]
    private var keptNumbers = 0

    /// At most this many weights and biases, snapshots included, are kept in
    /// memory for publishing (8 MiB of them); the other models are read back.
    static let keptNumbersLimit = 1 << 20

    /// Keeps a run's config and model for publishing (under `lock`) when the
    /// experiment has no more grid points than the report pictures
    /// (`ReportCharts.picturedLimit`: then the best run of every point is
    /// drawn, and reading its config.json and model.json back would load and
    /// parse them all again) and `keptNumbersLimit` allows.
    private func keep(_ run: RunConfig, _ trained: TrainedNetwork, in experiment: Experiment, folder: ExperimentFolder) {
        guard experiment.reproduces == nil, experiment.gridPoints <= ReportCharts.picturedLimit else { return }
        let numbers = trained.network.parameterCount * (1 + trained.snapshots.count)
        guard keptNumbers + numbers <= Runner.keptNumbersLimit else { return }
        keptNumbers += numbers
        let model = SavedModel(network: trained.network, snapshots: trained.snapshots.isEmpty ? nil : trained.snapshots)
        kept[folder.path, default: [:]][run.name] = KeptRun(config: run, model: model)
    }

    public init(experiments: [Experiment], options: RunnerOptions, cache: CSVCache = CSVCache()) {
        self.experiments = experiments
        self.options = options
        self.cache = cache
        tree = ResultsTree(root: options.output)
    }

    /// The results folders of the experiments (reproductions aside), which publishing reads.
    public var folders: [ExperimentFolder] {
        experiments.filter { $0.reproduces == nil }.map { tree.experiment($0.name) }
    }

    /// Plans and trains; `events` is called one at a time, from any thread;
    /// `cancelled` is asked between epochs (Ctrl-C).
    public func run(events: @escaping @Sendable (RunnerEvent) -> Void,
                    cancelled: @escaping @Sendable () -> Bool) throws(WriteError) -> RunnerOutcome {
        let folders = experiments.map { tree.experiment($0.name) }
        for (experiment, folder) in zip(experiments, folders) where experiment.reproduces == nil {
            try ResultFiles.makeFolder(folder.runs)
        }
        let onDisk = folders.map { RunsOnDisk.read($0, digests: !options.fresh) }
        let plan = RunPlan.make(experiments, onDisk: onDisk, tree: tree, fresh: options.fresh, shard: options.shard)
        var recordedSeconds: [[String: Double]] = Array(repeating: [:], count: experiments.count)
        for (e, experiment) in experiments.enumerated() where experiment.reproduces == nil {
            for name in plan.outdatedConfigs[e] { unlink(folders[e].run(name).config) }
            if options.shard == nil {
                ShardRecord.removeAll(in: folders[e])
                try ExperimentCopy.write(experiment, to: folders[e])
                continue
            }
            for record in ShardRecord.readAll(folders[e]) {
                guard record.experiment == experiment.source else {
                    ShardRecord.remove(record.shard.name, in: folders[e])
                    continue
                }
                for run in record.runs {
                    if let digest = run.configDigest, let seconds = run.seconds { recordedSeconds[e][run.name + "\n" + digest] = seconds }
                }
            }
        }
        done = plan.reused
        events(.planned(total: plan.total, resumed: plan.reused))

        var failure: WriteError?
        do {
            try WorkerPool.run(tasks: plan.jobs.count, workers: options.jobs, cancelled: cancelled) { [self] (task) throws(WriteError) in
                let job = plan.jobs[task]
                try train(experiments[job.experiment], experiments[job.experiment].runs[job.run], into: folders[job.experiment],
                          total: plan.total, events: events, cancelled: cancelled)
            }
        } catch {
            failure = error
        }
        lock.lock()
        defer { lock.unlock() }
        if let shard = options.shard {
            do {
                try writeRecords(of: shard, plan: plan, onDisk: onDisk, recordedSeconds: recordedSeconds)
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return RunnerOutcome(total: plan.total, trained: done - plan.reused, resumed: plan.reused, diverged: diverged,
                             interrupted: done < plan.total && cancelled(),
                             folders: self.folders,
                             timings: timings, curves: curves, kept: kept, staleRuns: plan.staleFolders.joined().count,
                             reproductions: reproductions.sorted { $0.folder < $1.folder })
    }

    /// Writes the shard's record in each experiment it owns runs of (under `lock`).
    private func writeRecords(of shard: Shard, plan: RunPlan, onDisk: [RunsOnDisk],
                              recordedSeconds: [[String: Double]]) throws(WriteError) {
        for (e, experiment) in experiments.enumerated() where experiment.reproduces == nil {
            let folder = tree.experiment(experiment.name)
            let reused = Set(plan.finished[e])
            var runs: [ShardRecord.Run] = []
            for (r, run) in experiment.runs.enumerated() where shard.owns(plan.firstGlobalIndex[e] + r) {
                let digest = writtenConfigs[folder.path]?[run.name] ?? (reused.contains(run.name) ? onDisk[e].finishedConfigs[run.name] : nil)
                let seconds = timings[folder.path]?[run.name] ?? digest.flatMap { recordedSeconds[e][run.name + "\n" + $0] }
                runs.append(ShardRecord.Run(name: run.name, globalIndex: plan.firstGlobalIndex[e] + r, configDigest: digest, seconds: seconds))
            }
            guard !runs.isEmpty else { continue }
            try ShardRecord(shard: shard, experiment: experiment.source, runs: runs).write(to: folder)
        }
    }

    /// Trains one run and writes its folder; nothing when the user interrupted it.
    /// The curve streams to curve.csv's temporary name as the run trains, and
    /// its reduced form (`ReducedCurve`), which publishing draws, is kept.
    private func train(_ experiment: Experiment, _ run: RunConfig, into folder: ExperimentFolder, total: Int,
                       events: @Sendable (RunnerEvent) -> Void, cancelled: @escaping () -> Bool) throws(WriteError) {
        let start = DispatchTime.now().uptimeNanoseconds
        let runFolder = experiment.reproduces == nil ? folder.run(run.name) : folder.reproduction(run.name)
        let data: PreparedData
        do {
            data = try run.data.prepare(outputs: run.model.outputs, cache: cache)
        } catch {
            // The data was loaded when the file was validated; only a file changed since can fail here.
            throw WriteError(path: error.path, reason: "cannot read the data: \(error.message)")
        }
        // Temporary files a killed writer left go first, before this run's own.
        ResultFiles.removeTemporaryFiles(in: runFolder.path)
        var curve = RunCurve(file: try CurveWriter(runFolder, layers: run.model.layers.count), reduced: ReducedCurve(epochs: run.training.epochs))
        guard let trained = Trainer.train(run, data: data, curve: &curve, shouldStop: cancelled) else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let digest = try write(run, trained, &curve.file, to: runFolder)
        curve.reduced.close()
        let reproduction = experiment.reproduces.map { compare(runFolder, with: folder.run($0)) }
        let status = RunSummary(run: run, curve: curve.reduced.summary).status
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if status == .diverged { diverged += 1 }
        timings[folder.path, default: [:]][run.name] = elapsed
        writtenConfigs[folder.path, default: [:]][run.name] = digest
        if experiment.reproduces == nil { curves[folder.path, default: [:]][run.name] = curve.reduced }
        keep(run, trained, in: experiment, folder: folder)
        if let reproduction { reproductions.append(reproduction) }
        events(.finished(RunProgress(experiment: run.experiment, run: run.name, status: status, epochs: trained.epochs,
                                     seconds: elapsed, done: done, total: total, diverged: diverged)))
    }

    /// A run's own files: the curve (streamed during training) and the model
    /// first, its config last (the mark of a finished run; an older one is
    /// removed first). Returns the SHA-256 of the config (a shard's claim on
    /// the run; empty unsharded).
    private func write(_ run: RunConfig, _ trained: TrainedNetwork, _ curve: inout CurveWriter,
                       to folder: RunFolder) throws(WriteError) -> String {
        unlink(folder.config)
        try curve.finish()
        try ModelFile.write(trained.network, snapshots: trained.snapshots, to: folder)
        let config = ConfigFile.text(run, in: folder)
        try ConfigFile.write(config, to: folder)
        return options.shard == nil ? "" : SHA256.hex(Data(config.utf8))
    }

    private func compare(_ reproduced: RunFolder, with original: RunFolder) -> Reproduction {
        var verdict = Reproduction.Verdict.noOriginal
        if FileManager.default.fileExists(atPath: original.config) {
            let differing = zip(reproduced.files, original.files).filter { ResultFiles.read($0) != ResultFiles.read($1) }
                .map { ($0.0 as NSString).lastPathComponent }
            verdict = differing.isEmpty ? .identical : .differs(differing)
        }
        return Reproduction(run: reproduced.name, folder: reproduced.path, original: original.path, verdict: verdict)
    }
}

/// Where a run's curve goes as it trains: to curve.csv, and reduced, to memory.
private struct RunCurve: CurveSink {
    var file: CurveWriter
    var reduced: ReducedCurve

    mutating func append(_ record: EpochRecord) {
        file.append(record)
        reduced.append(record)
    }
}
