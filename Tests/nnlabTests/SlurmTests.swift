import Foundation
import XCTest

/// `nnlab slurm --submit` on a real Slurm: a 40-run sweep as a 4-task job
/// array and its merge job gives the bytes of a local `nnlab run`; a cancelled
/// task makes the merge job fail naming the runs it owned, and resubmitting
/// completes the sweep.
///
/// Runs when a Slurm cluster answers with an idle node (`scripts/slurm-cluster
/// start` makes one on this machine; `.ci/run` does, and sets
/// NNLAB_REQUIRE_SLURM=1 so that a cluster that is not up fails the test
/// rather than skipping it).
final class SlurmTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        guard clusterIsUp() else {
            if ProcessInfo.processInfo.environment["NNLAB_REQUIRE_SLURM"] == "1" {
                XCTFail("NNLAB_REQUIRE_SLURM=1 but no Slurm cluster answers (sinfo shows no idle node)")
            }
            throw XCTSkip("no Slurm cluster answers; start one with scripts/slurm-cluster start")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // 5 learning rates × 2 activations × 4 seeds: 40 runs, 10 a shard.
        let sweep = """
            {"name": "lr-on-slurm",
             "data": {"source": "moons", "samples": 80, "noise": 0.2},
             "model": {"hidden": [8]},
             "loss": "binary_cross_entropy",
             "optimizer": {"name": "sgd", "learning_rate": 0.1},
             "training": {"epochs": 20, "batch_size": 16},
             "seeds": 4,
             "sweep": {"optimizer.learning_rate": [0.01, 0.03, 0.1, 0.3, 1e3], "model.activation": ["relu", "tanh"]}}
            """
        try sweep.write(to: folder.appendingPathComponent("lr.json"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    func testASweepOnAJobArrayMergesToTheLocalBytesAndACancelledTaskIsCompletedByResubmitting() throws {
        let local = try runTool(["run", "lr.json", "--output", "local", "--quiet"], in: folder)
        XCTAssertEqual(local.status, 0, local.stderr)

        let first = try submit(["--output", "cluster"])
        XCTAssertEqual(try waitFor(first.merge), "COMPLETED ExitCode=0:0")
        XCTAssertEqual(try published("cluster"), try published("local"))
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("cluster/slurm/lr-on-slurm/logs").path).sorted()
        XCTAssertEqual(logs, ["merge_\(first.merge).out"] + (0 ..< 4).map { "train_\(first.array)_\($0).out" })

        // One task at a time, so that task 3 is still pending when it is cancelled.
        let second = try submit(["--output", "partial", "--parallel", "1"])
        XCTAssertEqual(try tool("scancel", ["\(second.array)_3"]).status, 0)
        XCTAssertEqual(try waitFor(second.merge), "FAILED ExitCode=1:0")
        let log = try String(contentsOf: folder.appendingPathComponent("partial/slurm/lr-on-slurm/logs/merge_\(second.merge).out"), encoding: .utf8)
        // Shard 3 owns runs 3, 7, …, 39 of the run order: the summary's rows 4, 8, ….
        let runs = try String(contentsOf: folder.appendingPathComponent("local/lr-on-slurm/summary.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { String($0.split(separator: "\"")[0]) }
        let owned = runs.enumerated().filter { $0.offset % 4 == 3 }.map(\.element)
        XCTAssert(log.contains("30 of 40 runs merged; 10 missing (partial results published):\n  shard 3 of 4: 10 runs missing: \(owned.joined(separator: " "))\n"), log)
        let summary = try String(contentsOf: folder.appendingPathComponent("partial/lr-on-slurm/summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 31)

        let third = try submit(["--output", "partial"])
        XCTAssertEqual(try waitFor(third.merge), "COMPLETED ExitCode=0:0")
        XCTAssertEqual(try published("partial"), try published("local"))
        let resumed = try String(contentsOf: folder.appendingPathComponent("partial/slurm/lr-on-slurm/logs/train_\(third.array)_0.out"), encoding: .utf8)
        XCTAssert(resumed.contains("shard 0 of 4: 10 runs (0 trained, 10 already done)"), resumed)
    }

    // MARK: - Helpers

    /// `nnlab slurm lr.json --tasks 4 --submit` with `options`: the array and merge job ids.
    func submit(_ options: [String]) throws -> (array: Int, merge: Int) {
        let result = try runTool(["slurm", "lr.json", "--tasks", "4", "--submit"] + options, in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let words = result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let a = words.firstIndex(of: "array"), let m = words.firstIndex(of: "merge"),
              let array = Int(words[a + 2]), let merge = Int(words[m + 2]) else {
            throw NSError(domain: "SlurmTests", code: 1, userInfo: [NSLocalizedDescriptionKey: "unexpected output of --submit: \(result.stdout)"])
        }
        return (array, merge)
    }

    /// Waits until job `id` has ended; its state and exit code.
    func waitFor(_ id: Int, seconds: Double = 240) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let line = try tool("scontrol", ["show", "job", "--oneliner", "\(id)"]).stdout
            let fields = Dictionary(line.split(separator: " ").compactMap { field -> (String, String)? in
                let parts = field.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1]).trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            }, uniquingKeysWith: { a, _ in a })
            if let state = fields["JobState"], !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING"].contains(state) {
                return "\(state) ExitCode=\(fields["ExitCode"] ?? "?")"
            }
            usleep(200_000)
        }
        return "still running after \(Int(seconds)) s"
    }

    /// The experiment's files and the index below `root`, timings.csv aside (the scripts in slurm/ are the cluster's own).
    func published(_ root: String) throws -> [String: Data] {
        try filesBelow(folder.appendingPathComponent(root)) { $0.hasPrefix("slurm/") || $0.hasSuffix("timings.csv") }
    }

    func clusterIsUp() -> Bool {
        (try? tool("sinfo", ["--noheader", "--format=%t"]).stdout.split(separator: "\n").contains("idle")) ?? false
    }

    /// Runs a Slurm client command found on PATH.
    func tool(_ name: String, _ arguments: [String]) throws -> ToolResult {
        try runProgram(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments)
    }
}
