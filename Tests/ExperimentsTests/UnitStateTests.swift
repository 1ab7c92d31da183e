import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// curve.csv's dead_l and saturated_l, recomputed from the run's model.json by a
/// forward pass written out here: dead_l is the share of layer l's units with
/// f′(z) = 0 on every training sample (relu; leaky_relu's negative side has
/// f′ = 0.01, alive), saturated_l the share of (sample, unit) pairs of a sigmoid
/// or tanh layer with f′(z) < 0.01 · max f′ (max σ′ = ¼, max tanh′ = 1).
final class UnitStateTests: XCTestCase {
    func load(_ text: String) throws -> (RunConfig, PreparedData) {
        let run = try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".").runs[0]
        return (run, try run.data.prepare(outputs: run.model.outputs, cache: CSVCache()))
    }

    /// Per layer, (dead, saturated) of the network in `modelJSON` on the rows of
    /// `x`, by the definitions above; nil where the activation has no such property.
    func recompute(modelJSON: String, inputs x: Matrix) throws -> [(dead: Double?, saturated: Double?)] {
        let model = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(modelJSON.utf8)) as? [String: Any])
        let layers = try XCTUnwrap(model["layers"] as? [[String: Any]])
        var below = x.rowArrays
        var result: [(dead: Double?, saturated: Double?)] = []
        for layer in layers {
            let w = try XCTUnwrap(layer["weights"] as? [[Double]])
            let b = (layer["biases"] as? [Double]) ?? Array(repeating: 0, count: w.count)
            let activation = try XCTUnwrap(layer["activation"] as? String)
            let z = below.map { a in w.indices.map { j in zip(w[j], a).reduce(b[j]) { $0 + $1.0 * $1.1 } } }
            let units = w.count, samples = z.count
            var dead: Double?, saturated: Double?
            var next = z
            switch activation {
            case "relu":
                next = z.map { $0.map { max(0, $0) } }
                dead = Double((0 ..< units).filter { j in z.allSatisfy { $0[j] <= 0 } }.count) / Double(units)
            case "leaky_relu":
                next = z.map { $0.map { $0 > 0 ? $0 : 0.01 * $0 } }
                dead = 0  // f′ = 0.01 where z ≤ 0: never 0
            case "sigmoid":
                next = z.map { $0.map { 1 / (1 + exp(-$0)) } }
                let pairs = next.joined().filter { $0 * (1 - $0) < 0.01 * 0.25 }.count
                saturated = Double(pairs) / Double(samples * units)
            case "tanh":
                next = z.map { $0.map { tanh($0) } }
                let pairs = next.joined().filter { 1 - $0 * $0 < 0.01 * 1 }.count
                saturated = Double(pairs) / Double(samples * units)
            case "identity":
                break
            default:
                XCTFail("unexpected activation \(activation)")
            }
            result.append((dead, saturated))
            below = next
        }
        return result
    }

    /// Trains the run, then checks the last curve row (as curve.csv holds it)
    /// against the recomputation from model.json; returns that row.
    @discardableResult
    func checkAgainstModel(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> EpochRecord {
        let (run, data) = try load(text)
        let result = try XCTUnwrap(Trainer.train(run, data: data))
        let layers = run.model.layers.count
        let written = try XCTUnwrap(CurveFile.parse(CurveFile.text(result.curve, layers: layers), layers: layers))
        let last = try XCTUnwrap(written.last)
        let expected = try recompute(modelJSON: ModelFile.text(result.network), inputs: data.trainingInputs)
        XCTAssertEqual(last.deadFractions.count, layers, file: file, line: line)
        XCTAssertEqual(last.saturatedFractions.count, layers, file: file, line: line)
        for l in 0 ..< layers {
            XCTAssertEqual(last.deadFractions[l], expected[l].dead, "dead_\(l + 1)", file: file, line: line)
            XCTAssertEqual(last.saturatedFractions[l], expected[l].saturated, "saturated_\(l + 1)", file: file, line: line)
        }
        return last
    }

    /// A learning rate far too large for plain SGD leaves relu units dead, and the
    /// count is the one a forward pass over model.json finds.
    func testDeadReluUnitsMatchTheModel() throws {
        let last = try checkAgainstModel("""
            {"name": "dead", "data": {"source": "moons", "samples": 200, "noise": 0.2, "seed": 3},
             "model": {"hidden": [12, 8], "activation": "relu", "init": "he_uniform"},
             "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 8},
             "training": {"epochs": 12, "batch_size": 16}, "seeds": [7]}
            """)
        XCTAssert(last.deadFractions[0...1].contains { ($0 ?? 0) > 0 }, "the held-out network should have dead units: \(last.deadFractions)")
        XCTAssertNotNil(last.saturatedFractions[2], "the sigmoid output layer has a saturated fraction")
        XCTAssertNil(last.saturatedFractions[0])
        XCTAssertNil(last.deadFractions[2])
    }

    /// Large initial weights saturate sigmoid and tanh units; the shares are the ones model.json gives.
    func testSaturatedSigmoidAndTanhUnitsMatchTheModel() throws {
        for activation in ["sigmoid", "tanh"] {
            let last = try checkAgainstModel("""
                {"name": "sat", "data": {"source": "circles", "samples": 150, "noise": 0.1, "seed": 1},
                 "model": {"hidden": [10, 10, 10], "activation": "\(activation)", "init": {"name": "normal", "std": 3}},
                 "loss": "binary_cross_entropy", "optimizer": {"name": "sgd", "learning_rate": 0.5},
                 "training": {"epochs": 5, "batch_size": 32}, "seeds": [2]}
                """)
            let hidden = last.saturatedFractions[0 ..< 3].compactMap { $0 }
            XCTAssertEqual(hidden.count, 3, activation)
            XCTAssert(hidden.contains { $0 > 0 && $0 < 1 }, "\(activation): some but not all pairs saturated: \(hidden)")
            XCTAssertEqual(last.deadFractions[0 ..< 3].compactMap { $0 }, [], activation)
        }
    }

    /// A unit whose z is negative on every sample is dead under relu and alive
    /// under leaky_relu; an identity output has neither column.
    func testLeakyReluNegativeSideIsAlive() throws {
        for (activation, dead) in [("relu", 0.5), ("leaky_relu", 0.0)] {
            let (run, data) = try load("""
                {"name": "n", "data": {"source": "inline", "inputs": [[1], [2], [3]], "targets": [[1], [2], [3]]},
                 "model": {"inputs": 1, "layers": [
                     {"units": 2, "activation": "\(activation)", "weights": [[1], [-1]], "biases": [0, -0.5]},
                     {"units": 1, "activation": "identity", "weights": [[1, 1]]}]},
                 "loss": "mse", "optimizer": {"name": "sgd", "learning_rate": 1e-9}, "training": {"epochs": 1}}
                """)
            let result = try XCTUnwrap(Trainer.train(run, data: data))
            XCTAssertEqual(result.curve[0].deadFractions, [dead, nil], activation)
            XCTAssertEqual(result.curve[0].saturatedFractions, [nil, nil], activation)
            let expected = try recompute(modelJSON: ModelFile.text(result.network), inputs: data.trainingInputs)
            XCTAssertEqual(result.curve[1].deadFractions, expected.map(\.dead), activation)
        }
    }

    /// The scan that stops once every unit was seen alive counts what the
    /// definition counts: units alive only in the last row, NaN, and dead ones.
    func testDeadFractionEqualsTheDefinition() {
        var generator = Generator(seed: 7)
        var unseen = [Int32](repeating: 0, count: 40)
        for trial in 0 ..< 200 {
            let rows = 1 + trial % 9, columns = 1 + (trial * 7) % 40
            var values = (0 ..< rows * columns).map { _ in generator.nextUniform() < 0.8 ? -generator.nextUniform() : generator.nextUniform() }
            if trial % 5 == 0 { values[values.count - 1] = .nan }
            if trial % 3 == 0 { for j in 0 ..< columns { values[(rows - 1) * columns + j] = j % 2 == 0 ? 0.25 : 0 } }
            let a = Matrix(rows: rows, columns: columns, elements: values)
            let dead = (0 ..< columns).filter { j in (0 ..< rows).allSatisfy { values[$0 * columns + j] <= 0 } }.count
            XCTAssertEqual(UnitState.deadFraction(.relu, a: a, unseen: &unseen), Double(dead) / Double(columns), "trial \(trial)")
        }
    }

    /// relu′(0) = 0 (PyTorch's choice): a unit that is exactly 0 on every sample is dead.
    func testReluAtExactlyZeroIsDead() {
        var unseen = [Int32](repeating: 0, count: 3)
        let a = Matrix([[0, 0.5, 0], [0, 0, 1e-300]])
        XCTAssertEqual(UnitState.deadFraction(.relu, a: a, unseen: &unseen), 1.0 / 3)
        XCTAssertEqual(UnitState.deadFraction(.relu, a: Matrix([[Double.nan]]), unseen: &unseen), 0, "relu′(NaN) = 1")
        XCTAssertEqual(UnitState.deadFraction(.zero, a: a, unseen: &unseen), 1)
        XCTAssertNil(UnitState.deadFraction(.softmax, a: a, unseen: &unseen))
        // σ′ = a(1 − a) < 0.0025 ⇔ a < 0.0025062… or a > 0.99749…; tanh′ = 1 − a² < 0.01 ⇔ |a| > 0.994987…
        XCTAssertEqual(UnitState.saturatedFraction(.sigmoid, a: Matrix([[0.5, 0.0025, 0.0026, 0.9975, 0.999]])), 3.0 / 5)
        XCTAssertEqual(UnitState.saturatedFraction(.tanh, a: Matrix([[0.99, -0.995, 0.9949, 1]])), 2.0 / 4)
        XCTAssertNil(UnitState.saturatedFraction(.relu, a: a))
    }

    /// A curve written before the dead and saturated columns reads with those unknown.
    func testCurvesWithoutTheUnitColumnsStillRead() throws {
        let legacy = """
            epoch,train_loss,validation_loss,train_accuracy,validation_accuracy,learning_rate,grad_norm_1,grad_norm_2
            0,0.7,0.71,0.5,0.5,,,
            1,0.6,0.65,0.6,0.55,0.1,0.3,0.2

            """
        let curve = try XCTUnwrap(CurveFile.parse(legacy, layers: 2))
        XCTAssertEqual(curve.map(\.trainLoss), [0.7, 0.6])
        XCTAssertEqual(curve[1].gradientNorms, [0.3, 0.2])
        XCTAssertEqual(curve[1].deadFractions, [])
        let rewritten = CurveFile.text(curve, layers: 2)
        XCTAssert(rewritten.hasPrefix(legacy.prefix { $0 != "\n" } + ",dead_1,dead_2,saturated_1,saturated_2\n"), rewritten)
        XCTAssert(rewritten.contains("\n1,0.6,0.65,0.6,0.55,0.1,0.3,0.2,,,,\n"), rewritten)
    }
}
