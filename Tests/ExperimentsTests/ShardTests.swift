import Experiments
import XCTest

/// The partition of a sweep into shards, `--shard`'s forms and the scheduler
/// variables `--shard auto` reads, and the Slurm scripts of `nnlab slurm`.
final class ShardTests: XCTestCase {
    func parse(_ text: String, shards: Int? = nil, _ environment: [String: String] = [:]) throws -> Shard {
        do {
            return try Shard.parse(text, shards: shards, environment: environment)
        } catch {
            throw NSError(domain: "ShardError", code: 0, userInfo: [NSLocalizedDescriptionKey: error.message])
        }
    }

    func message(_ text: String, shards: Int? = nil, _ environment: [String: String] = [:]) -> String {
        do {
            _ = try Shard.parse(text, shards: shards, environment: environment)
            return "no error"
        } catch {
            return error.message
        }
    }

    /// Run i goes to shard i mod N: the shards are disjoint, cover every run,
    /// and neighbouring runs (one grid point's seeds, neighbouring values) spread.
    func testThePartitionDealsRunsRoundRobin() {
        let count = 4
        var owners: [Int: [Int]] = [:]
        for run in 0 ..< 41 {
            let owning = (0 ..< count).filter { Shard(index: $0, count: count).owns(run) }
            XCTAssertEqual(owning.count, 1)
            owners[owning[0], default: []].append(run)
            XCTAssertEqual(Shard.owner(of: run, count: count), Shard(index: run % count, count: count))
        }
        XCTAssertEqual(owners[1], [1, 5, 9, 13, 17, 21, 25, 29, 33, 37])
        XCTAssertEqual(owners.values.map(\.count).sorted(), [10, 10, 10, 11])
        XCTAssertEqual(Shard(index: 3, count: 4).name, "3-of-4")
    }

    func testExplicitShards() throws {
        XCTAssertEqual(try parse("0/4"), Shard(index: 0, count: 4))
        XCTAssertEqual(try parse("3/4", shards: 4), Shard(index: 3, count: 4))
        XCTAssertEqual(try parse("0/1"), Shard(index: 0, count: 1))
        XCTAssertEqual(message("4/4"), "--shard 4/4: shard 4 is not one of 0 to 3")
        XCTAssertEqual(message("-1/4"), "--shard -1/4: shard -1 is not one of 0 to 3")
        XCTAssertEqual(message("0/0"), "--shard 0/0: the number of shards must be from 1 to 1000000")
        for bad in ["1", "1/2/3", "a/4", "1/", "/4", "1.0/4", ""] {
            XCTAssert(message(bad).hasPrefix("--shard: expected K/N"), bad + ": " + message(bad))
        }
        XCTAssertEqual(message("1/4", shards: 3), "--shard 1/4 and --shards 3 disagree on the number of shards")
    }

    /// Slurm: K = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN, N = SLURM_ARRAY_TASK_COUNT.
    func testAutoInASlurmArray() throws {
        let task = ["SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_JOB_ID": "12"]
        XCTAssertEqual(try parse("auto", task), Shard(index: 2, count: 4))
        XCTAssertEqual(try parse("auto", shards: 4, task), Shard(index: 2, count: 4))
        XCTAssert(message("auto", shards: 8, task).hasPrefix("--shards 8 disagrees with this Slurm array's 4 tasks"), message("auto", shards: 8, task))
        var outside = task
        outside["SLURM_ARRAY_TASK_ID"] = "9"
        XCTAssert(message("auto", outside).contains("shard 4 is not one of 0 to 3"), message("auto", outside))
        outside["SLURM_ARRAY_TASK_COUNT"] = "many"
        XCTAssert(message("auto", outside).contains("expected three whole numbers"), message("auto", outside))
    }

    /// Kubernetes: K = JOB_COMPLETION_INDEX, N from --shards (a pod is not told the completions).
    func testAutoInAKubernetesIndexedJob() throws {
        XCTAssertEqual(try parse("auto", shards: 8, ["JOB_COMPLETION_INDEX": "5"]), Shard(index: 5, count: 8))
        XCTAssertEqual(message("auto", ["JOB_COMPLETION_INDEX": "5"]),
                       "--shard auto: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=5) needs --shards N, the job's completions")
        XCTAssertEqual(message("auto", shards: 4, ["JOB_COMPLETION_INDEX": "5"]),
                       "--shard auto: Kubernetes (JOB_COMPLETION_INDEX 5 of --shards 4): shard 5 is not one of 0 to 3")
    }

    func testAutoWithNeitherOrDisagreeingSchedulers() {
        XCTAssert(message("auto", ["HOME": "/root"]).hasPrefix("--shard auto: no job array found"), message("auto"))
        let both = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_COUNT": "4", "JOB_COMPLETION_INDEX": "2"]
        XCTAssertEqual(message("auto", both), "--shard auto: Slurm says shard 1 of 4, Kubernetes (JOB_COMPLETION_INDEX) says shard 2 of 4")
        var agreeing = both
        agreeing["JOB_COMPLETION_INDEX"] = "1"
        XCTAssertEqual(message("auto", agreeing), "no error")
    }

    func testTheSlurmScripts() {
        let batch = SlurmBatch(executable: "/opt/nnlab/bin/nnlab", experimentFiles: ["/home/a/lr sweep.json"], output: "/scratch/results",
                               experimentNames: ["lr"], runs: 40, tasks: 8, parallel: 3, partition: "short", time: "00:10:00",
                               cpusPerTask: 2, workingDirectory: "/home/a")
        XCTAssertEqual(batch.folder, "/scratch/results/slurm/lr")
        let train = batch.trainText
        for line in ["#!/bin/bash", "#SBATCH --array=0-7%3", "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --time=00:10:00",
                     "#SBATCH --output=/scratch/results/slurm/lr/logs/train_%A_%a.out", "#SBATCH --chdir=/home/a",
                     "exec /opt/nnlab/bin/nnlab run '/home/a/lr sweep.json' --output /scratch/results --shard auto --shards 8 --jobs \"${SLURM_CPUS_PER_TASK:-1}\""] {
            XCTAssert(train.split(separator: "\n").contains(Substring(line)), "\(line) not in\n\(train)")
        }
        XCTAssert(batch.mergeText.contains("\nexec /opt/nnlab/bin/nnlab merge /scratch/results/lr\n"), batch.mergeText)
        XCTAssert(batch.mergeText.contains("#SBATCH --output=/scratch/results/slurm/lr/logs/merge_%j.out"), batch.mergeText)
        XCTAssert(batch.submitText.contains("sbatch --parsable --dependency=afterany:$array /scratch/results/slurm/lr/merge.sbatch"), batch.submitText)
        var unthrottled = batch
        unthrottled.parallel = nil
        unthrottled.partition = nil
        unthrottled.time = nil
        XCTAssert(unthrottled.trainText.contains("#SBATCH --array=0-7\n"), unthrottled.trainText)
        XCTAssertFalse(unthrottled.trainText.contains("--partition") || unthrottled.trainText.contains("--time"))
        unthrottled.experimentNames = ["lr", "depth", "digits"]
        XCTAssertEqual(unthrottled.name, "lr-and-2-more")
    }

    func testTimeLimitsAsSbatchReadsThem() {
        for good in ["10", "10:30", "01:00:00", "2-0", "2-12:00", "1-00:00:00"] { XCTAssert(SlurmBatch.isTimeLimit(good), good) }
        for bad in ["", "1h", "1:2:3:4", "-1", "2-", "1-2-3", "a:00"] { XCTAssertFalse(SlurmBatch.isTimeLimit(bad), bad) }
    }
}
