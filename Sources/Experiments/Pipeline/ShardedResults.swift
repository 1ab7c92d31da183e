import Foundation

/// What the shard records of an experiment folder say (`ShardRecord`),
/// gathered for publishing: the one experiment copy the shards ran, which runs
/// are finished, their seconds, and which shard owns a run not finished.
struct ShardedResults: Sendable {
    /// The experiment copy every record holds.
    var experiment: Data
    /// The runs a record claims whose config.json on disk has the claimed SHA-256.
    var finished: Set<String>
    /// The training seconds of finished runs.
    var seconds: [String: Double]
    /// One run of each record, to place the record's partition: every run r of
    /// the experiment is owned by shard (i + r − p) mod N, where the anchor run
    /// is at position p in the run order and i in the global order.
    var anchors: [Anchor]

    struct Anchor: Sendable, Hashable {
        var count: Int
        var run: String
        var globalIndex: Int
    }

    /// The shards that own the run at `position` of the run order, under each
    /// partition the records were made under; `positions` gives each run's.
    func owners(ofRunAt position: Int, positions: [String: Int]) -> [Shard] {
        var owners: [Shard] = []
        for anchor in anchors {
            guard let p = positions[anchor.run] else { continue }
            let owner = Shard.owner(of: anchor.globalIndex - p + position, count: anchor.count)
            if !owners.contains(owner) { owners.append(owner) }
        }
        return owners.sorted { ($0.count, $0.index) < ($1.count, $1.index) }
    }

    /// The records of `folder` gathered, nil when it has none.
    /// Records of two versions of the experiment are an error: their runs cannot be told apart.
    static func gather(_ folder: ExperimentFolder) throws(PublishError) -> ShardedResults? {
        let records = ShardRecord.readAll(folder)
        guard let first = records.first else { return nil }
        let versions = Dictionary(grouping: records, by: \.experiment)
        if versions.count > 1 {
            let groups = versions.values.map { $0.map(\.shard.name).sorted().joined(separator: ", ") }.sorted()
            throw .mixedShards(folder: folder.path, message: "the shards ran different versions of the experiment (\(groups.joined(separator: " | "))); run every shard again from one experiment file (finished runs are kept), or remove the records of the old version from \(folder.shards)/")
        }
        var results = ShardedResults(experiment: first.experiment, finished: [], seconds: [:],
                                     anchors: records.compactMap { record in record.runs.first.map { Anchor(count: record.shard.count, run: $0.name, globalIndex: $0.globalIndex) } })
        let claims = records.flatMap(\.runs).filter { $0.configDigest != nil }
        var digests: [String: String] = [:]
        for claim in claims where results.finished.contains(claim.name) == false {
            let run = folder.run(claim.name)
            guard FileManager.default.fileExists(atPath: run.curve), FileManager.default.fileExists(atPath: run.model) else { continue }
            let digest = digests[claim.name] ?? ResultFiles.read(run.config).map(SHA256.hex) ?? ""
            digests[claim.name] = digest
            if digest == claim.configDigest {
                results.finished.insert(claim.name)
                if let seconds = claim.seconds { results.seconds[claim.name] = seconds }
            }
        }
        return results
    }
}
