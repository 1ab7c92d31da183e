import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// End-to-end tests of `nnlab run` on small experiments: the results tree,
/// determinism across repeats and job counts, resume, Ctrl-C, bad input.
final class RunCommandTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("experiments"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A small sweep: 3 learning rates × 2 activations × 2 seeds of moons.
    let sweep = """
        {"name": "small",
         "data": {"source": "moons", "samples": 60, "noise": 0.2},
         "model": {"hidden": [6]},
         "loss": "binary_cross_entropy",
         "optimizer": {"name": "sgd", "learning_rate": 0.1},
         "training": {"epochs": 15, "batch_size": 16},
         "seeds": 2,
         "sweep": {"optimizer.learning_rate": [0.01, 0.3, 1e3], "model.activation": ["relu", "tanh"]}}
        """

    /// 16 seeds of 100 epochs: long enough to interrupt.
    let long = """
        {"name": "long", "data": {"source": "moons", "samples": 100}, "model": {"hidden": [16]},
         "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.01},
         "training": {"epochs": 100, "batch_size": 8}, "seeds": 16}
        """

    func write(_ text: String, as name: String = "small.json") throws {
        try text.write(to: folder.appendingPathComponent("experiments").appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// A shipped exercise's report shows its traced step, as `nnlab trace` prints it, instead of loss charts;
    /// a loss sweep of a regression stars nothing and says why.
    func testExerciseReportsShowTheTracedStep() throws {
        let exercise = packageRoot.appendingPathComponent("experiments/backprop-exercise.json").path
        XCTAssertEqual(try runTool(["run", exercise, "--output", "out", "--quiet"], in: folder).status, 0)
        let trace = try runTool(["trace", exercise])
        XCTAssertEqual(trace.status, 0)
        let root = folder.appendingPathComponent("out/backprop-exercise")
        let markdown = try String(contentsOf: root.appendingPathComponent("report.md"), encoding: .utf8)
        XCTAssert(markdown.contains("## The first step, traced"), markdown)
        XCTAssert(markdown.contains("```text\n" + trace.stdout), "the trace's text, whole")
        XCTAssertFalse(markdown.contains("## Loss curves"))
        XCTAssertFalse(markdown.contains("★"), "one grid point: nothing to rank")
        let html = try String(contentsOf: root.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssert(html.contains("<pre class=\"trace\">") && html.contains("∂C/∂W¹"))
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("charts").path)) ?? [], [], "no charts")

        try write("""
            {"name": "fit", "data": {"source": "sine", "samples": 40, "validation_split": 0.25}, "model": {"hidden": [4]},
             "loss": "mse", "optimizer": {"name": "adam", "learning_rate": 0.01}, "training": {"epochs": 5},
             "sweep": {"loss": ["mse", "half_squared_error"]}}
            """, as: "fit.json")
        XCTAssertEqual(try runTool(["run", "experiments/fit.json", "--output", "out", "--quiet"], in: folder).status, 0)
        let fit = try String(contentsOf: folder.appendingPathComponent("out/fit/report.md"), encoding: .utf8)
        XCTAssert(fit.contains("Nothing is ranked: the loss is swept"), fit)
        XCTAssertFalse(fit.contains("| ★"))
        XCTAssert(fit.contains("## Fitted function"), "a 1-D regression shows its fit")
    }

    func testTheResultsTree() throws {
        try write(sweep)
        let result = try runTool(["run", "--output", "out", "--jobs", "2"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let root = folder.appendingPathComponent("out/small")
        let files = try tree(root)
        XCTAssertEqual(files.keys.filter { !$0.hasPrefix("runs/") && !$0.hasPrefix("charts/") }.sorted(),
                       ["experiment.json", "report.html", "report.md", "summary.csv", "timings.csv"])
        XCTAssertEqual(files.keys.filter { $0.hasPrefix("runs/") }.count, 12 * 3)
        XCTAssertEqual(files["experiment.json"], Data(sweep.utf8))
        let summary = String(decoding: files["summary.csv"]!, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(summary.count, 13)
        XCTAssertEqual(summary[0], "run,optimizer.learning_rate,model.activation,seed,status,epochs,train_loss,validation_loss,best_validation_loss,best_epoch,train_accuracy,validation_accuracy")
        XCTAssert(summary[1].hasPrefix("\"learning_rate=0.01,activation=relu,seed=0\",0.01,relu,0,completed,15,"), String(summary[1]))
        XCTAssert(summary.contains { $0.contains(",1000,") && $0.contains(",diverged,") }, "lr 1000 diverges: \(summary)")
        let curve = String(decoding: files["runs/learning_rate=0.3,activation=tanh,seed=1/curve.csv"]!, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(curve[0], "epoch,train_loss,validation_loss,train_accuracy,validation_accuracy,learning_rate,grad_norm_1,grad_norm_2,"
                       + "dead_1,dead_2,saturated_1,saturated_2")
        XCTAssertEqual(curve.count, 17)
        // Epoch 0: no rate or gradient norms yet; tanh and sigmoid layers are not dead but may saturate.
        let cells = curve[1].split(separator: ",", omittingEmptySubsequences: false)
        XCTAssertEqual(cells.count, 12, String(curve[1]))
        XCTAssert(cells[0] == "0" && cells[5 ..< 10].allSatisfy(\.isEmpty) && cells[10 ..< 12].allSatisfy { Double($0) != nil }, String(curve[1]))
        XCTAssert(result.stdout.contains("12 runs (12 trained") && result.stdout.contains("results in out/small/"), result.stdout)
        XCTAssertFalse(files.keys.contains { $0.contains(".tmp") })
    }

    /// Every file but timings.csv is byte-identical run after run, and with 1 job or 2.
    func testResultsAreIdenticalAcrossRepeatsAndJobCounts() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "one", "--jobs", "1", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["run", "--output", "two", "--jobs", "2", "--quiet"], in: folder).status, 0)
        var one = try tree(folder.appendingPathComponent("one"))
        var two = try tree(folder.appendingPathComponent("two"))
        one["small/timings.csv"] = nil
        two["small/timings.csv"] = nil
        XCTAssertGreaterThan(one.count, 38)
        XCTAssertNotNil(one["index.html"])
        XCTAssertNotNil(one["small/report.html"])
        XCTAssertEqual(one, two)
        XCTAssertEqual(try runTool(["run", "--output", "one", "--jobs", "2", "--fresh", "--quiet"], in: folder).status, 0)
        var again = try tree(folder.appendingPathComponent("one"))
        again["small/timings.csv"] = nil
        XCTAssertEqual(again, two)
    }

    /// The report has a chart for each item of SPEC §7, marks the best grid point,
    /// and `nnlab report` rebuilds it, byte for byte, without training.
    func testReports() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let root = folder.appendingPathComponent("out")
        let before = try tree(root)
        let charts = before.keys.filter { $0.hasPrefix("small/charts/") }.sorted()
        XCTAssertEqual(charts.filter { !$0.contains("boundary") && !$0.contains("frames") },
                       ["small/charts/accuracy-curves.svg", "small/charts/gradient-norms.svg", "small/charts/learning-rate.svg",
                        "small/charts/loss-curves.svg", "small/charts/network.svg", "small/charts/unit-states.svg"])
        XCTAssertGreaterThanOrEqual(charts.filter { $0.contains("boundary") }.count, 4, "a decision boundary per grid point that did not diverge")
        XCTAssertEqual(charts.filter { $0.contains("frames") }.map { $0.replacingOccurrences(of: "frames", with: "boundary") },
                       charts.filter { $0.contains("boundary") }, "frames of training for each pictured run")
        for chart in charts {
            let parser = XMLParser(data: before[chart]!)
            XCTAssert(parser.parse(), "\(chart): \(parser.parserError.map { "\($0)" } ?? "")")
        }
        let markdown = String(decoding: before["small/report.md"]!, as: UTF8.self)
        for item in ["## Runs", "## Loss curves", "## Final loss against learning rate", "## Gradient norms by layer", "## Decision boundaries"] {
            XCTAssert(markdown.contains(item), item)
        }
        // The best row is the grid point with the lowest mean final validation loss.
        let summary = String(decoding: before["small/summary.csv"]!, as: UTF8.self)
        var losses: [String: [Double]] = [:]
        for line in summary.split(separator: "\n").dropFirst() {
            // The quoted run name holds two commas: "learning_rate=…,activation=…,seed=…".
            let fields = line.split(separator: ",").map(String.init)
            let (rate, activation, status, loss) = (fields[3], fields[4], fields[6], Double(fields[9])!)
            if status != "diverged" { losses["learning_rate=\(rate), activation=\(activation)", default: []].append(loss) }
        }
        let best = losses.min { $0.value.reduce(0, +) / Double($0.value.count) < $1.value.reduce(0, +) / Double($1.value.count) }!.key
        XCTAssert(markdown.contains("| ★ **\(best)** |"), "best \(best) in \(markdown)")
        let html = String(decoding: before["small/report.html"]!, as: UTF8.self)
        XCTAssert(html.contains("<tr class=\"best\"><th scope=\"row\">★ \(best)</th>"), html)
        XCTAssert(html.contains("<svg") && html.contains("<title>"), "charts inline, with hover values")
        XCTAssertFalse(html.contains("<img"), "standalone: no external images")
        let index = String(decoding: before["index.html"]!, as: UTF8.self)
        XCTAssert(index.contains("<td><a href=\"small/report.html\">small</a></td>"), index)
        XCTAssert(index.contains("<td class=\"n\">12</td><td>\(best)</td><td>final validation loss "), "runs, the best grid point, its metric: \(index)")

        for file in ["small/report.md", "small/report.html", "index.html"] + charts {
            try FileManager.default.removeItem(at: root.appendingPathComponent(file))
        }
        let rebuilt = try runTool(["report", "out"], in: folder)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        XCTAssertEqual(try tree(root), before)
        XCTAssertEqual(try runTool(["report", "nowhere"], in: folder).status, 2)
    }

    /// A second run reuses finished runs; a changed run is trained again; the
    /// summary holds only the runs the experiment still has.
    func testResume() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let first = try tree(folder.appendingPathComponent("out"))
        let again = try runTool(["run", "--output", "out"], in: folder)
        XCTAssertEqual(again.status, 0)
        XCTAssert(again.stderr.contains("12 of 12 runs already done"), again.stderr)
        XCTAssert(again.stdout.contains("12 runs (0 trained, 12 already done"), again.stdout)
        XCTAssertEqual(try tree(folder.appendingPathComponent("out")), first)

        try write(sweep.replacingOccurrences(of: "[0.01, 0.3, 1e3]", with: "[0.01, 0.3]")
            .replacingOccurrences(of: "\"epochs\": 15", with: "\"epochs\": 15, \"shuffle\": true"))
        let changed = try runTool(["run", "--output", "out"], in: folder)
        XCTAssertEqual(changed.status, 0)
        XCTAssert(changed.stdout.contains("8 runs (8 trained)"), "the config text changed, so every run trains: \(changed.stdout)")
        XCTAssert(changed.stdout.contains("note: 4 run folders no longer in the experiments were left in runs/ and not summarized"), changed.stdout)
        let summary = try String(contentsOf: folder.appendingPathComponent("out/small/summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 9)
        XCTAssertFalse(summary.contains("1000"))
    }

    /// A run's config.json, run on its own, trains the run again beside the
    /// original, says the two are identical, and leaves the experiment's results as they were.
    func testAConfigAloneReproducesItsRunWithoutTouchingItsExperiment() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let before = try tree(folder.appendingPathComponent("out"))
        let run = "learning_rate=0.3,activation=relu,seed=1"
        let alone = try runTool(["run", "out/small/runs/\(run)/config.json", "--output", "out"], in: folder)
        XCTAssertEqual(alone.status, 0, alone.stderr)
        XCTAssert(alone.stdout.contains("reproduced \(run) in out/small/reproduced/\(run)/: identical to out/small/runs/\(run)/"), alone.stdout)
        var after = try tree(folder.appendingPathComponent("out"))
        for file in ["curve.csv", "model.json", "config.json"] {
            XCTAssertEqual(after.removeValue(forKey: "small/reproduced/\(run)/\(file)"), before["small/runs/\(run)/\(file)"], file)
        }
        XCTAssertEqual(after, before, "the experiment's runs, summary, report and index are untouched")

        // Into another results folder, with no original there: said so.
        let elsewhere = try runTool(["run", "out/small/runs/\(run)/config.json", "--output", "alone"], in: folder)
        XCTAssertEqual(elsewhere.status, 0, elsewhere.stderr)
        XCTAssert(elsewhere.stdout.contains("no finished original at alone/small/runs/\(run)/"), elsewhere.stdout)
        XCTAssertEqual(try Data(contentsOf: folder.appendingPathComponent("alone/small/reproduced/\(run)/curve.csv")),
                       before["small/runs/\(run)/curve.csv"])
        // A config.json is a run of its own: no sweep, one seed.
        let config = try String(contentsOf: folder.appendingPathComponent("out/small/runs/\(run)/config.json"), encoding: .utf8)
        XCTAssert(config.hasSuffix(",\n  \"run\": \"\(run)\"\n}\n"), config)
        try write(config.replacingOccurrences(of: "\"seeds\": [1]", with: "\"seeds\": [1, 2]"), as: "two.json")
        let two = try runTool(["check", "experiments/two.json"], in: folder)
        XCTAssertEqual(two.status, 2)
        XCTAssert(two.stderr.contains("error: seeds: a run's config (a file with \"run\") has one seed, found 2"), two.stderr)
    }

    /// CSV data is found again from a run's config.json, wherever the results are.
    func testAConfigWithCSVDataPointsBackAtTheFile() throws {
        try "a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.1,0.9,1\n0.9,0.1,1\n".write(to: folder.appendingPathComponent("xor.csv"), atomically: true, encoding: .utf8)
        try write("""
            {"name": "csv", "data": {"source": "csv", "path": "../xor.csv", "target": "label", "validation_split": 0},
             "model": {"hidden": [3]}, "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 3}}
            """, as: "csv.json")
        XCTAssertEqual(try runTool(["run", "--output", "deep/out", "--quiet"], in: folder).status, 0)
        let config = try String(contentsOf: folder.appendingPathComponent("deep/out/csv/runs/seed=0/config.json"), encoding: .utf8)
        XCTAssert(config.contains(#""path": "../../../../../xor.csv""#), config)
        let alone = try runTool(["check", "deep/out/csv/runs/seed=0/config.json"], in: folder)
        XCTAssertEqual(alone.status, 0, alone.stderr)
    }

    func testAnInvalidFileRunsNothingAndWritesNothing() throws {
        try write(sweep)
        try write(sweep.replacingOccurrences(of: "\"small\"", with: "\"broken\"").replacingOccurrences(of: "\"relu\"", with: "\"rleu\""),
                  as: "broken.json")
        let result = try runTool(["run", "--output", "out"], in: folder)
        XCTAssertEqual(result.status, 2)
        XCTAssert(result.stderr.contains(#"error: model.activation: unknown activation "rleu""#), result.stderr)
        XCTAssert(result.stderr.hasSuffix("nothing was run: fix the files above first\n"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    func testTwoExperimentsWithOneNameAreRefused() throws {
        try write(sweep)
        try write(sweep, as: "copy.json")
        let result = try runTool(["run", "--output", "out"], in: folder)
        XCTAssertEqual(result.status, 2)
        XCTAssert(result.stderr.contains(#"experiments/small.json:1:10: error: name: "small" is also the name of experiments/copy.json"#), result.stderr)
    }

    /// An output folder that cannot be made: a clear message and exit 1, never a crash.
    func testAnUnwritableOutputIsExitOne() throws {
        try write(sweep)
        try "not a folder".write(to: folder.appendingPathComponent("blocked"), atomically: true, encoding: .utf8)
        let result = try runTool(["run", "--output", "blocked", "--quiet"], in: folder)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "nnlab: error: blocked/small/runs: cannot write: Not a directory\n")
    }

    func testBadOptionValuesAreUsageErrors() throws {
        let jobs = try runTool(["run", "--jobs", "zero"], in: folder)
        XCTAssertEqual(jobs.status, 2)
        XCTAssertEqual(jobs.stderr, "nnlab: error: option '--jobs': expected a whole number from 1 to 4096, found 'zero'\nUsage: nnlab run [PATH ...] [--jobs N] [--output DIR] [--fresh] [--quiet] [--shard K/N] [--shards N]\n")
        let typo = try runTool(["run", "--jbos", "2"], in: folder)
        XCTAssertEqual(typo.stderr, "nnlab: error: unknown option '--jbos'; did you mean '--jobs'?\nUsage: nnlab run [PATH ...] [--jobs N] [--output DIR] [--fresh] [--quiet] [--shard K/N] [--shards N]\n")
    }

    /// Memory does not grow with the number of runs: a sweep of 1,000 small runs completes.
    func testAThousandRuns() throws {
        try write("""
            {"name": "many", "data": {"source": "xor"}, "model": {"hidden": [2]}, "loss": "mse",
             "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 2}, "seeds": 1000}
            """, as: "many.json")
        let result = try runTool(["run", "experiments/many.json", "--output", "out", "--quiet"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try String(contentsOf: folder.appendingPathComponent("out/many/summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 1001)
    }

    /// Ctrl-C mid-sweep: finished runs are kept, nothing is half-written, and the
    /// next run resumes and ends with the same results as an uninterrupted one.
    func testInterruptKeepsFinishedRunsAndResumes() throws {
        try write(long, as: "long.json")
        let runs = folder.appendingPathComponent("out/long/runs")
        let (status, stderr) = try interrupt(["run", "--output", "out", "--jobs", "2"], after: 2, runs: runs)
        XCTAssertEqual(status, 130, stderr)
        XCTAssert(stderr.contains("interrupted:") && stderr.contains("run the same command again to resume"), stderr)
        let kept = finishedRuns(runs)
        XCTAssertGreaterThanOrEqual(kept, 2)
        XCTAssertLessThan(kept, 16)
        let partial = try tree(folder.appendingPathComponent("out"))
        XCTAssertFalse(partial.keys.contains { $0.contains(".tmp") })
        // What finished is published: the summary lists the kept runs, the report and the index say it is partial.
        let summary = String(decoding: try XCTUnwrap(partial["long/summary.csv"]), as: UTF8.self)
        XCTAssertEqual(summary.split(separator: "\n").count, kept + 1)
        let markdown = String(decoding: try XCTUnwrap(partial["long/report.md"]), as: UTF8.self)
        XCTAssert(markdown.hasPrefix("# long\n\n> **Partial report: \(kept) of 16 runs are finished. Incomplete grid point: all runs (\(kept) of 16 seeds)."), markdown)
        XCTAssert(String(decoding: try XCTUnwrap(partial["long/report.html"]), as: UTF8.self).contains("font-weight: bold;\">Partial report: \(kept) of 16 runs"))
        XCTAssert(String(decoding: try XCTUnwrap(partial["index.html"]), as: UTF8.self).contains("partial: \(kept) of 16 runs finished"))
        XCTAssert(stderr.contains("partial results published in out/long/"), stderr)

        let resumed = try runTool(["run", "--output", "out", "--jobs", "2"], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssert(resumed.stderr.contains("\(kept) of 16 runs already done"), resumed.stderr)
        XCTAssertEqual(try runTool(["run", "--output", "fresh", "--jobs", "2", "--quiet"], in: folder).status, 0)
        var a = try tree(folder.appendingPathComponent("out")), b = try tree(folder.appendingPathComponent("fresh"))
        a["long/timings.csv"] = nil
        b["long/timings.csv"] = nil
        XCTAssertEqual(a, b)
    }

    /// After --fresh, the interrupted run's hint names a command that resumes: the same one without --fresh.
    func testAfterFreshTheInterruptHintResumes() throws {
        try write(long, as: "long.json")
        let (status, stderr) = try interrupt(["run", "experiments/long.json", "--fresh", "--output", "my out", "--jobs", "1"],
                                             after: 1, runs: folder.appendingPathComponent("my out/long/runs"))
        XCTAssertEqual(status, 130, stderr)
        XCTAssert(stderr.contains("run 'nnlab run experiments/long.json --output 'my out' --jobs 1' (without --fresh) to resume"), stderr)
    }

    /// Deleting every published file of a finished experiment and running
    /// `nnlab report` gives the same bytes back; so does publishing a folder
    /// whose runs are there but nothing was published.
    func testReportRebuildsPublishedFilesByteForByte() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let root = folder.appendingPathComponent("out")
        let before = try tree(root)
        for file in ["small/summary.csv", "small/report.md", "small/report.html", "small/charts", "index.html", "small/timings.csv"] {
            try FileManager.default.removeItem(at: root.appendingPathComponent(file))
        }
        let rebuilt = try runTool(["report", "out/small"], in: folder)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderr)
        var after = try tree(root)
        // The seconds are gone with timings.csv: every run is listed, its time blank.
        let timings = String(decoding: try XCTUnwrap(after.removeValue(forKey: "small/timings.csv")), as: UTF8.self)
        let runs = String(decoding: before["small/timings.csv"]!, as: UTF8.self).split(separator: "\n").dropFirst()
            .map { String($0[..<$0.lastIndex(of: ",")!]) + "," }
        XCTAssertEqual(timings, "run,seconds\n" + runs.joined(separator: "\n") + "\n")
        var expected = before
        expected["small/timings.csv"] = nil
        XCTAssertEqual(after, expected)
    }

    /// A run missing on disk (a run folder deleted, or never finished): `nnlab
    /// report` publishes the others, the report says which grid point is incomplete.
    func testReportPublishesPartialResults() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let root = folder.appendingPathComponent("out")
        try FileManager.default.removeItem(at: root.appendingPathComponent("small/runs/learning_rate=0.3,activation=tanh,seed=1/config.json"))
        let result = try runTool(["report", "out"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("partial: 11 of 12 runs finished"), result.stdout)
        let summary = try String(contentsOf: root.appendingPathComponent("small/summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 12)
        XCTAssertFalse(summary.contains("learning_rate=0.3,activation=tanh,seed=1"))
        let markdown = try String(contentsOf: root.appendingPathComponent("small/report.md"), encoding: .utf8)
        XCTAssert(markdown.contains("Partial report: 11 of 12 runs are finished. Incomplete grid point: learning_rate=0.3, activation=tanh (1 of 2 seeds)."), markdown)
        let row = try XCTUnwrap(markdown.split(separator: "\n").first { $0.hasPrefix("|") && $0.contains("learning_rate=0.3, activation=tanh") })
        XCTAssert(row.contains("1 of 2"), String(row))
        // The next run trains the missing one, and everything is as after an uninterrupted run.
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["run", "--output", "fresh", "--quiet"], in: folder).status, 0)
        var a = try tree(root), b = try tree(folder.appendingPathComponent("fresh"))
        a["small/timings.csv"] = nil
        b["small/timings.csv"] = nil
        XCTAssertEqual(a, b)
    }

    /// Temporary files a killed writer left are removed by the next run into
    /// that folder, and never published as results.
    func testTemporaryFilesOfAKilledRunAreRemoved() throws {
        try write(sweep)
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let root = folder.appendingPathComponent("out/small")
        let run = root.appendingPathComponent("runs/learning_rate=0.01,activation=relu,seed=0")
        try FileManager.default.removeItem(at: run.appendingPathComponent("config.json"))
        for stray in [run.appendingPathComponent("curve.csv.tmp-otherhost-4242"), run.appendingPathComponent("config.json.tmp-otherhost-4242"),
                      root.appendingPathComponent("summary.csv.tmp-otherhost-4242"), root.appendingPathComponent("charts/loss-curves.svg.tmp-x-1")] {
            try Data(repeating: 65, count: 1000).write(to: stray)
        }
        let result = try runTool(["run", "--output", "out"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssert(result.stdout.contains("12 runs (1 trained, 11 already done"), result.stdout)
        XCTAssertEqual(try tree(folder.appendingPathComponent("out")).keys.filter { $0.contains(".tmp-") }, [])
    }

    /// Resume is keyed on a CSV file's contents too: the same path with other data trains again.
    func testResumeRetrainsWhenTheCSVDataChanged() throws {
        let data = folder.appendingPathComponent("xor.csv")
        try "a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n".write(to: data, atomically: true, encoding: .utf8)
        try write("""
            {"name": "csv", "data": {"source": "csv", "path": "../xor.csv", "target": "label", "validation_split": 0},
             "model": {"hidden": [3]}, "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 3}, "seeds": 2}
            """, as: "csv.json")
        XCTAssertEqual(try runTool(["run", "--output", "out", "--quiet"], in: folder).status, 0)
        let config = try String(contentsOf: folder.appendingPathComponent("out/csv/runs/seed=0/config.json"), encoding: .utf8)
        XCTAssert(config.contains(#""sha256": "ec748bb69eaf1250d07a7ade19a364885dff8d7dde5b2a7288de12e3a21488ba""#), config)
        XCTAssert(try runTool(["run", "--output", "out"], in: folder).stdout.contains("2 runs (0 trained, 2 already done)"))
        try "a,b,label\n0,0,1\n0,1,1\n1,0,1\n1,1,0\n".write(to: data, atomically: true, encoding: .utf8)
        let again = try runTool(["run", "--output", "out"], in: folder)
        XCTAssert(again.stdout.contains("2 runs (2 trained)"), again.stdout)
        // The old config no longer checks: it records other contents.
        try config.write(to: folder.appendingPathComponent("out/csv/runs/seed=0/old.json"), atomically: true, encoding: .utf8)
        let check = try runTool(["check", "out/csv/runs/seed=0/old.json"], in: folder)
        XCTAssertEqual(check.status, 2)
        XCTAssert(check.stderr.contains("error: data.sha256: xor.csv is not the file this was made from: its SHA-256 is "), check.stderr)
    }

    /// Run names are unique by construction: labels that read the same as
    /// folder names (case aside) are told apart, and no run's results are lost.
    func testClashingLabelsGetTheirOwnRunFolders() throws {
        try "a b,a_b,A_B,x,y\n0,1,1,0,0\n1,0,0,1,1\n1,1,1,1,0\n0,0,0,0,1\n".write(to: folder.appendingPathComponent("t.csv"), atomically: true, encoding: .utf8)
        try write("""
            {"name": "clash", "data": {"source": "csv", "path": "../t.csv", "target": "y", "validation_split": 0},
             "model": {"hidden": []}, "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 2},
             "sweep": {"data.target": ["a b", "a_b", "A_B", "x"]}}
            """, as: "clash.json")
        let result = try runTool(["run", "--output", "out", "--jobs", "2"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out/clash/runs").path).sorted()
        XCTAssertEqual(runs, ["target=A_B_3,seed=0", "target=a_b_1,seed=0", "target=a_b_2,seed=0", "target=x,seed=0"])
        let summary = try String(contentsOf: folder.appendingPathComponent("out/clash/summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 5)
    }

    /// An experiment may not take the name of a file of the results folder.
    func testNamesOfTheResultsTreeAreRefused() throws {
        try write(sweep.replacingOccurrences(of: "\"small\"", with: "\"Index.html\""))
        let result = try runTool(["check"], in: folder)
        XCTAssertEqual(result.status, 2)
        XCTAssert(result.stderr.contains(#"experiments/small.json:1:10: error: name: "Index.html" is the name of a file or folder of the results folder itself; choose another name"#), result.stderr)
    }

    /// On a terminal, progress is one live line with a bar, the count, elapsed time and time left.
    func testProgressOnATerminalIsOneLiveLine() throws {
        try write(sweep)
        let binary = productsDirectory.appendingPathComponent("nnlab").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(binary) run --output out --jobs 1 2>&1 >/dev/null", "/dev/null"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, text)
        XCTAssert(text.contains("\r[########################] 12/12 runs  0:0"), text)
        XCTAssert(text.contains(" diverged\u{1B}[K"), text)
        XCTAssert(text.contains("/12 runs  0:00 elapsed  ~0:"), text)
        XCTAssertFalse(text.contains("[1/12]"), "no per-run lines on a terminal: \(text)")
    }

    // MARK: - Helpers

    /// Every file below `root` by relative path, with its bytes.
    func tree(_ root: URL) throws -> [String: Data] {
        try filesBelow(root)
    }

    /// Runs the tool, interrupts it with SIGINT once `after` runs are finished, and returns its status and stderr.
    func interrupt(_ arguments: [String], after: Int, runs: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = productsDirectory.appendingPathComponent("nnlab")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while finishedRuns(runs) < after && Date() < deadline { usleep(20_000) }
        process.interrupt()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func finishedRuns(_ runs: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: runs.appendingPathComponent($0).appendingPathComponent("config.json").path) }.count
    }
}
