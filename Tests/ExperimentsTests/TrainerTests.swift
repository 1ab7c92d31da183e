import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// The training loop of SPEC §4, checked against the network core driven by hand.
final class TrainerTests: XCTestCase {
    func run(_ text: String) throws -> RunConfig {
        try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".").runs[0]
    }

    func train(_ run: RunConfig) throws -> TrainingResult {
        let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
        return try XCTUnwrap(Trainer.train(run, data: data))
    }

    /// Without shuffling, an epoch is the batches in order, the last partial one kept,
    /// each a forward, backward and update step: the trainer's weights after two
    /// epochs equal those of the same steps taken by hand.
    func testAnEpochIsItsBatchesInOrderWithTheLastPartialOneKept() throws {
        let config = try run("""
            {"name": "t", "data": {"source": "inline", "inputs": [[0.1], [0.5], [0.9], [-0.3], [1.2], [-1]], "targets": [[1], [0], [2], [1], [0.5], [3]]},
             "model": {"hidden": [3], "activation": "tanh"}, "loss": "mse", "optimizer": {"name": "momentum", "learning_rate": 0.1},
             "training": {"epochs": 2, "batch_size": 4, "shuffle": false}, "seeds": [5]}
            """)
        let result = try train(config)
        var network = try Network(inputs: 1, specs: config.model.layers, seed: 5)
        let optimizer = config.optimizer.optimizer
        var state = optimizer.makeState(for: network)
        let x = [[0.1], [0.5], [0.9], [-0.3], [1.2], [-1.0]], y = [[1.0], [0], [2], [1], [0.5], [3]]
        for _ in 0 ..< 2 {
            for range in [0 ..< 4, 4 ..< 6] {
                var workspace = Workspace(network: network, batchSize: range.count)
                network.forward(Matrix(Array(x[range])), in: &workspace)
                network.backward(targets: Matrix(Array(y[range])), loss: .mse, in: &workspace)
                optimizer.update(&network, gradients: workspace.gradients, state: &state)
            }
        }
        XCTAssertEqual(result.network, network)
        XCTAssertEqual(result.status, .completed)
        XCTAssertEqual(result.curve.map(\.epoch), [0, 1, 2])
        XCTAssertNil(result.curve[0].gradientNorms)
        XCTAssertEqual(result.curve[2].trainLoss, network.predictionLoss(x, y), accuracy: 1e-15)
        XCTAssertNil(result.curve[2].validationLoss)
        XCTAssertNil(result.curve[2].trainAccuracy)
    }

    /// Inputs near the largest Double overflow the network to NaN at epoch 0, as in
    /// PyTorch: the run is `diverged` there, not a falling loss and `completed`.
    func testOverflowingInputsDivergeAtEpochZero() throws {
        let config = try run("""
            {"name": "o", "data": {"source": "inline", "inputs": [[1e308], [1e308]], "labels": [0, 1]},
             "model": {"inputs": 1, "layers": [{"units": 2, "activation": "relu", "bias": false, "weights": [[10], [10]]},
                                                {"units": 1, "activation": "relu", "bias": false, "weights": [[1, -1]]},
                                                {"units": 1, "activation": "sigmoid", "weights": [[1]]}]},
             "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 3}}
            """)
        let result = try train(config)
        XCTAssertEqual(result.status, .diverged)
        XCTAssertTrue(result.curve[0].trainLoss.isNaN)
        XCTAssertEqual(result.curve.count, 1)
    }

    /// A run whose weights overflow keeps, for model.json, the network of the
    /// last epoch that did not diverge: JSON has no NaN, and the file must load.
    func testADivergedRunKeepsItsLastFiniteNetwork() throws {
        let config = try run("""
            {"name": "o", "data": {"source": "inline", "inputs": [[1e100]], "targets": [[1]]},
             "model": {"inputs": 1, "layers": [{"units": 1, "activation": "identity", "bias": false, "weights": [[1]]}]},
             "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 1e200}, "training": {"epochs": 3}}
            """)
        let result = try train(config)
        XCTAssertEqual(result.status, .diverged)
        XCTAssertEqual(result.curve.count, 2)
        XCTAssertEqual(result.network.layers[0].weights[0, 0], 1)
        let text = ModelFile.text(result.network)
        XCTAssertFalse(text.contains("null"), text)
    }

    /// The exercise: epoch 1 of full-batch SGD is the hand-worked update, and
    /// its gradient norms are |∂C/∂w₁| and |∂C/∂w₂|.
    func testTheExerciseEpoch() throws {
        let config = try run("""
            {"name": "e", "data": {"source": "inline", "inputs": [[3]], "targets": [[1]]},
             "model": {"inputs": 1, "layers": [{"units": 1, "activation": "relu", "bias": false, "weights": [[0.01]]},
                                                {"units": 1, "activation": "sigmoid", "weights": [[-5]], "biases": [-1]}]},
             "loss": "half_squared_error", "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 1}}
            """)
        let result = try train(config)
        XCTAssertEqual(result.network.layers[0].weights[0, 0], 0.01 - 0.1 * 2.080916562170455, accuracy: 1e-15)
        XCTAssertEqual(result.curve[1].gradientNorms?[0] ?? 0, 2.080916562170455, accuracy: 1e-14)
        XCTAssertEqual(result.curve[1].gradientNorms?[1] ?? 0, 0.004161833124340909, accuracy: 1e-16)
        XCTAssertEqual(result.curve[0].trainLoss, 0.28842841648243966, accuracy: 1e-15)
    }

    /// Early stopping ends the run when the validation loss has not improved for
    /// `patience` epochs; the summary derived from the curve agrees.
    func testEarlyStopping() throws {
        let config = try run("""
            {"name": "s", "data": {"source": "moons", "samples": 80, "noise": 0.3, "validation_split": 0.5},
             "model": {"hidden": [32]}, "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.1},
             "training": {"epochs": 300, "batch_size": 8, "early_stopping": {"patience": 5}}}
            """)
        let result = try train(config)
        XCTAssertEqual(result.status, .stopped)
        XCTAssertLessThan(result.curve.count, 301)
        let losses = result.curve.map { $0.validationLoss! }
        let best = losses.dropLast(5).min()!
        XCTAssert(losses.suffix(5).allSatisfy { $0 >= best }, "\(losses.suffix(6))")
        let summary = RunSummary(run: config, curve: result.curve)
        XCTAssertEqual(summary.status, .stopped)
        XCTAssertEqual(summary.bestValidationLoss, losses.min())
        XCTAssertEqual(losses[summary.bestEpoch], losses.min())
    }

    /// A diverging run stops at the first epoch whose loss is not finite or too
    /// large, keeping the curve up to there.
    func testDivergence() throws {
        let config = try run("""
            {"name": "d", "data": {"source": "sine", "samples": 50},
             "model": {"hidden": [8]}, "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 50},
             "training": {"epochs": 100, "batch_size": 5}}
            """)
        let result = try train(config)
        XCTAssertEqual(result.status, .diverged)
        XCTAssertLessThan(result.curve.count, 101)
        let last = result.curve[result.curve.count - 1].trainLoss
        XCTAssert(!last.isFinite || last > 1e4 * result.curve[0].trainLoss)
        XCTAssert(result.curve.dropLast().allSatisfy { !Trainer.isDiverged($0.trainLoss, initial: result.curve[0].trainLoss, factor: 1e4) })
        XCTAssertEqual(RunSummary(run: config, curve: result.curve).status, .diverged)
    }

    /// Same run, same result; another seed, another result; accuracy is reported.
    func testTrainingIsDeterministic() throws {
        let text = """
            {"name": "r", "data": {"source": "circles", "samples": 60, "noise": 0.1}, "model": {"hidden": [8]},
             "loss": "binary_cross_entropy", "optimizer": {"name": "adam", "learning_rate": 0.05}, "training": {"epochs": 5, "batch_size": 7},
             "seeds": [SEED]}
            """
        let a = try train(try run(text.replacingOccurrences(of: "SEED", with: "1")))
        let b = try train(try run(text.replacingOccurrences(of: "SEED", with: "1")))
        let c = try train(try run(text.replacingOccurrences(of: "SEED", with: "2")))
        XCTAssertEqual(a.curve, b.curve)
        XCTAssertEqual(a.network, b.network)
        XCTAssertNotEqual(a.curve, c.curve)
        XCTAssertNotNil(a.curve[5].validationAccuracy)
        XCTAssertEqual(CurveFile.parse(CurveFile.text(a.curve, layers: 2), layers: 2), a.curve)
    }
}

private extension Network {
    /// The mean squared error of the network on rows `x` against `y`.
    func predictionLoss(_ x: [[Double]], _ y: [[Double]]) -> Double {
        let output = predict(Matrix(x))
        return zip(output.elements, y.flatMap { $0 }).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(y.count)
    }
}
