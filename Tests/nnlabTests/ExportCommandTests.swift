import Foundation
import XCTest

/// `nnlab export tensorboard|table`: the layout and bytes of both exports, bad
/// input, and (where the export environment of scripts/python-env is there)
/// TensorBoard's own reader and pandas reading them back equal to the CSV files.
final class ExportCommandTests: XCTestCase {
    var folder: URL!

    /// Classification with a diverging learning rate, 2 layers.
    let classification = """
        {"name": "small",
         "data": {"source": "moons", "samples": 60, "noise": 0.2},
         "model": {"hidden": [6]},
         "loss": "binary_cross_entropy",
         "optimizer": {"name": "sgd", "learning_rate": 0.1},
         "training": {"epochs": 10, "batch_size": 16},
         "seeds": 2,
         "sweep": {"optimizer.learning_rate": [0.05, 1e3], "model.activation": ["relu", "tanh"]}}
        """

    /// Regression, 3 layers, a mixed sweep (a number and a string) and whole optimizers.
    let regression = """
        {"name": "fit",
         "data": {"source": "sine", "samples": 40, "noise": 0.1},
         "model": {"hidden": [4, 4], "activation": "tanh"},
         "loss": "mse",
         "optimizer": {"name": "sgd", "learning_rate": 0.05},
         "training": {"epochs": 8},
         "sweep": {"training.batch_size": [8, "full"],
                   "optimizer": [{"name": "sgd", "learning_rate": 0.05}, {"name": "adam", "learning_rate": 0.01}]}}
        """

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-export-\(UUID().uuidString)")
        let experiments = folder.appendingPathComponent("experiments")
        try FileManager.default.createDirectory(at: experiments, withIntermediateDirectories: true)
        try classification.write(to: experiments.appendingPathComponent("small.json"), atomically: true, encoding: .utf8)
        try regression.write(to: experiments.appendingPathComponent("fit.json"), atomically: true, encoding: .utf8)
        let result = try runTool(["run", "--output", "out", "--quiet"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func read(_ path: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(path))
    }

    func files(under path: String) throws -> [String: Data] {
        let root = folder.appendingPathComponent(path)
        var files: [String: Data] = [:]
        for case let relative as String in FileManager.default.enumerator(atPath: root.path) ?? FileManager.DirectoryEnumerator() {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(relative).path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: root.appendingPathComponent(relative))
            }
        }
        return files
    }

    /// The number of epochs rows of every run's curve.csv.
    func curveRows(_ experiment: String) throws -> Int {
        try files(under: "out/\(experiment)/runs").filter { $0.key.hasSuffix("curve.csv") }
            .map { String(decoding: $0.value, as: UTF8.self).split(separator: "\n").count - 1 }.reduce(0, +)
    }

    /// One row per run and epoch, the union of the columns in the documented
    /// order, sweep numbers as numbers; the same bytes on rerun and on standard output.
    func testTheTableIsTidy() throws {
        let result = try runTool(["export", "table", "out"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try curveRows("small") + curveRows("fit")
        XCTAssertEqual(result.stdout, "out/table.csv: \(rows) rows, 12 runs of 2 experiments\n")
        let text = String(decoding: try read("out/table.csv"), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines[0], "experiment,run,training.batch_size,optimizer,optimizer.learning_rate,model.activation,seed,status,"
                       + "epoch,train_loss,validation_loss,train_accuracy,validation_accuracy,learning_rate,grad_norm_1,grad_norm_2,grad_norm_3,"
                       + "dead_1,dead_2,dead_3,saturated_1,saturated_2,saturated_3")
        XCTAssertEqual(lines.count, rows + 2, "a header, a row per run and epoch, a final line end")
        XCTAssert(lines[1].hasPrefix("fit,\"batch_size=8,optimizer=sgd,seed=0\",8,sgd,,,0,completed,0,"), String(lines[1]))
        XCTAssert(lines.contains { $0.hasPrefix("fit,\"batch_size=full,optimizer=adam,seed=0\",full,adam,,,0,completed,8,") })
        let small = lines.first { $0.hasPrefix("small,\"learning_rate=0.05,activation=relu,seed=1\"") }
        XCTAssert(small?.hasPrefix("small,\"learning_rate=0.05,activation=relu,seed=1\",,,0.05,relu,1,completed,0,") == true, "\(small ?? "")")
        XCTAssert(small?.hasSuffix(",,,,,0,,,,0,") == true,
                  "epoch 0: no learning rate nor gradient norms; the relu layer's dead and the sigmoid output's saturated fractions; no third layer: \(small ?? "")")
        XCTAssert(lines.contains { $0.hasPrefix("small,\"learning_rate=1000,activation=relu,seed=0\",,,1000,relu,0,diverged,1,") })

        let again = try runTool(["export", "table", "out"], in: folder)
        XCTAssertEqual(again.status, 0)
        XCTAssertEqual(try read("out/table.csv"), Data(text.utf8))
        let stdout = try runTool(["export", "table", "out", "--output", "-"], in: folder)
        XCTAssertEqual(stdout.stdout, text)
        let one = try runTool(["export", "table", "out/small"], in: folder)
        XCTAssertEqual(one.stdout, "out/small/table.csv: \(try curveRows("small")) rows, 8 runs of small\n")
    }

    /// One events file per run, laid out by experiment in a results folder's export;
    /// each starts with the file version record; the same bytes on rerun; written atomically.
    func testTensorBoardLogsAreLaidOutAndDeterministic() throws {
        let result = try runTool(["export", "tensorboard", "out/small"], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "out/small/tensorboard: 8 runs of small; view with: tensorboard --logdir out/small/tensorboard\n")
        let first = try files(under: "out/small/tensorboard")
        let runs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out/small/runs").path)
        XCTAssertEqual(first.keys.sorted(), (["events.out.tfevents.0.nnlab"] + runs.map { "\($0)/events.out.tfevents.0.nnlab" }).sorted())
        // The framed Event {file_version: "brain.Event:2"} (tensorboard_reference.json's "record").
        let fileVersion: [UInt8] = [0x0f, 0, 0, 0, 0, 0, 0, 0, 0x6d, 0x53, 0x2b, 0x09] + Array("\u{1a}\u{0d}brain.Event:2".utf8) + [0xfc, 0x98, 0x51, 0x29]
        for (name, data) in first {
            XCTAssertEqual(Array(data.prefix(fileVersion.count)), fileVersion, name)
        }
        XCTAssertEqual(try runTool(["export", "tensorboard", "out/small"], in: folder).status, 0)
        XCTAssertEqual(try files(under: "out/small/tensorboard"), first)

        let all = try runTool(["export", "tensorboard", "out"], in: folder)
        XCTAssertEqual(all.stdout, "out/tensorboard: 12 runs of 2 experiments; view with: tensorboard --logdir out/tensorboard\n")
        let grouped = try files(under: "out/tensorboard").keys
        XCTAssertEqual(grouped.count, 13)
        XCTAssert(grouped.contains("fit/batch_size=full,optimizer=adam,seed=0/events.out.tfevents.0.nnlab"), "\(grouped.sorted())")
        XCTAssert(grouped.contains("small/learning_rate=1000,activation=tanh,seed=1/events.out.tfevents.0.nnlab"), "\(grouped.sorted())")
        XCTAssertFalse(grouped.contains { $0.contains(".tmp") })
        // An experiment's folder is not mistaken for its export's.
        XCTAssertEqual(try runTool(["report", "out"], in: folder).status, 0)

        // Runs no longer in the results leave the export; other files stay.
        let notes = folder.appendingPathComponent("out/tensorboard/small/notes.txt")
        try "mine".write(to: notes, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("out/small/runs/learning_rate=1000,activation=tanh,seed=1"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("out/fit"))
        let fewer = try runTool(["export", "tensorboard", "out"], in: folder)
        XCTAssertEqual(fewer.stdout, "out/tensorboard: 7 runs of small (1 unfinished run left out); view with: tensorboard --logdir out/tensorboard\n")
        let left = try files(under: "out/tensorboard").keys
        XCTAssertEqual(left.count, 9, "\(left.sorted())")
        XCTAssert(left.contains("small/notes.txt"))
        XCTAssertFalse(left.contains { $0.hasPrefix("fit/") || $0.contains("learning_rate=1000,activation=tanh,seed=1") }, "\(left.sorted())")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/tensorboard/fit").path))

        // One run left: the counts read as English.
        let runFolders = folder.appendingPathComponent("out/small/runs")
        for name in try FileManager.default.contentsOfDirectory(atPath: runFolders.path).sorted().dropFirst() {
            try FileManager.default.removeItem(at: runFolders.appendingPathComponent(name))
        }
        let one = try runTool(["export", "tensorboard", "out"], in: folder)
        XCTAssertEqual(one.stdout, "out/tensorboard: 1 run of small (7 unfinished runs left out); view with: tensorboard --logdir out/tensorboard\n")
        let table = try runTool(["export", "table", "out/small"], in: folder)
        XCTAssertEqual(table.stdout, "out/small/table.csv: 11 rows, 1 run of small (7 unfinished runs left out)\n")
    }

    /// The export's names are the results tree's, so no experiment may take them.
    func testTheExportsNamesAreRefusedAsExperimentNames() throws {
        try classification.replacingOccurrences(of: "\"small\"", with: "\"Tensorboard\"")
            .write(to: folder.appendingPathComponent("experiments/small.json"), atomically: true, encoding: .utf8)
        let result = try runTool(["check", "experiments/small.json"], in: folder)
        XCTAssertEqual(result.status, 2)
        XCTAssert(result.stderr.contains(#"experiments/small.json:1:10: error: name: "Tensorboard" is the name of a file or folder of the results folder itself; choose another name"#), result.stderr)
    }

    /// A bad FORMAT or DIR is a usage error (exit 2) that names it, and nothing is written.
    func testBadArgumentsAreUsageErrorsAndWriteNothing() throws {
        let usage = "Usage: nnlab export tensorboard|table [DIR ...] [--output PATH]\n"
        let cases: [([String], String)] = [
            (["export"], "nnlab: error: missing argument FORMAT (tensorboard or table)\n" + usage),
            (["export", "tensorbord", "out"], "nnlab: error: FORMAT: expected tensorboard or table, found 'tensorbord'; did you mean 'tensorboard'?\n" + usage),
            (["export", "table", "out", "nowhere"], "nowhere: error: no such results folder\n"),
            (["export", "tensorboard", "experiments"], "experiments: error: no experiment results here (no experiment.json, nor */experiment.json); run 'nnlab run' first\n"),
            (["export", "tensorboard", "out", "--output", "-"], "nnlab: error: option '--output': expected a folder, found '-'\n" + usage),
            (["export", "table", "--outptu", "x.csv"], "nnlab: error: unknown option '--outptu'; did you mean '--output'?\n" + usage),
        ]
        for (arguments, message) in cases {
            let result = try runTool(arguments, in: folder)
            XCTAssertEqual(result.status, 2, "\(arguments)")
            XCTAssertEqual(result.stderr, message, "\(arguments)")
            XCTAssertEqual(result.stdout, "", "\(arguments)")
        }
        // Two experiments of one name cannot share a log folder or a table.
        try FileManager.default.copyItem(at: folder.appendingPathComponent("out/small"), to: folder.appendingPathComponent("other/small"))
        let twice = try runTool(["export", "table", "out/small", "other/small", "--output", "both.csv"], in: folder)
        XCTAssertEqual(twice.status, 2)
        XCTAssertEqual(twice.stderr, "other/small: error: another experiment named small (out/small) would share both.csv; export them separately\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("both.csv").path))
        // An invalid experiment copy: its located error, and no table for the valid one either.
        try #"{"name": "fit", "seeds": -1}"#.write(to: folder.appendingPathComponent("out/fit/experiment.json"), atomically: true, encoding: .utf8)
        let invalid = try runTool(["export", "table", "out/small", "out/fit"], in: folder)
        XCTAssertEqual(invalid.status, 2)
        XCTAssert(invalid.stderr.hasPrefix("out/fit/experiment.json:1:"), invalid.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/small/table.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/table.csv").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out/tensorboard").path))
    }

    func testHelp() throws {
        let help = try runTool(["export", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssert(help.stdout.hasPrefix("Export results as TensorBoard logs, or as one tidy CSV table for pandas.\n\nUsage: nnlab export tensorboard|table [DIR ...] [--output PATH]\n"), help.stdout)
        XCTAssert(try runTool(["--help"]).stdout.contains("  export    Export results"))
    }

    /// TensorBoard's EventAccumulator and pandas.read_csv read the exports back:
    /// every scalar equals curve.csv to float32 precision, the HParams data lists
    /// every run, the table equals the curves (Tests/References/read_export.py).
    func testTensorBoardAndPandasReadTheExportsBack() throws {
        let python = try exportPython()
        XCTAssertEqual(try runTool(["export", "tensorboard", "out", "--output", "logs"], in: folder).status, 0)
        XCTAssertEqual(try runTool(["export", "table", "out", "--output", "table.csv"], in: folder).status, 0)
        let process = Process()
        process.executableURL = python
        process.arguments = [packageRoot.appendingPathComponent("Tests/References/read_export.py").path, "out", "logs", "table.csv"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, output)
        XCTAssert(output.contains("ok: 12 runs,"), output)
    }

    /// The Python with tensorboard and pandas: $NNLAB_EXPORT_PYTHON, else .venv-export
    /// (scripts/python-env makes it; .ci/run calls it); the test is skipped without one.
    func exportPython() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["NNLAB_EXPORT_PYTHON"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let venv = packageRoot.appendingPathComponent(".venv-export/bin/python")
        guard FileManager.default.isExecutableFile(atPath: venv.path) else {
            throw XCTSkip("no Python with tensorboard and pandas: run scripts/python-env (makes .venv-export) or set NNLAB_EXPORT_PYTHON")
        }
        return venv
    }
}
