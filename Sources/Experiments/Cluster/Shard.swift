import Foundation

/// One shard of a sweep spread over several processes or machines
/// (`nnlab run --shard K/N`): shard K of N owns run i of the global run order
/// — the runs of every experiment given, experiment by experiment, each in its
/// run order — when i mod N = K. Consecutive runs go to different shards, so
/// that the slow and the fast grid points of a sweep spread evenly.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// K, from 0.
    public var index: Int
    /// N ≥ 1.
    public var count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0 ..< count).contains(index))
        self.index = index
        self.count = count
    }

    /// Whether run `globalIndex` of the global run order is this shard's.
    public func owns(_ globalIndex: Int) -> Bool { globalIndex % count == index }

    /// The shard that owns run `globalIndex` under a partition into `count` shards.
    public static func owner(of globalIndex: Int, count: Int) -> Shard {
        Shard(index: globalIndex % count, count: count)
    }

    /// `3-of-4`: the name of the shard's record folder (`ShardRecord`).
    public var name: String { "\(index)-of-\(count)" }
    /// `shard 3 of 4`.
    public var description: String { "shard \(index) of \(count)" }

    /// The most shards a sweep may be split into.
    public static let maximumCount = 1_000_000

    /// Reads `--shard`'s value: `K/N`, or `auto` for the task index and count of
    /// the scheduler that started the process:
    /// - Slurm job array: K = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN,
    ///   N = SLURM_ARRAY_TASK_COUNT;
    /// - Kubernetes Indexed Job: K = JOB_COMPLETION_INDEX, N = `shards`
    ///   (`--shards N`: Kubernetes does not tell a pod the job's completions).
    /// `shards`, when given, must agree with N from either source, and the two
    /// sources, when both are set, with each other.
    public static func parse(_ text: String, shards: Int?, environment: [String: String]) throws(ShardError) -> Shard {
        if let shards, !(1 ... maximumCount).contains(shards) {
            throw ShardError("--shards: expected a whole number from 1 to \(maximumCount), found '\(shards)'")
        }
        if text != "auto" {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), parts.allSatisfy({ $0.allSatisfy(\.isASCII) }) else {
                throw ShardError("--shard: expected K/N (shard K of N, 0 ≤ K < N, e.g. 0/4) or 'auto', found '\(text)'")
            }
            try check(index: k, count: n, source: "--shard \(text)")
            if let shards, shards != n {
                throw ShardError("--shard \(text) and --shards \(shards) disagree on the number of shards")
            }
            return Shard(index: k, count: n)
        }
        let slurm = try slurmShard(environment)
        let kubernetes = try kubernetesShard(environment, shards: shards ?? slurm?.count)
        switch (slurm, kubernetes) {
        case (nil, nil):
            throw ShardError("--shard auto: no job array found: set by a Slurm array task (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N); elsewhere use --shard K/N")
        case (let slurm?, let kubernetes?) where slurm != kubernetes:
            throw ShardError("--shard auto: Slurm says \(slurm), Kubernetes (JOB_COMPLETION_INDEX) says \(kubernetes)")
        case (let slurm?, _):
            if let shards, shards != slurm.count {
                throw ShardError("--shards \(shards) disagrees with this Slurm array's \(slurm.count) tasks (SLURM_ARRAY_TASK_COUNT); submit the whole array (0-\(shards - 1)) so that every shard runs")
            }
            return slurm
        case (nil, let kubernetes?):
            return kubernetes
        }
    }

    /// K and N of a Slurm array task, nil outside one.
    static func slurmShard(_ environment: [String: String]) throws(ShardError) -> Shard? {
        guard let id = environment["SLURM_ARRAY_TASK_ID"] else { return nil }
        let min = environment["SLURM_ARRAY_TASK_MIN"] ?? "0"
        guard let task = Int(id), let first = Int(min), let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) else {
            throw ShardError("--shard auto: SLURM_ARRAY_TASK_ID=\(id), SLURM_ARRAY_TASK_MIN=\(min), SLURM_ARRAY_TASK_COUNT=\(environment["SLURM_ARRAY_TASK_COUNT"] ?? "(unset)"): expected three whole numbers")
        }
        try check(index: task - first, count: count,
                  source: "--shard auto: Slurm (SLURM_ARRAY_TASK_ID \(task) − SLURM_ARRAY_TASK_MIN \(first) of SLURM_ARRAY_TASK_COUNT \(count))")
        return Shard(index: task - first, count: count)
    }

    /// K of a Kubernetes Indexed Job's pod with N from `--shards`, nil outside one.
    static func kubernetesShard(_ environment: [String: String], shards: Int?) throws(ShardError) -> Shard? {
        guard let text = environment["JOB_COMPLETION_INDEX"] else { return nil }
        guard let index = Int(text) else {
            throw ShardError("--shard auto: JOB_COMPLETION_INDEX=\(text): expected a whole number")
        }
        guard let shards else {
            throw ShardError("--shard auto: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=\(index)) needs --shards N, the job's completions")
        }
        try check(index: index, count: shards, source: "--shard auto: Kubernetes (JOB_COMPLETION_INDEX \(index) of --shards \(shards))")
        return Shard(index: index, count: shards)
    }

    private static func check(index: Int, count: Int, source: String) throws(ShardError) {
        guard (1 ... maximumCount).contains(count) else {
            throw ShardError("\(source): the number of shards must be from 1 to \(maximumCount)")
        }
        guard (0 ..< count).contains(index) else {
            throw ShardError("\(source): shard \(index) is not one of 0 to \(count - 1)")
        }
    }
}

/// A `--shard` that names no shard; the message is the whole explanation.
public struct ShardError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}
