import Foundation

/// `shards/<K>-of-<N>/`: what one shard of a sharded sweep ran, written by
/// that shard alone (`nnlab run --shard`) and read by publishing
/// (`nnlab merge`), which removes the records once every run is finished.
///
/// - `experiment.json`: the experiment copy the shard ran, byte for byte.
/// - `runs.csv`: the experiment's runs the shard owns, in run order:
///   `run,global_index,config_sha256,seconds`. `global_index` is the run's
///   place in the shard's global run order (which shard owns a run is decided
///   by it: `Shard`); `config_sha256` is the SHA-256 of the run's config.json
///   when the shard finished the run (trained or found finished), else blank;
///   `seconds` is the run's training time when known.
///
/// A run counts as finished in a sharded folder only when a record claims it
/// and its config.json on disk still has the claimed digest, so that a
/// config left by another version of the experiment is never published.
public struct ShardRecord: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public var name: String
        public var globalIndex: Int
        public var configDigest: String?
        public var seconds: Double?

        public init(name: String, globalIndex: Int, configDigest: String?, seconds: Double?) {
            self.name = name
            self.globalIndex = globalIndex
            self.configDigest = configDigest
            self.seconds = seconds
        }
    }

    public var shard: Shard
    /// The experiment copy's bytes.
    public var experiment: Data
    public var runs: [Run]

    public init(shard: Shard, experiment: Data, runs: [Run]) {
        self.shard = shard
        self.experiment = experiment
        self.runs = runs
    }

    static let header = ["run", "global_index", "config_sha256", "seconds"]

    /// Writes the record: the copy first, then runs.csv, each atomically.
    public func write(to folder: ExperimentFolder) throws(WriteError) {
        let record = folder.shardRecord(shard.name)
        try ResultFiles.write(experiment, to: record.experimentCopy)
        var text = CSVText.line(Self.header)
        for run in runs {
            text += CSVText.line([run.name, String(run.globalIndex), run.configDigest ?? "",
                                  run.seconds.map { String(format: "%.3f", $0) } ?? ""])
        }
        try ResultFiles.write(text, to: record.runs)
    }

    /// The record in `shards/<name>/`, nil when it is not a whole record
    /// (a folder name that is no shard, a file missing or malformed).
    public static func read(_ folder: ExperimentFolder, name: String) -> ShardRecord? {
        let parts = name.split(separator: "-of-", maxSplits: 1)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0 ..< n).contains(k),
              Shard(index: k, count: n).name == name else { return nil }
        let record = folder.shardRecord(name)
        guard let experiment = ResultFiles.read(record.experimentCopy), let data = ResultFiles.read(record.runs) else { return nil }
        let rows = CSVText.parse(String(decoding: data, as: UTF8.self))
        guard rows.first == header else { return nil }
        var runs: [Run] = []
        for row in rows.dropFirst() {
            guard row.count == 4, let index = Int(row[1]) else { return nil }
            runs.append(Run(name: row[0], globalIndex: index, configDigest: row[2].isEmpty ? nil : row[2], seconds: Double(row[3])))
        }
        return ShardRecord(shard: Shard(index: k, count: n), experiment: experiment, runs: runs)
    }

    /// Every whole record of the folder, by shard name.
    public static func readAll(_ folder: ExperimentFolder) -> [ShardRecord] {
        folder.shardRecordNames().compactMap { read(folder, name: $0) }
    }

    /// Removes a record (its two files, then its folder).
    static func remove(_ name: String, in folder: ExperimentFolder) {
        let record = folder.shardRecord(name)
        unlink(record.runs)
        unlink(record.experimentCopy)
        ResultFiles.removeTemporaryFiles(in: record.path)
        rmdir(record.path)
    }

    /// Removes every record and `shards/` itself: the sweep is merged, or an
    /// unsharded run took the experiment over.
    public static func removeAll(in folder: ExperimentFolder) {
        for name in folder.shardRecordNames() { remove(name, in: folder) }
        rmdir(folder.shards)
    }
}
