import Foundation
import XCTest

/// `nnlab lr-find` end to end: the folder it writes, its two output formats, its errors.
final class LRFindCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-lr-find-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            {"name": "range", "data": {"source": "moons", "samples": 120, "noise": 0.2}, "model": {"hidden": [8]},
             "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.1},
             "training": {"epochs": 5, "batch_size": 16}, "seeds": 2}
            """.write(to: folder.appendingPathComponent("range.json"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testWritesTheFolderAndPrintsSuggestions() throws {
        let result = try runTool(["lr-find", "range.json", "--steps", "80", "--end", "1000"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.hasPrefix("nnlab lr-find: range, run seed=0: 80 steps from 1e-7 to 1000\n"), result.stdout)
        XCTAssert(result.stdout.contains("steepest descent of the smoothed loss  "), result.stdout)
        XCTAssert(result.stdout.contains("minimum of the smoothed loss / 10      "), result.stdout)
        let lrFind = folder.appendingPathComponent("results/range/lr-find")
        let names = try FileManager.default.contentsOfDirectory(atPath: lrFind.path).sorted()
        XCTAssertEqual(names, ["lr-find.csv", "lr-find.svg", "report.md"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("results/range").path), ["lr-find"],
                       "nothing else of the results is written")
        let csv = try String(contentsOf: lrFind.appendingPathComponent("lr-find.csv"), encoding: .utf8)
        XCTAssert(csv.hasPrefix("step,learning_rate,loss,smoothed_loss\n0,1e-7,"), csv)
        let svg = try String(contentsOf: lrFind.appendingPathComponent("lr-find.svg"), encoding: .utf8)
        XCTAssert(svg.contains("steepest descent: η = ") && svg.contains("minimum / 10: η = "), "the suggestions are marked")

        // Deterministic: the same bytes again; the JSON form holds the same suggestions.
        let json = try runTool(["lr-find", "range.json", "--steps", "80", "--end", "1000", "--format", "json"], in: folder)
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(try String(contentsOf: lrFind.appendingPathComponent("lr-find.csv"), encoding: .utf8), csv)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["run"] as? String, "seed=0")
        let suggestions = try XCTUnwrap(object["suggestions"] as? [String: Any])
        XCTAssertNotNil(suggestions["steepest"] as? Double)
        XCTAssertNotNil(suggestions["minimum_over_10"] as? Double)
        XCTAssertEqual((object["points"] as? [Any])?.count, csv.split(separator: "\n").count - 1)
    }

    func testAnotherRunAndMistakes() throws {
        let other = try runTool(["lr-find", "range.json", "--run", "seed=1", "--steps", "10"], in: folder)
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssert(other.stdout.contains("run seed=1"), other.stdout)
        let cases: [([String], String)] = [
            (["lr-find", "range.json", "--run", "seed=7"], "nnlab: error: option '--run': expected a run of range (did you mean 'seed=0'?), found 'seed=7'"),
            (["lr-find", "range.json", "--steps", "1"], "nnlab: error: option '--steps': expected a whole number from 2 to 100000, found '1'"),
            (["lr-find", "range.json", "--start", "1", "--end", "0.1"], "nnlab: error: option '--end': expected a rate above --start (1), found '0.1'"),
            (["lr-find", "range.json", "--start", "-1"], "nnlab: error: option '--start': expected a positive number, found '-1'"),
            (["lr-find"], "nnlab: error: missing argument FILE (an experiment file)"),
        ]
        for (arguments, message) in cases {
            let result = try runTool(arguments, in: folder)
            XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
            XCTAssert(result.stderr.hasPrefix(message + "\n"), "\(arguments): \(result.stderr)")
        }
    }
}
