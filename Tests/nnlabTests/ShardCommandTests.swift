import Foundation
import XCTest

/// `nnlab run --shard` and `nnlab merge`: shards running at once into one
/// results folder give, merged, the bytes of one unsharded run; a missing
/// shard is named; configs of another version of the experiment are never merged.
final class ShardCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-shard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try write(sweep(epochs: 12))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// 3 learning rates × 2 activations × 2 seeds: 12 runs, one of which diverges.
    func sweep(epochs: Int) -> String {
        """
        {"name": "small",
         "data": {"source": "moons", "samples": 60, "noise": 0.2},
         "model": {"hidden": [6]},
         "loss": "binary_cross_entropy",
         "optimizer": {"name": "sgd", "learning_rate": 0.1},
         "training": {"epochs": \(epochs), "batch_size": 16},
         "seeds": 2,
         "sweep": {"optimizer.learning_rate": [0.01, 0.3, 1e3], "model.activation": ["relu", "tanh"]}}
        """
    }

    func write(_ text: String) throws {
        try text.write(to: folder.appendingPathComponent("small.json"), atomically: true, encoding: .utf8)
    }

    /// Starts `nnlab` without waiting for it.
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("nnlab")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Every file below `root` by relative path, timings.csv aside.
    func published(_ root: String) throws -> [String: Data] {
        try filesBelow(folder.appendingPathComponent(root)) { $0.hasSuffix("timings.csv") }
    }

    func testShardsRunAtOnceIntoOneFolderAndMergeToTheUnshardedBytes() throws {
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "one", "--quiet"], in: folder).status, 0)
        let shards = try (0 ..< 3).map { try start(["run", "small.json", "--output", "many", "--jobs", "1", "--shard", "\($0)/3"]) }
        for shard in shards { shard.waitUntilExit() }
        XCTAssertEqual(shards.map(\.terminationStatus), [0, 0, 0])
        // A shard writes its runs and its record, none of the experiment's shared files.
        let experiment = folder.appendingPathComponent("many/small")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: experiment.path).sorted(), ["runs", "shards"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: experiment.appendingPathComponent("shards").path).sorted(),
                       ["0-of-3", "1-of-3", "2-of-3"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("many/index.html").path))

        let merge = try runTool(["merge", "many"], in: folder)
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssert(merge.stdout.hasPrefix("many/small/report.html: 12 runs"), merge.stdout)
        XCTAssertEqual(try published("many"), try published("one"))
        let timings = try String(contentsOf: experiment.appendingPathComponent("timings.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(timings.count, 13)
        XCTAssert(timings.dropFirst().allSatisfy { !$0.hasSuffix(",") }, "every run has its seconds: \(timings)")
        // Merging again changes nothing.
        XCTAssertEqual(try runTool(["merge", "many/small"], in: folder).status, 0)
        XCTAssertEqual(try published("many"), try published("one"))
    }

    func testAMissingShardIsNamedAndItsRerunCompletesTheMerge() throws {
        for k in [0, 2] {
            XCTAssertEqual(try runTool(["run", "small.json", "--output", "out", "--shard", "\(k)/3", "--quiet"], in: folder).status, 0)
        }
        let partial = try runTool(["merge", "out/small"], in: folder)
        XCTAssertEqual(partial.status, 1)
        XCTAssert(partial.stderr.hasPrefix("out/small: 8 of 12 runs merged; 4 missing (partial results published):\n"), partial.stderr)
        // Shard 1 owns runs 1, 4, 7 and 10 of the run order.
        XCTAssert(partial.stderr.contains("  shard 1 of 3: 4 runs missing: learning_rate=0.01,activation=relu,seed=1 learning_rate=0.3,activation=relu,seed=0 learning_rate=0.3,activation=tanh,seed=1 learning_rate=1000,activation=tanh,seed=0\n"), partial.stderr)
        let report = try String(contentsOf: folder.appendingPathComponent("out/small/report.md"), encoding: .utf8)
        XCTAssert(report.contains("8 of 12 runs are finished"), report)

        let again = try runTool(["run", "small.json", "--output", "out", "--shard", "0/3"], in: folder)
        XCTAssert(again.stdout.contains("shard 0 of 3: 4 runs (0 trained, 4 already done)"), again.stdout)
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "out", "--shard", "1/3", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["merge", "out/small"], in: folder).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/small/shards").path))
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "one", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try published("out"), try published("one"))
    }

    /// After the experiment changes, the runs an unstarted shard owns still hold
    /// the old version's configs: merge must count them missing, not publish them.
    func testConfigsOfAnotherVersionAreNeverMerged() throws {
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "out", "--quiet"], in: folder).status, 0)
        try write(sweep(epochs: 13))
        for k in [0, 1] {
            XCTAssertEqual(try runTool(["run", "small.json", "--output", "out", "--shard", "\(k)/3", "--quiet"], in: folder).status, 0)
        }
        let partial = try runTool(["merge", "out"], in: folder)
        XCTAssertEqual(partial.status, 1, partial.stderr)
        XCTAssert(partial.stderr.contains("  shard 2 of 3: 4 runs missing:"), partial.stderr)
        let summary = try String(contentsOf: folder.appendingPathComponent("out/small/summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 9)
        XCTAssertFalse(summary.contains(",completed,12,"), "no 12-epoch run of the old version is merged:\n\(summary)")
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("out/small/experiment.json")), Data(sweep(epochs: 13).utf8))

        XCTAssertEqual(try runTool(["run", "small.json", "--output", "out", "--shard", "2/3", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["merge", "out"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "one", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try published("out"), try published("one"))
    }

    /// Two shards that ran different versions of the experiment cannot be merged.
    func testShardsOfTwoVersionsAreRefused() throws {
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "out", "--shard", "0/2", "--quiet"], in: folder).status, 0)
        // A record of another version, as a shard still running an older file would leave it.
        let record = folder.appendingPathComponent("out/small/shards/1-of-2")
        try FileManager.default.createDirectory(at: record, withIntermediateDirectories: true)
        try Data(sweep(epochs: 5).utf8).write(to: record.appendingPathComponent("experiment.json"))
        try Data("run,global_index,config_sha256,seconds\n".utf8).write(to: record.appendingPathComponent("runs.csv"))
        let merge = try runTool(["merge", "out"], in: folder)
        XCTAssertEqual(merge.status, 2)
        XCTAssert(merge.stderr.hasPrefix("out/small: error: the shards ran different versions of the experiment (0-of-2 | 1-of-2)"), merge.stderr)
    }

    /// In a Kubernetes Indexed Job each pod runs `--shard auto --shards N`; the
    /// manifest in the README does, and its pods together train every run.
    func testTheREADMEsKubernetesManifestShardsTheSweep() throws {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "```yaml\n"), let end = readme.range(of: "```", range: start.upperBound ..< readme.endIndex) else {
            return XCTFail("README.md has no yaml manifest")
        }
        let manifest = String(readme[start.upperBound ..< end.lowerBound])
        func value(_ key: String) -> Int? {
            manifest.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key + ":") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }
        }
        XCTAssert(manifest.contains("completionMode: Indexed"), manifest)
        let completions = try XCTUnwrap(value("completions"))
        XCTAssertNotNil(value("parallelism"))
        XCTAssert(manifest.contains("\"--shard\", \"auto\", \"--shards\", \"\(completions)\""), "the pods' --shards is the job's completions:\n\(manifest)")
        for index in 0 ..< completions {
            let pod = try runTool(["run", "small.json", "--output", "k8s", "--shard", "auto", "--shards", "\(completions)", "--quiet"],
                                  in: folder, environment: ["JOB_COMPLETION_INDEX": "\(index)"])
            XCTAssertEqual(pod.status, 0, pod.stderr)
        }
        XCTAssertEqual(try runTool(["merge", "k8s"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["run", "small.json", "--output", "one", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try published("k8s"), try published("one"))
    }

    func testShardUsageErrors() throws {
        let cases: [([String], [String: String], String)] = [
            (["--shard", "3/3"], [:], "nnlab: error: --shard 3/3: shard 3 is not one of 0 to 2\n"),
            (["--shards", "3"], [:], "nnlab: error: --shards needs --shard auto"),
            (["--shard", "auto"], ["JOB_COMPLETION_INDEX": "1"], "nnlab: error: --shard auto: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=1) needs --shards N"),
            (["--shard", "auto", "--shards", "2"], ["JOB_COMPLETION_INDEX": "2"], "nnlab: error: --shard auto: Kubernetes (JOB_COMPLETION_INDEX 2 of --shards 2): shard 2 is not one of 0 to 1\n"),
        ]
        for (options, environment, expected) in cases {
            let result = try runTool(["run", "small.json", "--output", "out"] + options, in: folder, environment: environment)
            XCTAssertEqual(result.status, 2, "\(options)")
            XCTAssert(result.stderr.hasPrefix(expected), "\(options): \(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    /// `nnlab slurm` without its one required option says so, and its usage
    /// line shows that option unbracketed, the optional ones in brackets.
    func testSlurmWithoutTasksShowsItAsRequired() throws {
        let result = try runTool(["slurm", "small.json"], in: folder)
        XCTAssertEqual(result.status, 2)
        XCTAssert(result.stderr.hasPrefix("nnlab: error: missing argument --tasks N\n"), result.stderr)
        XCTAssert(result.stderr.contains("Usage: nnlab slurm PATH ... --tasks N [--parallel P] "), result.stderr)
    }

    /// SIGTERM (scancel, a time limit) stops a shard like Ctrl-C: finished runs kept, its record written, exit 143.
    func testATerminatedShardKeepsItsFinishedRunsAndResumes() throws {
        try write(sweep(epochs: 400))
        let shard = try start(["run", "small.json", "--output", "out", "--jobs", "1", "--shard", "0/2"])
        let runs = folder.appendingPathComponent("out/small/runs")
        let deadline = Date().addingTimeInterval(120)
        while finished(runs) < 1 && Date() < deadline { usleep(20_000) }
        kill(shard.processIdentifier, SIGTERM)
        shard.waitUntilExit()
        XCTAssertEqual(shard.terminationStatus, 143)
        let done = finished(runs)
        XCTAssert((1 ..< 6).contains(done), "\(done) runs finished")
        let record = try String(contentsOf: folder.appendingPathComponent("out/small/shards/0-of-2/runs.csv"), encoding: .utf8)
        XCTAssertEqual(record.split(separator: "\n").count, 7)
        let claimed = record.split(separator: "\n").filter { $0.range(of: ",[0-9a-f]{64},", options: .regularExpression) != nil }
        XCTAssertEqual(claimed.count, done, record)
        let resumed = try runTool(["run", "small.json", "--output", "out", "--shard", "0/2"], in: folder)
        XCTAssert(resumed.stdout.contains("shard 0 of 2: 6 runs (\(6 - done) trained, \(done) already done"), resumed.stdout)
    }

    func finished(_ runs: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: runs.appendingPathComponent($0).appendingPathComponent("config.json").path) }.count
    }
}
