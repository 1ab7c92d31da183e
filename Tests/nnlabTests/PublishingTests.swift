import Foundation
import XCTest

/// Publishing at scale: a long run's report is bounded and `nnlab report`
/// rebuilds it byte for byte from disk; Ctrl-C while reports are written stops
/// publishing cleanly and the next command completes it.
final class PublishingTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("experiments"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// 3,000 epochs of XOR, two seeds: more epochs than a chart has pixel
    /// columns, so reports draw the reduced curve (three epochs a bucket).
    let long = """
        {"name": "long", "data": {"source": "xor"}, "model": {"hidden": [3], "activation": "tanh"},
         "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5},
         "training": {"epochs": 3000, "batch_size": 4}, "seeds": 2}
        """

    /// The curve on disk keeps every epoch; the report draws a bounded curve; and
    /// `nnlab report`, reading the curves back, writes the bytes `nnlab run`
    /// wrote from the curves it kept in memory.
    func testALongRunsReportIsBoundedAndRebuiltByteForByte() throws {
        try long.write(to: folder.appendingPathComponent("experiments/long.json"), atomically: true, encoding: .utf8)
        let run = try runTool(["run", "--output", "out", "--quiet"], in: folder)
        XCTAssertEqual(run.status, 0, run.stderr)
        let root = folder.appendingPathComponent("out")
        let before = try filesBelow(root)
        let curve = String(decoding: try XCTUnwrap(before["long/runs/seed=0/curve.csv"]), as: UTF8.self)
        XCTAssertEqual(curve.split(separator: "\n").count, 3002, "a header and epochs 0 … 3000")
        let lossChart = try XCTUnwrap(before["long/charts/loss-curves.svg"])
        XCTAssertLessThan(lossChart.count, 400_000, "the chart is bounded by its width, not by 3,000 epochs")
        for file in ["long/summary.csv", "long/report.md", "long/report.html", "long/charts", "index.html"] {
            try FileManager.default.removeItem(at: root.appendingPathComponent(file))
        }
        let rebuilt = try runTool(["report", "out"], in: folder)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(try filesBelow(root), before)
    }

    /// Ctrl-C while 30 experiments are being published: publishing stops,
    /// exit 130, each experiment is either published whole or left as it was,
    /// no temporary file is left, and `nnlab report` then completes the rest
    /// with the bytes of an uninterrupted publish.
    func testCtrlCWhilePublishingStopsCleanlyAndReportCompletes() throws {
        let count = 30
        for i in 0 ..< count {
            try """
                {"name": "e\(i)", "data": {"source": "moons", "samples": 40}, "model": {"hidden": [4]},
                 "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.\(i + 1)},
                 "training": {"epochs": 3, "batch_size": 8}, "seeds": 2}
                """.write(to: folder.appendingPathComponent("experiments/e\(i).json"), atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let root = folder.appendingPathComponent("out")
        let published = try filesBelow(root)
        let reports = ["report.md", "report.html", "summary.csv", "timings.csv"]
        for i in 0 ..< count {
            for file in reports { try FileManager.default.removeItem(at: root.appendingPathComponent("e\(i)/\(file)")) }
        }

        // One job: the experiments are published one after another; interrupt once the first is out.
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("nnlab")
        process.arguments = ["report", "out", "--jobs", "1"]
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        func anyPublished() -> Bool {
            (0 ..< count).contains { FileManager.default.fileExists(atPath: root.appendingPathComponent("e\($0)/report.html").path) }
        }
        while !anyPublished() && Date() < deadline && process.isRunning { usleep(1000) }
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssert(stderr.contains("interrupted while publishing: ") && stderr.contains(" of 30 experiments published")
                  && stderr.contains("run 'nnlab report' again to publish the rest"), stderr)
        let partial = try filesBelow(root)
        XCTAssertFalse(partial.keys.contains { $0.contains(".tmp-") })
        var whole = 0
        for i in 0 ..< count {
            let present = reports.filter { partial["e\(i)/\($0)"] != nil }
            XCTAssert(present.isEmpty || present == reports, "e\(i): \(present)")
            if present == reports { whole += 1 }
            // What is there is what an uninterrupted publish writes (the removed seconds aside).
            for file in present where file != "timings.csv" {
                XCTAssertEqual(partial["e\(i)/\(file)"], published["e\(i)/\(file)"], "e\(i)/\(file)")
            }
        }
        XCTAssertGreaterThanOrEqual(whole, 1)
        XCTAssertLessThan(whole, count, "publishing stopped before the last experiment")

        let again = try runTool(["report", "out"], in: folder)
        XCTAssertEqual(again.status, 0, again.stderr)
        var after = try filesBelow(root), expected = published
        for i in 0 ..< count {
            // Published again from disk: the seconds of the removed timings.csv are gone.
            after["e\(i)/timings.csv"] = nil
            expected["e\(i)/timings.csv"] = nil
        }
        XCTAssertEqual(after, expected)
    }
}
