import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// Every mistake gets an exact, compiler-style message naming the line, column,
/// path, what was found and what was expected. Each case replaces one line of a
/// valid experiment and lists the diagnostics, all of them, in file order.
final class ValidationTests: XCTestCase {
    static let base = [
        "{",
        #"  "name": "t","#,
        #"  "data": {"source": "moons", "samples": 40, "noise": 0.1},"#,
        #"  "model": {"hidden": [4], "activation": "relu"},"#,
        #"  "loss": "binary_cross_entropy","#,
        #"  "optimizer": {"name": "sgd", "learning_rate": 0.1},"#,
        #"  "training": {"epochs": 2, "batch_size": 8}"#,
        "}",
    ]

    /// (what the mistake is, the line replaced, the new line, the expected diagnostics).
    static let cases: [(String, Int, String, [String])] = [
        ("a negative learning rate", 6, #"  "optimizer": {"name": "sgd", "learning_rate": -0.1},"#,
         ["t.json:6:49: error: optimizer.learning_rate: expected a positive number, found -0.1"]),
        ("a misspelt activation", 4, #"  "model": {"hidden": [4], "activation": "rleu"},"#,
         [#"t.json:4:42: error: model.activation: unknown activation "rleu"; did you mean "relu"? (one of: identity, sigmoid, tanh, relu, leaky_relu, softmax, zero)"#]),
        ("a section key at the top level", 2, #"  "name": "t", "epoch": 3,"#,
         [#"t.json:2:16: error: epoch: unknown key "epoch" at the top level; it belongs in "training" (spelled "epochs")"#]),
        ("an unknown top-level key", 2, #"  "name": "t", "colour": 3,"#,
         [#"t.json:2:16: error: colour: unknown key "colour" (allowed here: $schema, name, description, data, model, loss, optimizer, training, seeds, sweep, report, run)"#]),
        ("missing epochs", 7, #"  "training": {"batch_size": 8}"#,
         [#"t.json:7:15: error: training: missing required key "epochs""#]),
        ("a missing section", 3, "",
         [#"t.json:1:1: error: missing required key "data""#]),
        ("a name that climbs out of results/", 2, #"  "name": "../x","#,
         [#"t.json:2:11: error: name: expected letters, digits, ".", "_" and "-" only (no ".."), found "../x""#]),
        ("an absolute name", 2, #"  "name": "/etc/x","#,
         [#"t.json:2:11: error: name: expected letters, digits, ".", "_" and "-" only (no ".."), found "/etc/x""#]),
        ("an empty name", 2, #"  "name": "","#,
         [#"t.json:2:11: error: name: expected a name for the results folder, found """#]),
        ("a name that is not a string", 2, #"  "name": 7,"#,
         ["t.json:2:11: error: name: expected a string, found 7"]),
        ("an unknown source", 3, #"  "data": {"source": "moon", "samples": 40},"#,
         [#"t.json:3:22: error: data.source: unknown data source "moon"; did you mean "moons"? (one of: xor, moons, circles, spirals, blobs, sine, inline, csv)"#]),
        ("a key of another source", 3, #"  "data": {"source": "moons", "factor": 0.3},"#,
         [#"t.json:3:31: error: data.factor: source moons takes no "factor" (only circles does)"#]),
        ("negative noise", 3, #"  "data": {"source": "moons", "noise": -1},"#,
         ["t.json:3:40: error: data.noise: expected a number ≥ 0, found -1"]),
        ("a validation split of 1", 3, #"  "data": {"source": "moons", "validation_split": 1},"#,
         ["t.json:3:51: error: data.validation_split: expected a number in [0, 1), found 1"]),
        ("a fractional sample count", 3, #"  "data": {"source": "moons", "samples": 2.5},"#,
         ["t.json:3:42: error: data.samples: expected an integer ≥ 1, found 2.5"]),
        ("softmax in a hidden layer", 4, #"  "model": {"hidden": [4], "activation": "softmax"},"#,
         ["t.json:4:42: error: model.activation: softmax is for the output layer only (hidden layers take one of: identity, sigmoid, tanh, relu, leaky_relu, zero)"]),
        ("hidden that is not a list", 4, #"  "model": {"hidden": 4},"#,
         ["t.json:4:23: error: model.hidden: expected a list of layer sizes (may be empty), found 4"]),
        ("binary cross-entropy after softmax", 4, #"  "model": {"hidden": [4], "output_activation": "softmax", "outputs": 2},"#,
         ["t.json:5:11: error: loss: binary_cross_entropy needs a sigmoid output layer, but the output activation is softmax"]),
        ("a key repeated on another line", 4, #"  "model": {"hidden": [4], "output_activation": "sigmoid"}, "loss": "cross_entropy","#,
         [#"t.json:5:3: error: loss: duplicate key "loss" (first at line 4)"#]),
        ("an unknown loss", 5, #"  "loss": "mae","#,
         [#"t.json:5:11: error: loss: unknown loss "mae"; did you mean "mse"? (one of: mse, squared_error, half_squared_error, binary_cross_entropy, cross_entropy)"#]),
        ("three outputs for two classes", 4, #"  "model": {"hidden": [4], "outputs": 3},"#,
         ["t.json:4:39: error: model.outputs: the data has 2 classes, so the output layer needs 1 (the label) or 2 (one-hot) units, found 3"]),
        ("sgd with an Adam key", 6, #"  "optimizer": {"name": "sgd", "learning_rate": 0.1, "beta1": 0.9},"#,
         [#"t.json:6:54: error: optimizer.beta1: sgd takes no "beta1" (adam does)"#]),
        ("PyTorch's name for the learning rate", 6, #"  "optimizer": {"name": "sgd", "lr": 0.1},"#,
         [#"t.json:6:32: error: optimizer.lr: unknown key "lr"; did you mean "learning_rate"?"#]),
        ("an unknown optimizer", 6, #"  "optimizer": {"name": "adamw"},"#,
         [#"t.json:6:25: error: optimizer.name: unknown optimizer "adamw"; did you mean "adam"? (one of: sgd, momentum, adam)"#]),
        ("momentum 0", 6, #"  "optimizer": {"name": "momentum", "learning_rate": 0.1, "momentum": 0},"#,
         ["t.json:6:71: error: optimizer.momentum: expected a positive number, found 0"]),
        ("beta2 of 1", 6, #"  "optimizer": {"name": "adam", "beta2": 1},"#,
         ["t.json:6:42: error: optimizer.beta2: expected a number in [0, 1), found 1"]),
        ("a learning rate in quotes", 6, #"  "optimizer": {"name": "sgd", "learning_rate": "0.1"},"#,
         [#"t.json:6:49: error: optimizer.learning_rate: expected a positive number, found "0.1""#]),
        ("an optimizer given by name only", 6, #"  "optimizer": "sgd","#,
         [#"t.json:6:16: error: optimizer: expected an object, found "sgd"; did you mean {"name": "sgd"}?"#]),
        ("a batch size in words", 7, #"  "training": {"epochs": 2, "batch_size": "half"}"#,
         [#"t.json:7:43: error: training.batch_size: expected an integer ≥ 1 or "full", found "half""#]),
        ("shuffle as a string", 7, #"  "training": {"epochs": 2, "shuffle": "yes"}"#,
         [#"t.json:7:40: error: training.shuffle: expected true or false, found "yes""#]),
        ("a divergence factor of 1", 7, #"  "training": {"epochs": 2, "divergence_factor": 1}"#,
         ["t.json:7:50: error: training.divergence_factor: expected a number > 1, found 1"]),
        ("a key given twice", 2, #"  "name": "t", "name": "u","#,
         [#"t.json:2:16: error: name: duplicate key "name" (first at column 3)"#]),
        ("zero seeds", 2, #"  "name": "t", "seeds": 0,"#,
         ["t.json:2:25: error: seeds: expected an integer from 1 to 100000, found 0"]),
        ("a repeated seed", 2, #"  "name": "t", "seeds": [1, 2, 1],"#,
         ["t.json:2:32: error: seeds[2]: seed 1 is listed twice"]),
        ("a misspelt sweep path", 2, #"  "name": "t", "sweep": {"optimizer.learning_rat": [0.1]},"#,
         [#"t.json:2:26: error: sweep.optimizer.learning_rat: unknown path "optimizer.learning_rat"; did you mean "optimizer.learning_rate"?"#]),
        ("sweeping the seeds", 2, #"  "name": "t", "sweep": {"seeds": [1, 2]},"#,
         [#"t.json:2:26: error: sweep.seeds: "seeds" cannot be swept: list the seeds in "seeds" instead"#]),
        ("an empty sweep list", 2, #"  "name": "t", "sweep": {"optimizer.learning_rate": []},"#,
         ["t.json:2:53: error: sweep.optimizer.learning_rate: expected at least one value, found an empty list"]),
        ("a log range from 0", 2, #"  "name": "t", "sweep": {"optimizer.learning_rate": {"log": [0, 1], "count": 3}},"#,
         ["t.json:2:61: error: sweep.optimizer.learning_rate.log: a log range needs two positive numbers, found [0, 1]"]),
        ("a bad value in a sweep", 2, #"  "name": "t", "sweep": {"optimizer.learning_rate": [0.1, -1, 0.01]},"#,
         [#"t.json:2:59: error: optimizer.learning_rate: expected a positive number, found -1 (a value of sweep "optimizer.learning_rate")"#]),
        ("softmax swept into a hidden layer", 2, #"  "name": "t", "sweep": {"model.activation": ["relu", "softmax"]},"#,
         [#"t.json:2:55: error: model.activation: softmax is for the output layer only (hidden layers take one of: identity, sigmoid, tanh, relu, leaky_relu, zero) (a value of sweep "model.activation")"#]),
        ("a bad whole-object sweep value", 2,
         #"  "name": "t", "sweep": {"optimizer": [{"name": "sgd", "learning_rate": 0.1}, {"name": "adam", "lr": 0.01}]},"#,
         [#"t.json:2:96: error: optimizer.lr: unknown key "lr"; did you mean "learning_rate"? (a value of sweep "optimizer")"#]),
        ("explicit weights of the wrong shape", 4,
         #"  "model": {"inputs": 2, "layers": [{"units": 2, "activation": "relu", "weights": [[1, 2, 3], [4, 5, 6]]}, {"units": 1, "activation": "sigmoid"}]},"#,
         ["t.json:4:83: error: model.layers[0].weights: expected 2 rows (units) of 2 numbers (inputs below), found 2×3"]),
        ("explicit inputs that do not fit the data", 4, #"  "model": {"inputs": 3, "layers": [{"units": 1, "activation": "sigmoid"}]},"#,
         ["t.json:4:23: error: model.inputs: the data has 2 input features, found 3"]),
        ("biases on a layer without bias", 4,
         #"  "model": {"inputs": 2, "layers": [{"units": 1, "activation": "sigmoid", "bias": false, "biases": [1]}]},"#,
         [#"t.json:4:90: error: model.layers[0].biases: the layer has "bias": false, so it takes no biases"#]),
        ("softmax in an explicit hidden layer", 4,
         #"  "model": {"inputs": 2, "layers": [{"units": 3, "activation": "softmax"}, {"units": 1, "activation": "sigmoid"}]},"#,
         ["t.json:4:64: error: model.layers[0].activation: softmax is for the output layer only (hidden layers take one of: identity, sigmoid, tanh, relu, leaky_relu, zero)"]),
        ("a compact key in the explicit form", 4,
         #"  "model": {"inputs": 2, "hidden": [3], "layers": [{"units": 1, "activation": "sigmoid"}]},"#,
         [#"t.json:4:26: error: model.hidden: "hidden" belongs to the compact form; with "layers", give each layer its own "units", "activation" and "init""#]),
        ("uniform init without its limit", 4, #"  "model": {"hidden": [4], "init": "uniform"},"#,
         [#"t.json:4:36: error: model.init: "uniform" needs its "limit": write {"name": "uniform", "limit": …}"#]),
        ("an unknown initializer", 4, #"  "model": {"hidden": [4], "init": "glorot"},"#,
         [#"t.json:4:36: error: model.init: unknown initializer "glorot" (one of: xavier_uniform, xavier_normal, he_uniform, he_normal, zeros, uniform, normal, constant)"#]),
        ("ragged inline inputs", 3, #"  "data": {"source": "inline", "inputs": [[1, 2], [3]], "labels": [0, 1]},"#,
         ["t.json:3:51: error: data.inputs[1]: expected 2 numbers like the rows before it, found 1"]),
        ("fewer labels than inputs", 3, #"  "data": {"source": "inline", "inputs": [[1, 2], [3, 4]], "labels": [0]},"#,
         ["t.json:3:70: error: data.labels: expected one label per input row (2), found 1"]),
        ("labels and targets", 3, #"  "data": {"source": "inline", "inputs": [[1, 2], [3, 4]], "labels": [0, 1], "targets": [[1], [2]]},"#,
         [#"t.json:3:78: error: data.targets: inline data takes "labels" or "targets", not both"#]),
        ("a missing CSV file", 3, #"  "data": {"source": "csv", "path": "nope.csv", "target": "label"},"#,
         ["t.json:3:37: error: data.path: nope.csv: no such file"]),
        ("binary cross-entropy on regression data", 3, #"  "data": {"source": "sine"},"#,
         ["t.json:5:11: error: loss: binary_cross_entropy needs classification data, but the data is regression (use mse, squared_error or half_squared_error)"]),
        ("a trailing comma", 7, #"  "training": {"epochs": 2,}"#,
         ["t.json:7:27: error: trailing comma before '}'"]),
        ("a misspelt section", 6, #"  "optimiser": {"name": "sgd", "learning_rate": 0.1},"#,
         [#"t.json:6:3: error: optimiser: unknown key "optimiser"; did you mean "optimizer"?"#]),
        ("a number written with 100,000 digits", 6, #"  "optimizer": {"name": "sgd", "learning_rate": 0.\#(String(repeating: "0", count: 100_000))1},"#,
         ["t.json:6:49: error: optimizer.learning_rate: expected a positive number, found 0.00000000000000000000000000000000000000…"]),
        ("a misspelt data source key", 3, #"  "data": {"sorce": "moons", "samples": 40},"#,
         [#"t.json:3:12: error: data.sorce: unknown key "sorce"; did you mean "source"?"#]),
        ("a misspelt required key", 7, #"  "training": {"epoch": 2, "batch_size": 8}"#,
         [#"t.json:7:16: error: training.epoch: unknown key "epoch"; did you mean "epochs"?"#]),
        ("a number out of a Double's range", 6, #"  "optimizer": {"name": "sgd", "learning_rate": 1e999},"#,
         ["t.json:6:49: error: optimizer.learning_rate: number 1e999 is out of the range of a Double"]),
        ("a number out of range in a list", 4, #"  "model": {"hidden": [4, -2e400], "activation": "relu"},"#,
         ["t.json:4:27: error: model.hidden[1]: number -2e400 is out of the range of a Double"]),
        ("a terminal escape sequence in a key", 2, #"  "name": "t", "\u001b[31mred": 1,"#,
         [#"t.json:2:16: error: \u001b[31mred: unknown key "\u001b[31mred" (allowed here: $schema, name, description, data, model, loss, optimizer, training, seeds, sweep, report, run)"#]),
        ("a line break in a key, forging a line", 2, #"  "name": "t", "x\nt.json:1:1: error: forged": 1,"#,
         [#"t.json:2:16: error: x\u000at.json:1:1: error: forged: unknown key "x\u000at.json:1:1: error: forged" (allowed here: $schema, name, description, data, model, loss, optimizer, training, seeds, sweep, report, run)"#]),
        ("a control character in a value", 5, #"  "loss": "ms\u0007e","#,
         [#"t.json:5:11: error: loss: unknown loss "ms\u0007e"; did you mean "mse"? (one of: mse, squared_error, half_squared_error, binary_cross_entropy, cross_entropy)"#]),
        ("a split of one sample", 3, #"  "data": {"source": "inline", "inputs": [[1]], "labels": [1], "validation_split": 0.5},"#,
         ["t.json:3:84: error: data.validation_split: 0.5 of 1 sample leaves none for validation, since training keeps at least one; use 0 or more samples"]),
        ("a scalar where a sweep list is expected", 7, #"  "training": {"epochs": 2}, "sweep": {"optimizer.learning_rate": 0.1}"#,
         [#"t.json:7:67: error: sweep.optimizer.learning_rate: expected a list of values, {"log": [from, to], "count": n} or {"linear": [from, to], "count": n}, found 0.1; did you mean [0.1]?"#]),
        ("data given by its source only", 3, #"  "data": "moons","#,
         [#"t.json:3:11: error: data: expected an object, found "moons"; did you mean {"source": "moons"}?"#]),
        ("a column of tiny values to standardize", 3, #"  "data": {"source": "inline", "inputs": [[1e-320], [2e-320], [3e-320]], "labels": [0, 1, 0], "standardize": true},"#,
         [#"t.json:3:110: error: data.standardize: column "x1" cannot be standardized: its standard deviation underflows to 0 although its values differ (values from 1e-320 to 3e-320)"#]),
        ("a column near the largest Double to standardize", 3, #"  "data": {"source": "inline", "inputs": [[1e308], [1.5e308], [1.7e308]], "labels": [0, 1, 0], "standardize": true},"#,
         [#"t.json:3:111: error: data.standardize: column "x1" cannot be standardized: its mean overflows a Double (values from 1e+308 to 1.7e+308)"#]),
        ("several mistakes at once", 6, #"  "optimizer": {"name": "momentum", "learning_rate": 0, "nesterov": 1, "beta1": 0.9},"#,
         ["t.json:6:54: error: optimizer.learning_rate: expected a positive number, found 0",
          "t.json:6:69: error: optimizer.nesterov: expected true or false, found 1",
          #"t.json:6:72: error: optimizer.beta1: momentum takes no "beta1" (adam does)"#]),
    ]

    func testEveryMistakeHasItsExactMessage() {
        XCTAssertGreaterThanOrEqual(Set(Self.cases.map(\.0)).count, 25)
        for (mistake, line, replacement, expected) in Self.cases {
            var lines = Self.base
            lines[line - 1] = replacement
            XCTAssertEqual(diagnostics(lines.joined(separator: "\n")), expected, mistake)
        }
    }

    func testTheBaseExperimentIsValid() throws {
        let experiment = try load(Self.base.joined(separator: "\n"))
        XCTAssertEqual(experiment.runs.count, 1)
        let run = experiment.runs[0]
        XCTAssertEqual(run.name, "seed=0")
        XCTAssertEqual(run.model.layers.map(\.units), [4, 1])
        XCTAssertEqual(run.model.layers.map(\.activation), [.relu, .sigmoid])
        XCTAssertEqual(run.model.inputs, 2)
        XCTAssertEqual(run.data.validationSplit, 0.2)
        XCTAssertEqual(run.training.batchSize, .samples(8))
        XCTAssertEqual(run.optimizer.optimizer, .sgd(SGD(learningRate: 0.1)))
    }

    /// A layer of 10⁹ units is refused with the figure, before anything is allocated.
    func testImpossibleSizesAreRefusedWithTheFigure() {
        var lines = Self.base
        lines[3] = #"  "model": {"hidden": [1000000000]},"#
        let messages = diagnostics(lines.joined(separator: "\n"))
        XCTAssertEqual(messages.count, 1)
        XCTAssert(messages.first?.hasPrefix("t.json:4:24: error: model.hidden[0]: this network needs about 1.1 TB of memory for one run (4000000001 weights, 1000000001 units × 40 samples; its largest layer has 1000000000 units), more than ") ?? false,
                  "\(messages)")
        lines = Self.base
        lines[2] = #"  "data": {"source": "moons", "samples": 1000000000},"#
        XCTAssertEqual(diagnostics(lines.joined(separator: "\n")),
                       ["t.json:3:42: error: data.samples: 1000000000 samples need about 48 GB of memory; at most 10000000 are drawn"])
    }

    /// The pairing rules are checked on what can be read, so a pairing mistake
    /// is reported with every other one, not hidden behind them.
    func testPairingIsCheckedBesideUnrelatedMistakes() {
        var lines = Self.base
        lines[2] = #"  "data": {"source": "sine"},"#
        lines[5] = #"  "optimizer": {"name": "sgd", "learning_rate": -1},"#
        XCTAssertEqual(diagnostics(lines.joined(separator: "\n")), [
            "t.json:5:11: error: loss: binary_cross_entropy needs classification data, but the data is regression (use mse, squared_error or half_squared_error)",
            "t.json:6:49: error: optimizer.learning_rate: expected a positive number, found -1",
        ])
    }

    /// The memory check counts the runs that train at once (`--jobs`, at most the
    /// runs there are) and names the key that makes the network large.
    func testTheMemoryCheckCountsTheRunsTrainingAtOnce() throws {
        // About 1088 bytes per hidden unit with 40 moons samples: a network that
        // takes 40 % of the memory fits once, not four times.
        let units = Int(availableMemory().bytes * 0.4 / 1088)
        var lines = Self.base
        lines[1] = #"  "name": "t", "seeds": 4,"#
        lines[3] = #"  "model": {"hidden": [\#(units)]},"#
        let text = lines.joined(separator: "\n")
        XCTAssertNoThrow(try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".", jobs: 1))
        XCTAssertThrowsError(try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".", jobs: 8)) { error in
            let message = (error as? Diagnostics)?.rendered ?? ""
            XCTAssert(message.hasPrefix("t.json:4:24: error: model.hidden[0]: this network needs about "), message)
            XCTAssert(message.contains("; 4 runs train at once (--jobs 8), about "), message)
            XCTAssert(message.contains(", more than " + availableMemory().name), message)
        }
    }

    /// A cgroup limit below the machine's memory is the figure, named with its file;
    /// "max" (no limit) leaves the machine's.
    func testTheMemoryCheckUsesACgroupLimit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let limited = folder.appendingPathComponent("memory.max"), unlimited = folder.appendingPathComponent("none")
        try Data("3221225472\n".utf8).write(to: limited)
        try Data("max\n".utf8).write(to: unlimited)
        let memory = availableMemory(cgroupFiles: [unlimited.path, limited.path])
        XCTAssertEqual(memory.bytes, 3221225472)
        XCTAssertEqual(memory.name, "the memory limit of 3.2 GB set for this container (\(limited.path))")
        XCTAssertEqual(availableMemory(cgroupFiles: [unlimited.path]).name, availableMemory(cgroupFiles: []).name)
        XCTAssert(availableMemory(cgroupFiles: []).name.hasPrefix("this machine's "))
    }

    /// Validation stays bounded on hostile files within the size limit: no
    /// quadratic duplicate check, no edit distance over megabytes.
    func testValidationOfHugeValuesIsQuick() throws {
        var lines = Self.base
        let started = Date()
        lines[1] = #"  "name": "t", "seeds": [\#((0 ..< 100_000).map(String.init).joined(separator: ", ")), 5],"#
        XCTAssertEqual(diagnostics(lines.joined(separator: "\n")).first, "t.json:2:688916: error: seeds[100000]: seed 5 is listed twice")
        lines = Self.base
        lines[4] = #"  "loss": "\#(String(repeating: "x", count: 2_000_000))","#
        XCTAssertEqual(diagnostics(lines.joined(separator: "\n")),
                       [#"t.json:5:11: error: loss: unknown loss "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" (one of: mse, squared_error, half_squared_error, binary_cross_entropy, cross_entropy)"#])
        lines = Self.base
        lines[6] = #"  "training": {"epochs": 2}, "sweep": {"\#(String(repeating: "a", count: 2_000_000))": [1]}"#
        let sweep = diagnostics(lines.joined(separator: "\n"))
        XCTAssertEqual(sweep.count, 1)
        XCTAssert(sweep[0].count < 500, "\(sweep[0].count) characters")
        // 100,000 unknown keys: the first 1000 in file order, then a count of the rest.
        lines = Self.base
        lines[1] = #"  "name": "t", "#  + (0 ..< 100_000).map { #""k\#($0)": 1,"# }.joined()
        let many = diagnostics(lines.joined(separator: "\n"))
        XCTAssertEqual(many.count, 1001)
        XCTAssertEqual(many[0], #"t.json:2:16: error: k0: unknown key "k0" (allowed here: $schema, name, description, data, model, loss, optimizer, training, seeds, sweep, report, run)"#)
        XCTAssert(many[999].contains(": error: k999: unknown key"), many[999])
        XCTAssert(many[1000].hasSuffix(": error: 99000 more errors not shown (the first 1000 are above)"), many[1000])
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
    }

    /// A section no sweep axis reaches is read once, not at every grid point:
    /// 20,000 inline rows under a sweep of 2,000 learning rates check quickly.
    func testSectionsNoAxisReachesAreReadOnce() throws {
        let rows = (0 ..< 20_000).map { "[\($0 % 7), \($0 % 3)]" }.joined(separator: ", ")
        let labels = (0 ..< 20_000).map { String($0 % 2) }.joined(separator: ", ")
        let text = """
            {"name": "t", "data": {"source": "inline", "inputs": [\(rows)], "labels": [\(labels)]},
             "model": {"hidden": [4]}, "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.1},
             "training": {"epochs": 1}, "sweep": {"optimizer.learning_rate": {"linear": [0.001, 1], "count": 2000}}}
            """
        let started = Date()
        let experiment = try load(text)
        XCTAssertEqual(experiment.runs.count, 2000)
        // Sweeping the data seed reads the data section at every point, but its rows once.
        let seeds = (0 ..< 1000).map(String.init).joined(separator: ", ")
        let reseeded = try load(text.replacingOccurrences(of: #"{"optimizer.learning_rate": {"linear": [0.001, 1], "count": 2000}}"#,
                                                          with: #"{"data.seed": [\#(seeds)]}"#))
        XCTAssertEqual(reseeded.runs.count, 1000)
        XCTAssertLessThan(Date().timeIntervalSince(started), 8)
    }

    func testEarlyStoppingNeedsValidationData() {
        var lines = Self.base
        lines[2] = #"  "data": {"source": "moons", "validation_split": 0},"#
        lines[6] = #"  "training": {"epochs": 2, "early_stopping": {"patience": 3}}"#
        XCTAssertEqual(diagnostics(lines.joined(separator: "\n")),
                       ["t.json:7:29: error: training.early_stopping: early stopping watches the validation loss, but data.validation_split is 0"])
    }

    func testCrossEntropyNeedsASoftmaxOutput() {
        var lines = Self.base
        lines[3] = #"  "model": {"hidden": [4], "output_activation": "sigmoid", "outputs": 2},"#
        lines[4] = #"  "loss": "cross_entropy","#
        XCTAssertEqual(diagnostics(lines.joined(separator: "\n")),
                       ["t.json:5:11: error: loss: cross_entropy needs a softmax output layer, but the output activation is sigmoid"])
    }

    func testCSVProblemsNameTheFileRowAndColumn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-validation-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "a,b,label\n1,2,x\n3,oops,y\n".write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        var lines = Self.base
        lines[2] = #"  "data": {"source": "csv", "path": "bad.csv", "target": "label"},"#
        let messages = diagnostics(lines.joined(separator: "\n"), baseDirectory: folder.path)
        XCTAssertEqual(messages.count, 1)
        XCTAssertEqual(messages[0], #"t.json:3:37: error: data.path: \#(folder.path)/bad.csv: row 3, column "b" (2): expected a number, found "oops""#)
    }

    // MARK: - Helpers

    private func load(_ text: String, baseDirectory: String = ".") throws(Diagnostics) -> Experiment {
        try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: baseDirectory)
    }

    private func diagnostics(_ text: String, baseDirectory: String = ".") -> [String] {
        do {
            _ = try load(text, baseDirectory: baseDirectory)
            return []
        } catch {
            return error.items.map(\.rendered)
        }
    }
}
