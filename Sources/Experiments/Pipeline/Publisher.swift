import Foundation

/// Why an experiment could not be published.
public enum PublishError: Error, Sendable, CustomStringConvertible {
    /// The experiment copy is missing or not a valid experiment.
    case unreadable(Diagnostics)
    case write(WriteError)
    /// The shards' records disagree on the experiment (`ShardedResults`).
    case mixedShards(folder: String, message: String)
    /// Ctrl-C: these experiments were published (whole), the others left as they were.
    case interrupted(published: [PublishedExperiment], of: Int)

    public var description: String {
        switch self {
        case .unreadable(let diagnostics): return diagnostics.rendered
        case .mixedShards(let folder, let message): return "\(folder): error: \(message)"
        case .write(let error): return "nnlab: error: \(error)"
        case .interrupted(let published, let total): return "interrupted while publishing: \(published.count) of \(total) experiment\(total == 1 ? "" : "s") published"
        }
    }
}

/// What publishing one experiment gave.
public struct PublishedExperiment: Sendable {
    public var folder: ExperimentFolder
    /// The report's one line: runs, the best grid point, diverged runs.
    public var summaryLine: String
    public var finished: Int
    public var planned: Int
    /// The runs not finished on disk, in run order.
    public var missing: [String]
    /// For a sharded sweep, the shards that own each missing run.
    public var owners: [String: [Shard]]
    /// The report written (the index takes its row from it).
    public var report: Report
}

/// The third stage of `nnlab run`, and all of `nnlab report`: writes an
/// experiment's summary.csv, timings.csv, report.md, report.html and charts,
/// and the index of its results folder, from what is on disk alone — the
/// experiment copy (which runs there are) and the finished run folders — so
/// that `run` and `report` give the same bytes. Missing runs make a partial
/// summary (the finished runs, in run order) and a report that says so.
///
/// Every file is written atomically; interrupted, publishing leaves each file
/// either as it was or whole, and publishing again completes it.
///
/// A sharded folder (with shard records, `nnlab run --shard`) is published
/// from its records (`nnlab merge`): the experiment copy is the one the shards
/// ran, a run is finished when a record claims its config.json, and the
/// timings are the shards'. Once every run is finished the records are
/// removed, and the folder holds the bytes an unsharded run writes.
///
/// Experiments are published in parallel on `jobs` threads, and the charts of
/// one experiment share what threads are left. The runs' curves are read in
/// bounded memory (`ReducedCurve`), or taken from the runner's, which equal
/// them. Cancelled (Ctrl-C), publishing stops between experiments; each
/// experiment's files are built first and written at the end, so an
/// experiment is either published whole or left as it was.
public enum Publisher {
    /// Publishes each folder, then rebuilds the index of each of their results folders.
    /// `timings` are the seconds of runs just trained, `curves` their
    /// reduced curves and `kept` the configs and models the runner kept, by
    /// folder path and run name; other runs keep the seconds in timings.csv,
    /// and their curves, configs and models are read from disk.
    public static func publish(_ folders: [ExperimentFolder], timings: [String: [String: Double]] = [:],
                               curves: [String: [String: ReducedCurve]] = [:],
                               kept: [String: [String: KeptRun]] = [:], jobs: Int = 1,
                               cancelled: @escaping @Sendable () -> Bool = { false },
                               cache: CSVCache = CSVCache()) throws(PublishError) -> [PublishedExperiment] {
        let results = Slots<PublishedExperiment>(folders.count)
        let inner = max(1, jobs / max(1, folders.count))
        try WorkerPool.run(tasks: folders.count, workers: jobs, cancelled: cancelled) { (i: Int) throws(PublishError) in
            let folder = folders[i]
            let published = try publish(folder, timings: timings[folder.path] ?? [:], curves: curves[folder.path] ?? [:],
                                        kept: kept[folder.path] ?? [:], jobs: inner, cancelled: cancelled, cache: cache)
            if let published { results.set(i, published) }
        }
        let published = results.values.compactMap { $0 }
        if published.count < folders.count { throw .interrupted(published: published, of: folders.count) }
        var trees: [ResultsTree] = []
        for folder in folders where !trees.contains(folder.tree) { trees.append(folder.tree) }
        do {
            let built = Dictionary(published.map { ($0.folder.path, $0.report) }) { $1 }
            for tree in trees { try IndexPage.write(tree, built: built) }
        } catch {
            throw .write(error)
        }
        return published
    }

    /// Publishes one experiment folder (not the index); nil when cancelled before its files were written.
    public static func publish(_ folder: ExperimentFolder, timings new: [String: Double] = [:],
                               curves known: [String: ReducedCurve] = [:],
                               kept: [String: KeptRun] = [:], jobs: Int = 1,
                               cancelled: @escaping @Sendable () -> Bool = { false },
                               cache: CSVCache = CSVCache()) throws(PublishError) -> PublishedExperiment? {
        let sharded = try ShardedResults.gather(folder)
        if let sharded, ExperimentCopy.data(folder) != sharded.experiment {
            do {
                try ResultFiles.write(sharded.experiment, to: folder.experimentCopy)
            } catch {
                throw .write(error)
            }
        }
        let outline: ExperimentOutline
        do {
            outline = try ExperimentCopy.outline(folder)
        } catch {
            throw .unreadable(error)
        }
        ResultFiles.removeTemporaryFiles(in: folder.path)
        // Each finished run's reduced curve, taken from the runner or read, in parallel.
        let runs = outline.runs
        let read = WorkerPool.map(runs.count, workers: jobs) { i -> ReducedCurve? in
            let run = runs[i], runFolder = folder.run(run.name)
            guard !cancelled(), sharded.map({ $0.finished.contains(run.name) }) ?? FileManager.default.fileExists(atPath: runFolder.config),
                  FileManager.default.fileExists(atPath: runFolder.model) else { return nil }
            return known[run.name] ?? CurveFile.reduced(runFolder, epochs: outline.trainings[run.point].epochs)
        }
        guard !cancelled() else { return nil }
        var rows: [RunSummary] = []
        var curves: [String: [EpochRecord]] = [:]
        var missing: [String] = []
        for (run, curve) in zip(runs, read) {
            guard let curve else {
                missing.append(run.name)
                continue
            }
            rows.append(RunSummary(run: run.name, sweepLabels: run.labels, seed: run.seed,
                                   training: outline.trainings[run.point], curve: curve.summary))
            curves[run.name] = curve.records
        }
        var results = ResultsFolder(folder: folder, outline: outline, runs: rows, curves: curves)
        results.kept = kept
        let report = Report(results, cache: cache, runCharts: Report.pool(jobs))
        guard !cancelled() else { return nil }
        do {
            try SummaryFile.write(rows, sweepPaths: outline.sweepPaths, to: folder)
            let seconds = TimingsFile.read(folder).merging(sharded?.seconds ?? [:]) { $1 }.merging(new) { $1 }
            let finished = Set(rows.map(\.run))
            try ResultFiles.write(TimingsFile.text(outline.runs.map(\.name), seconds: seconds.filter { finished.contains($0.key) }),
                                  to: folder.timings)
            try report.write(jobs: jobs)
        } catch {
            throw .write(error)
        }
        var owners: [String: [Shard]] = [:]
        if let sharded {
            if missing.isEmpty {
                ShardRecord.removeAll(in: folder)
            } else {
                let positions = Dictionary(uniqueKeysWithValues: outline.runs.enumerated().map { ($1.name, $0) })
                for name in missing { owners[name] = sharded.owners(ofRunAt: positions[name]!, positions: positions) }
            }
        }
        return PublishedExperiment(folder: folder, summaryLine: report.summaryLine, finished: rows.count,
                                   planned: outline.runs.count, missing: missing, owners: owners, report: report)
    }
}
