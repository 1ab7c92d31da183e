import Foundation
import NeuralNetwork

/// How `nnlab run` runs: where results go, how many runs train at once, and
/// whether finished runs are reused.
public struct RunnerOptions: Sendable {
    public var output: String
    public var jobs: Int
    /// Train every run anew instead of resuming.
    public var fresh: Bool

    public init(output: String, jobs: Int, fresh: Bool) {
        self.output = output
        self.jobs = jobs
        self.fresh = fresh
    }
}

/// A run that finished (or was found finished on disk), with the sweep's progress so far.
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

/// What a whole `nnlab run` did.
public struct RunnerOutcome: Sendable {
    public var total: Int
    public var trained: Int
    public var resumed: Int
    public var diverged: Int
    /// Ctrl-C: finished runs were kept; nothing shared was written.
    public var interrupted: Bool
    /// Each experiment's results folder.
    public var folders: [String]
    /// Run folders on disk that are no longer part of their experiment (left alone, not summarized).
    public var staleRuns: Int
}

/// Trains every run of the given experiments on `jobs` worker threads and writes
/// the results tree of SPEC §5.
///
/// Each run trains single-threaded and writes only its own folder
/// (`curve.csv`, `model.json`, then `config.json`, each atomically; a run
/// counts as finished once its `config.json` is there). The shared files —
/// `experiment.json`, `summary.csv`, `timings.csv` — are written at the end in
/// the experiments' run order, so every file but `timings.csv` is the same
/// whatever the number of jobs. A run whose `config.json` on disk equals the
/// one it would write, with its curve and model, is reused (unless `fresh`).
public final class Runner: @unchecked Sendable {
    private struct Job: Sendable {
        var experiment: Int
        /// The run's index in its experiment.
        var index: Int
        var run: RunConfig
        var folder: String
        var config: String
    }

    private let experiments: [Experiment]
    private let options: RunnerOptions
    private let cache: CSVCache
    private let lock = NSLock()
    // Guarded by `lock`.
    private var summaries: [[RunSummary?]]
    private var seconds: [[Double?]]
    private var done = 0
    private var diverged = 0
    private var failure: WriteError?
    private var nextJob = 0

    public init(experiments: [Experiment], options: RunnerOptions, cache: CSVCache = CSVCache()) {
        self.experiments = experiments
        self.options = options
        self.cache = cache
        summaries = experiments.map { Array(repeating: nil, count: $0.runs.count) }
        seconds = experiments.map { Array(repeating: nil, count: $0.runs.count) }
    }

    public func experimentFolder(_ experiment: Experiment) -> String {
        joinFilePath(options.output, experiment.name)
    }

    /// Runs everything; `events` is called one at a time, from any thread;
    /// `cancelled` is asked between epochs (Ctrl-C).
    public func run(events: @escaping @Sendable (RunnerEvent) -> Void,
                    cancelled: @escaping @Sendable () -> Bool) throws(WriteError) -> RunnerOutcome {
        let total = experiments.reduce(0) { $0 + $1.runs.count }
        var jobs: [Job] = []
        var resumed = 0
        var stale = 0
        for (e, experiment) in experiments.enumerated() {
            let folder = experimentFolder(experiment)
            try ResultFiles.makeFolder(joinFilePath(folder, "runs"))
            let oldTimings = readTimings(joinFilePath(folder, "timings.csv"))
            for (r, run) in experiment.runs.enumerated() {
                let runFolder = joinFilePath(joinFilePath(folder, "runs"), run.name)
                let config = configText(run, runFolder: runFolder)
                if !options.fresh, let curve = finishedCurve(runFolder, config: config, layers: run.model.layers.count) {
                    summaries[e][r] = RunSummary(run: run, curve: curve)
                    seconds[e][r] = oldTimings[run.name]
                    resumed += 1
                } else {
                    jobs.append(Job(experiment: e, index: r, run: run, folder: runFolder, config: config))
                }
            }
            let names = Set(experiment.runs.map(\.name))
            let onDisk = (try? FileManager.default.contentsOfDirectory(atPath: joinFilePath(folder, "runs"))) ?? []
            stale += onDisk.filter { !names.contains($0) && !$0.hasPrefix(".") }.count
        }
        done = resumed
        diverged = summaries.joined().filter { $0?.status == .diverged }.count
        events(.planned(total: total, resumed: resumed))

        let queue = jobs
        let workers = max(1, min(options.jobs, jobs.count))
        let group = DispatchGroup()
        for _ in 0 ..< workers {
            group.enter()
            let thread = Thread { [self] in
                work(queue, total: total, events: events, cancelled: cancelled)
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let failure { throw failure }

        let interrupted = cancelled() && summaries.joined().contains { $0 == nil }
        if !interrupted {
            for (e, experiment) in experiments.enumerated() {
                try writeShared(experiment, summaries: summaries[e].map { $0! }, seconds: seconds[e])
            }
        }
        return RunnerOutcome(total: total, trained: done - resumed, resumed: resumed, diverged: diverged,
                             interrupted: interrupted, folders: experiments.map(experimentFolder), staleRuns: stale)
    }

    /// A worker: takes the next job until none is left, the user interrupts, or a write fails.
    private func work(_ jobs: [Job], total: Int, events: @Sendable (RunnerEvent) -> Void, cancelled: @Sendable () -> Bool) {
        while true {
            lock.lock()
            let index = nextJob
            nextJob += 1
            let stop = failure != nil
            lock.unlock()
            guard index < jobs.count, !stop, !cancelled() else { return }
            let job = jobs[index]
            let start = DispatchTime.now().uptimeNanoseconds
            let result: TrainingResult?
            do {
                let data = try job.run.data.prepare(outputs: job.run.model.outputs, cache: cache)
                result = Trainer.train(job.run, data: data, shouldStop: cancelled)
            } catch {
                // The data was loaded when the file was validated; only a file changed since can fail here.
                record(WriteError(path: error.path, reason: "cannot read the data: \(error.message)"))
                return
            }
            guard let result else { return }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            do {
                try write(job, result)
            } catch {
                record(error)
                return
            }
            let summary = RunSummary(run: job.run, curve: result.curve)
            lock.lock()
            summaries[job.experiment][job.index] = summary
            seconds[job.experiment][job.index] = elapsed
            done += 1
            if summary.status == .diverged { diverged += 1 }
            events(.finished(RunProgress(experiment: job.run.experiment, run: job.run.name, status: summary.status,
                                         epochs: summary.epochs, seconds: elapsed, done: done, total: total, diverged: diverged)))
            lock.unlock()
        }
    }

    private func record(_ error: WriteError) {
        lock.lock()
        if failure == nil { failure = error }
        lock.unlock()
    }

    /// A run's own files: the curve and the model first, its config last (the mark of a finished run).
    private func write(_ job: Job, _ result: TrainingResult) throws(WriteError) {
        let configPath = joinFilePath(job.folder, "config.json")
        unlink(configPath)
        try ResultFiles.write(CurveFile.text(result.curve, layers: job.run.model.layers.count), to: joinFilePath(job.folder, "curve.csv"))
        try ResultFiles.write(ModelFile.text(result.network), to: joinFilePath(job.folder, "model.json"))
        try ResultFiles.write(job.config, to: configPath)
    }

    /// The finished curve of a run on disk, when its config is the one it would write now.
    private func finishedCurve(_ runFolder: String, config: String, layers: Int) -> [EpochRecord]? {
        guard let existing = ResultFiles.read(joinFilePath(runFolder, "config.json")), existing == Data(config.utf8),
              FileManager.default.fileExists(atPath: joinFilePath(runFolder, "model.json")),
              let curveData = ResultFiles.read(joinFilePath(runFolder, "curve.csv")) else { return nil }
        return CurveFile.parse(String(decoding: curveData, as: UTF8.self), layers: layers)
    }

    private func writeShared(_ experiment: Experiment, summaries: [RunSummary], seconds: [Double?]) throws(WriteError) {
        let folder = experimentFolder(experiment)
        try ResultFiles.write(experiment.source, to: joinFilePath(folder, "experiment.json"))
        try ResultFiles.write(RunSummary.csv(summaries, sweepPaths: experiment.axes.map(\.path)), to: joinFilePath(folder, "summary.csv"))
        var timings = CSVText.line(["run", "seconds"])
        for (run, time) in zip(experiment.runs, seconds) {
            timings += CSVText.line([run.name, time.map { String(format: "%.3f", $0) } ?? ""])
        }
        try ResultFiles.write(timings, to: joinFilePath(folder, "timings.csv"))
    }

    private func readTimings(_ path: String) -> [String: Double] {
        guard let data = ResultFiles.read(path) else { return [:] }
        var timings: [String: Double] = [:]
        for row in CSVText.parse(String(decoding: data, as: UTF8.self)).dropFirst() where row.count == 2 {
            timings[row[0]] = Double(row[1])
        }
        return timings
    }

    /// The run's resolved experiment as `config.json`; a CSV path is rewritten
    /// relative to the run's folder, so the file runs on its own from there.
    private func configText(_ run: RunConfig, runFolder: String) -> String {
        var document = run.resolved
        if case .csv(let path, _, _, _) = run.data.source {
            let relative = relativePath(from: absolutePath(runFolder), to: absolutePath(path))
            document = substitute(document, path: ["data", "path"], with: JSONNode(.string(relative), at: document.location),
                                  keyLocation: document.location)
        }
        return JSONWriter.render(document)
    }
}

/// `path` made absolute against the current folder, with "." and ".." resolved as text.
func absolutePath(_ path: String) -> String {
    normalizedPath(path.hasPrefix("/") ? path : joinFilePath(FileManager.default.currentDirectoryPath, path))
}

/// The relative path from folder `from` to `to`, both absolute and normalized.
func relativePath(from: String, to: String) -> String {
    let a = from.split(separator: "/"), b = to.split(separator: "/")
    var common = 0
    while common < a.count && common < b.count && a[common] == b[common] { common += 1 }
    let ups = Array(repeating: "..", count: a.count - common)
    return (ups + b[common...].map(String.init)).joined(separator: "/")
}
