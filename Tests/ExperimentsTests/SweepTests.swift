import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// Sweeps expand into the cartesian product of their axes in file order, times
/// the seeds; every run has a readable, deterministic, file-system-safe name.
final class SweepTests: XCTestCase {
    func experiment(sweep: String, seeds: String = "1", extra: String = "") throws -> Experiment {
        let text = """
            {"name": "s", "seeds": \(seeds),
             "data": {"source": "moons", "samples": 40}\(extra),
             "model": {"hidden": [4]},
             "loss": "binary_cross_entropy",
             "optimizer": {"name": "sgd", "learning_rate": 0.1},
             "training": {"epochs": 2},
             "sweep": \(sweep)}
            """
        return try ExperimentLoader.load(data: Data(text.utf8), file: "s.json", baseDirectory: ".")
    }

    func testLogRangesAreEvenInLog10AndEndExactly() throws {
        let e = try experiment(sweep: #"{"optimizer.learning_rate": {"log": [0.001, 10], "count": 5}}"#)
        XCTAssertEqual(e.runs.map(\.optimizer.optimizer.learningRate), [0.001, 0.01, 0.1, 1, 10])
        XCTAssertEqual(e.axes[0].labels, ["0.001", "0.01", "0.1", "1", "10"])
        let odd = try experiment(sweep: #"{"optimizer.learning_rate": {"log": [0.001, 0.1], "count": 3}}"#)
        XCTAssertEqual(odd.runs.map(\.optimizer.optimizer.learningRate), [0.001, 0.01, 0.1])
    }

    func testLinearRangesAreRoundedToTwelveDigits() throws {
        let e = try experiment(sweep: #"{"data.noise": {"linear": [0.1, 0.3], "count": 3}}"#)
        XCTAssertEqual(e.runs.map(\.data.noise), [0.1, 0.2, 0.3])
        let quarters = try experiment(sweep: #"{"data.noise": {"linear": [0, 1], "count": 5}}"#)
        XCTAssertEqual(quarters.runs.map(\.data.noise), [0, 0.25, 0.5, 0.75, 1])
        let single = try experiment(sweep: #"{"data.noise": {"linear": [0.5, 1], "count": 1}}"#)
        XCTAssertEqual(single.runs.map(\.data.noise), [0.5])
    }

    /// The first axis varies slowest, the seeds fastest.
    func testRunsAreTheProductInFileOrderTimesTheSeeds() throws {
        let e = try experiment(sweep: #"{"model.activation": ["relu", "tanh"], "optimizer.learning_rate": [0.1, 0.01]}"#,
                               seeds: "[7, 3]")
        XCTAssertEqual(e.runs.map(\.name), [
            "activation=relu,learning_rate=0.1,seed=7", "activation=relu,learning_rate=0.1,seed=3",
            "activation=relu,learning_rate=0.01,seed=7", "activation=relu,learning_rate=0.01,seed=3",
            "activation=tanh,learning_rate=0.1,seed=7", "activation=tanh,learning_rate=0.1,seed=3",
            "activation=tanh,learning_rate=0.01,seed=7", "activation=tanh,learning_rate=0.01,seed=3",
        ])
        XCTAssertEqual(e.gridPoints, 4)
        XCTAssertEqual(e.runs.map(\.seed), [7, 3, 7, 3, 7, 3, 7, 3])
        XCTAssertEqual(e.runs[4].model.layers[0].activation, .tanh)
        XCTAssertEqual(e.runs[4].sweepValues.map(\.label), ["tanh", "0.1"])
    }

    func testWholeObjectsAndListsAsValues() throws {
        let e = try experiment(sweep: """
            {"optimizer": [{"name": "sgd", "learning_rate": 0.1}, {"name": "adam", "learning_rate": 0.01}, {"name": "sgd", "learning_rate": 1}],
             "model.hidden": [[], [16, 16]]}
            """)
        XCTAssertEqual(Set(e.runs.map(\.name)).count, 6)
        XCTAssertEqual(e.runs.map(\.name), [
            "optimizer=sgd_1,hidden=none,seed=0", "optimizer=sgd_1,hidden=16-16,seed=0",
            "optimizer=adam,hidden=none,seed=0", "optimizer=adam,hidden=16-16,seed=0",
            "optimizer=sgd_3,hidden=none,seed=0", "optimizer=sgd_3,hidden=16-16,seed=0",
        ])
        XCTAssertEqual(e.runs[2].optimizer.optimizer, .adam(Adam(learningRate: 0.01)))
        XCTAssertEqual(e.runs[1].model.layers.map(\.units), [16, 16, 1])
        XCTAssertEqual(e.runs[0].model.layers.map(\.units), [1])
    }

    /// A sweep may set a key the base file does not have, objects on the way included.
    func testSweepingAKeyThatIsNotThereAddsIt() throws {
        let e = try experiment(sweep: #"{"training.early_stopping.patience": [2, 5]}"#)
        XCTAssertEqual(e.runs.map(\.training.earlyStopping?.patience), [2, 5])
        XCTAssertEqual(e.runs.map(\.name), ["patience=2,seed=0", "patience=5,seed=0"])
    }

    func testNamesAreSafeOnEveryFileSystem() throws {
        let e = try experiment(sweep: #"{"data.seed": [1, -2]}"#)
        XCTAssertEqual(e.runs.map(\.name), ["data.seed=1,seed=0", "data.seed=-2,seed=0"])
        let axis = SweepAxis(path: "model.activation", keyLocation: SourceLocation(line: 1, column: 1),
                             values: [], labels: ["a/b\\c:d*e?f\"g<h>i|j k…"])
        XCTAssertEqual(runName(axes: [axis], choice: [0], seed: 0), "activation=a_b_c_d_e_f_g_h_i_j_k_,seed=0")
        let long = SweepAxis(path: "x", keyLocation: SourceLocation(line: 1, column: 1), values: [],
                             labels: [String(repeating: "a", count: 200)])
        let name = runName(axes: [long], choice: [0], seed: 0)
        XCTAssertEqual(name.count, 120)
        XCTAssertEqual(name, runName(axes: [long], choice: [0], seed: 0))
        XCTAssert(name.hasPrefix("x=aaaa"))
        XCTAssertNotEqual(name, runName(axes: [long], choice: [0], seed: 1))
    }

    /// Labels are unique within their axis as folder names compare them (case
    /// aside), so run names are unique by construction.
    func testLabelsThatWouldClashAreToldApart() {
        func strings(_ texts: [String]) -> [JSONNode] { texts.map { JSONNode(.string($0), at: SourceLocation(line: 1, column: 1)) } }
        XCTAssertEqual(uniqueLabels(strings(["x", "x", "x_2"])), ["x_1", "x_2_2", "x_2"])
        XCTAssertEqual(uniqueLabels(strings(["a b", "a_b", "A_B", "c"])), ["a b_1", "a_b_2", "A_B_3", "c"])
        XCTAssertEqual(uniqueLabels(strings(["relu", "tanh"])), ["relu", "tanh"])
        // "," and "=" only ever separate a name's parts: a label cannot mimic another axis.
        let location = SourceLocation(line: 1, column: 1)
        let a = SweepAxis(path: "a", keyLocation: location, values: [], labels: ["x,b=y", "x"])
        let b = SweepAxis(path: "b", keyLocation: location, values: [], labels: ["z", "y,b=z"])
        XCTAssertNotEqual(runName(axes: [a, b], choice: [0, 0], seed: 0), runName(axes: [a, b], choice: [1, 1], seed: 0))
        XCTAssertEqual(runName(axes: [a, b], choice: [0, 0], seed: 0), "a=x_b_y,b=z,seed=0")
    }

    /// A run's resolved document, loaded on its own, is the same run.
    func testResolvedRunsReproduceThemselves() throws {
        let e = try experiment(sweep: #"{"optimizer.learning_rate": {"log": [0.01, 1], "count": 3}, "model.activation": ["tanh", "relu"]}"#,
                               seeds: "2")
        for run in e.runs {
            let text = JSONWriter.render(run.resolved)
            XCTAssertFalse(text.contains("sweep"))
            let alone = try ExperimentLoader.load(data: Data(text.utf8), file: "config.json", baseDirectory: ".")
            XCTAssertEqual(alone.runs.count, 1)
            let copy = alone.runs[0]
            XCTAssertEqual(copy.seed, run.seed)
            XCTAssertEqual(copy.data, run.data)
            XCTAssertEqual(copy.model, run.model)
            XCTAssertEqual(copy.loss, run.loss)
            XCTAssertEqual(copy.optimizer, run.optimizer)
            XCTAssertEqual(copy.training, run.training)
        }
    }

    func testTooManyRunsAreRefusedWithTheFigure() {
        XCTAssertThrowsError(try experiment(sweep: #"{"data.noise": {"linear": [0, 1], "count": 10000}, "data.seed": {"linear": [0, 10], "count": 11}}"#)) {
            XCTAssertEqual(($0 as? Diagnostics)?.items.map(\.rendered),
                           ["s.json:7:2: error: sweep: the sweep expands into 110000 runs; at most 100000 are allowed"])
        }
    }
}
