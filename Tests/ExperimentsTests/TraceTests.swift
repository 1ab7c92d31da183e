import Foundation
import XCTest
@testable import Experiments
import NeuralNetwork

/// `nnlab trace` solves steps the way a backprop exercise is solved on paper;
/// these are the exercises of SPEC §9, checked against hand calculations.
final class TraceTests: XCTestCase {
    var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func trace(_ file: String, steps: Int = 1, sample: Int? = nil) throws -> (RunConfig, [TraceStep]) {
        let run = try ExperimentLoader.load(path: packageRoot.appendingPathComponent(file).path).runs[0]
        let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
        return (run, Tracer.trace(run, data: data, steps: steps, sample: sample))
    }

    func trace(text: String, steps: Int) throws -> [TraceStep] {
        let run = try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".").runs[0]
        let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
        return Tracer.trace(run, data: data, steps: steps)
    }

    /// The two-layer sigmoid exercise (Mazur's network, loss (ŷ − y)² summed over
    /// the outputs, η = 0.5), worked by hand:
    ///
    ///     h = σ(W¹x + b¹),  ŷ = σ(W²h + b²),  C = Σₖ (ŷₖ − yₖ)²
    ///     δ² = 2(ŷ − y) ⊙ ŷ(1 − ŷ),   δ¹ = (W²ᵀδ²) ⊙ h(1 − h)
    ///     ∂C/∂W² = δ² hᵀ,  ∂C/∂W¹ = δ¹ xᵀ,  W ← W − η ∂C/∂W
    func testTheTwoLayerExercise() throws {
        let (_, steps) = try trace("experiments/exercise-two-layer.json")
        let step = try XCTUnwrap(steps.first)
        let x = [0.05, 0.10], y = [0.01, 0.99]
        let w1 = [[0.15, 0.20], [0.25, 0.30]], b1 = 0.35, w2 = [[0.40, 0.45], [0.50, 0.55]], b2 = 0.60
        func sigma(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
        var h = [0.0, 0.0], out = [0.0, 0.0], delta2 = [0.0, 0.0], delta1 = [0.0, 0.0]
        var loss = 0.0
        for j in 0 ..< 2 {
            let z: Double = w1[j][0] * x[0] + w1[j][1] * x[1] + b1
            h[j] = sigma(z)
        }
        for k in 0 ..< 2 {
            let z: Double = w2[k][0] * h[0] + w2[k][1] * h[1] + b2
            out[k] = sigma(z)
            let error: Double = out[k] - y[k]
            loss += error * error
            delta2[k] = 2 * error * out[k] * (1 - out[k])
        }
        for j in 0 ..< 2 {
            let back: Double = w2[0][j] * delta2[0] + w2[1][j] * delta2[1]
            delta1[j] = back * h[j] * (1 - h[j])
        }

        // Mazur's published values (his loss is half ours): out = 0.75136507, 0.772928465; E = 0.298371109.
        XCTAssertEqual(out[0], 0.75136507, accuracy: 5e-9)
        XCTAssertEqual(out[1], 0.772928465, accuracy: 5e-10)
        XCTAssertEqual(step.loss, 2 * 0.298371109, accuracy: 2e-9)
        XCTAssertEqual(step.loss, loss, accuracy: 1e-15)
        for j in 0 ..< 2 {
            XCTAssertEqual(step.a[0][0, j], h[j], accuracy: 1e-15)
            XCTAssertEqual(step.output[0, j], out[j], accuracy: 1e-15)
            XCTAssertEqual(step.delta[1][0, j], delta2[j], accuracy: 1e-15)
            XCTAssertEqual(step.delta[0][0, j], delta1[j], accuracy: 1e-15)
            for k in 0 ..< 2 {
                XCTAssertEqual(step.gradients[1].weights[j, k], delta2[j] * h[k], accuracy: 1e-15)
                XCTAssertEqual(step.gradients[0].weights[j, k], delta1[j] * x[k], accuracy: 1e-15)
                XCTAssertEqual(step.after.layers[1].weights[j, k], w2[j][k] - 0.5 * delta2[j] * h[k], accuracy: 1e-15)
                XCTAssertEqual(step.after.layers[0].weights[j, k], w1[j][k] - 0.5 * delta1[j] * x[k], accuracy: 1e-15)
            }
        }
        // Mazur: ∂E/∂w5 = 0.082167041 for his ½ loss, so w5 = 0.4 − 0.5 · 2 · 0.082167041 here.
        XCTAssertEqual(step.gradients[1].weights[0, 0], 2 * 0.082167041, accuracy: 2e-9)
        XCTAssertEqual(step.after.layers[1].weights[0, 0], 0.4 - 0.5 * 2 * 0.082167041, accuracy: 1e-9)
        // Mazur: ∂E/∂w1 = 0.000438568, so w1 = 0.15 − 0.5 · 2 · 0.000438568.
        XCTAssertEqual(step.gradients[0].weights[0, 0], 2 * 0.000438568, accuracy: 2e-9)
    }

    /// With the constant-0 activation in the hidden layer nothing below the output
    /// biases gets a gradient: a¹ = 0 makes ∂C/∂W² = 0, f′ = 0 makes δ¹ = 0.
    func testTheZeroActivationExercise() throws {
        let (run, steps) = try trace("experiments/exercise-zero-activation.json")
        let step = try XCTUnwrap(steps.first)
        XCTAssertEqual(step.a[0], Matrix([[0, 0]]))
        XCTAssertEqual(step.delta[0], Matrix([[0, 0]]))
        XCTAssertEqual(step.gradients[0].weights, Matrix(rows: 2, columns: 2))
        XCTAssertEqual(step.gradients[1].weights, Matrix(rows: 2, columns: 2))
        XCTAssertEqual(step.after.layers[0], step.before.layers[0])
        XCTAssertEqual(step.after.layers[1].weights, step.before.layers[1].weights)
        // ŷ = σ(b²) = σ(0.6) for both outputs; δ²ₖ = 2(ŷ − yₖ) ŷ(1 − ŷ); b² ← b² − η δ².
        let out = 1 / (1 + exp(-0.6))
        for (k, y) in [0.01, 0.99].enumerated() {
            let delta = 2 * (out - y) * out * (1 - out)
            XCTAssertEqual(step.after.layers[1].biases![k], 0.6 - 0.5 * delta, accuracy: 1e-15)
        }
        XCTAssertEqual(run.model.layers[0].activation, .zero)
    }

    /// Three traced steps with momentum and with Adam land where OptimizerTests'
    /// PyTorch values do (the same linear problem, full batch, no shuffle).
    func testThreeStepsOfMomentumAndAdamMatchPyTorch() throws {
        let problem = """
            {"name": "p", "data": {"source": "inline", "inputs": [[1, 2], [-1, 0.5]], "targets": [[1], [-2]]},
             "model": {"inputs": 2, "layers": [{"units": 1, "activation": "identity", "weights": [[0.5, -0.3]], "biases": [0.1]}]},
             "loss": "half_squared_error", "optimizer": OPTIMIZER, "training": {"epochs": 3, "batch_size": "full", "shuffle": false}}
            """
        let cases: [(String, [Double])] = [
            (#"{"name": "momentum", "learning_rate": 0.1, "momentum": 0.9}"#, [1.108672265625, -0.03176191406249999, -0.050612890625000004]),
            (#"{"name": "adam", "learning_rate": 0.1}"#, [0.7972642645891677, -0.007626023053205339, -0.2004934953045252]),
        ]
        for (optimizer, torch) in cases {
            let steps = try trace(text: problem.replacingOccurrences(of: "OPTIMIZER", with: optimizer), steps: 3)
            let last = steps[2].after.layers[0]
            let values = last.weights.elements + last.biases!
            for (value, expected) in zip(values, torch) {
                XCTAssertEqual(value, expected, accuracy: 1e-14, optimizer)
            }
            XCTAssertEqual(steps[2].state.step, 3)
            XCTAssertEqual(steps.map(\.samples), [[0, 1], [0, 1], [0, 1]])
        }
    }

    /// Without --sample, steps follow the trainer's batches: the same shuffle, the last partial batch kept.
    func testStepsFollowTheTrainersBatches() throws {
        let text = """
            {"name": "b", "data": {"source": "xor"}, "model": {"hidden": [3]}, "loss": "mse",
             "optimizer": {"name": "sgd", "learning_rate": 0.5}, "training": {"epochs": 2, "batch_size": 3}, "seeds": [4]}
            """
        let steps = try trace(text: text, steps: 4)
        XCTAssertEqual(steps.map(\.samples.count), [3, 1, 3, 1])
        XCTAssertEqual(Set(steps[0].samples + steps[1].samples), [0, 1, 2, 3])
        let run = try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".").runs[0]
        let data = try run.data.prepare(outputs: 1, cache: CSVCache())
        let trained = try XCTUnwrap(Trainer.train(run, data: data))
        XCTAssertEqual(steps[3].after, trained.network, "four traced steps are the trainer's two epochs")
    }

    func testTextNamesTheFormulas() throws {
        let (run, steps) = try trace("experiments/backprop-exercise.json")
        let text = TraceText.render(run, steps: steps)
        for formula in ["δ² = ∇ₐC ⊙ f′(z²)", "δ¹ = ((W²)ᵀ δ²) ⊙ f′(z¹)", "∂C/∂W¹ = δ¹ (a⁰)ᵀ, ∂C/∂w¹ⱼₖ = a⁰ₖ δ¹ⱼ",
                        "θ ← θ − η g", "W¹ ← W¹ − η g = [ -0.1980916562 ]", "∂C/∂W¹ = δ¹ (a⁰)ᵀ, ∂C/∂w¹ⱼₖ = a⁰ₖ δ¹ⱼ = [ 2.080916562 ]",
                        "∂C/∂b² = δ² = [ -0.1387277708 ]", "loss C = ½(ŷ − y)² = 0.2884284165"] {
            XCTAssert(text.contains(formula), "\(formula) in\n\(text)")
        }
    }

    /// The factors of δ, each against the hand calculation of ExerciseTests:
    /// ∇ₐC = ŷ − t for C = ½(ŷ − t)², f′(z²) = ŷ(1 − ŷ), (W²)ᵀδ² = w₂δ², f′(z¹) = relu′(0.03) = 1.
    func testTheExercisesFactorsOfDelta() throws {
        let (run, steps) = try trace("experiments/backprop-exercise.json")
        let step = try XCTUnwrap(steps.first)
        let t = 1.0, w2 = -5.0
        let y = 1 / (1 + exp(1.15))  // σ(z²), z² = w₂ · relu(0.01 · 3) − 1 = −1.15
        XCTAssertEqual(step.outputGradient[0, 0], y - t, accuracy: 1e-15)
        XCTAssertEqual(step.activationDerivatives[1][0, 0], y * (1 - y), accuracy: 1e-15)
        XCTAssertEqual(step.activationDerivatives[0][0, 0], 1)
        let delta2 = (y - t) * y * (1 - y)
        XCTAssertNil(step.backpropagated[1])
        XCTAssertEqual(try XCTUnwrap(step.backpropagated[0])[0, 0], w2 * delta2, accuracy: 1e-15)
        XCTAssertEqual(step.delta[1][0, 0], step.outputGradient[0, 0] * step.activationDerivatives[1][0, 0], accuracy: 1e-16)
        let text = TraceText.render(run, steps: steps)
        for line in ["∇ₐC = ∂C/∂ŷ = ŷ − y = [ -0.7595109169 ]", "f′(z²) = a² ⊙ (1 − a²) = [ 0.182654084 ]",
                     "(W²)ᵀ δ² = [ 0.6936388541 ]", "f′(z¹) = 1 where z¹ > 0, else 0 = [ 1 ]",
                     "K = 1 output", "δˡ = ∂C/∂zˡ", "⊙ and ⊘ multiply and divide element by element"] {
            XCTAssert(text.contains(line), "\(line) in\n\(text)")
        }
        // The factors come before their product.
        let factor = try XCTUnwrap(text.range(of: "(W²)ᵀ δ² = ")), product = try XCTUnwrap(text.range(of: "δ¹ = ((W²)ᵀ δ²) ⊙ f′(z¹) = "))
        XCTAssertLessThan(factor.lowerBound, product.lowerBound)
    }

    /// Mazur's two-layer network: ∇ₐC = 2(ŷ − y), f′ = a(1 − a) and (W²)ᵀδ² by hand.
    func testTheTwoLayerExercisesFactors() throws {
        let (_, steps) = try trace("experiments/exercise-two-layer.json")
        let step = try XCTUnwrap(steps.first)
        let y = [0.01, 0.99], w2 = [[0.40, 0.45], [0.50, 0.55]]
        for k in 0 ..< 2 {
            let out = step.output[0, k], h = step.a[0][0, k]
            XCTAssertEqual(step.outputGradient[0, k], 2 * (out - y[k]), accuracy: 1e-15)
            XCTAssertEqual(step.activationDerivatives[1][0, k], out * (1 - out), accuracy: 1e-15)
            XCTAssertEqual(step.activationDerivatives[0][0, k], h * (1 - h), accuracy: 1e-15)
            let back = w2[0][k] * step.delta[1][0, 0] + w2[1][k] * step.delta[1][0, 1]
            XCTAssertEqual(try XCTUnwrap(step.backpropagated[0])[0, k], back, accuracy: 1e-15)
            XCTAssertEqual(step.delta[0][0, k], back * h * (1 - h), accuracy: 1e-15)
        }
    }

    /// Sigmoid with binary cross-entropy and softmax with cross-entropy: the
    /// factors multiply to the fused δᴸ = ŷ − y, and the text says so.
    func testTheCrossEntropiesSimplify() throws {
        let bce = """
            {"name": "b", "data": {"source": "inline", "inputs": [[1, 2], [-1, 0.5], [0.3, 0.3]], "labels": [1, 0, 1]},
             "model": {"hidden": [3], "activation": "tanh", "init": {"name": "normal", "std": 1}}, "loss": "binary_cross_entropy",
             "optimizer": {"name": "sgd", "learning_rate": 0.1}, "training": {"epochs": 1, "batch_size": "full"}}
            """
        let ce = bce.replacingOccurrences(of: "[1, 0, 1]", with: "[2, 0, 1]").replacingOccurrences(of: "binary_cross_entropy", with: "cross_entropy")
        for text in [bce, ce] {
            let run = try ExperimentLoader.load(data: Data(text.utf8), file: "t.json", baseDirectory: ".").runs[0]
            let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
            let step = try XCTUnwrap(Tracer.trace(run, data: data, steps: 1).first)
            let k = step.output.columns, f = step.activationDerivatives[1], g = step.outputGradient
            for n in 0 ..< 3 {
                for j in 0 ..< k {
                    // δⱼ = Σᵢ (∂aᵢ/∂zⱼ) gᵢ: the Jacobian for softmax, the diagonal f′ for sigmoid.
                    let product = k == 1 ? g[n, 0] * f[n, 0] : (0 ..< k).reduce(0.0) { $0 + f[n, $1 * k + j] * g[n, $1] }
                    XCTAssertEqual(product, step.delta[1][n, j], accuracy: 1e-14, run.loss.rawValue)
                    XCTAssertEqual(step.delta[1][n, j], step.output[n, j] - step.targets[n, j], accuracy: 1e-15)
                }
            }
            let rendered = TraceText.render(run, steps: [step])
            let note = k == 1 ? "(sigmoid with binary cross-entropy: f′(z²) = ŷ(1 − ŷ) cancels" : "(softmax with cross-entropy: the Jacobian"
            XCTAssert(rendered.contains(note), rendered)
            XCTAssert(rendered.contains(k == 1 ? "∇ₐC = ∂C/∂ŷ = (ŷ − y) ⊘ (ŷ ⊙ (1 − ŷ)) = " : "∇ₐC = ∂C/∂ŷ = −y ⊘ ŷ (0 where y = 0) = "), rendered)
        }
    }

    /// `check` gives every step a passing gradient check at its parameters before the update.
    func testCheckedStepsPass() throws {
        let (_, steps) = try trace("experiments/exercise-two-layer.json", steps: 2)
        XCTAssert(steps.allSatisfy { $0.gradientCheck == nil })
        let run = try ExperimentLoader.load(path: packageRoot.appendingPathComponent("experiments/exercise-two-layer.json").path).runs[0]
        let data = try run.data.prepare(outputs: run.model.outputs, cache: CSVCache())
        let checked = Tracer.trace(run, data: data, steps: 2, check: true)
        for step in checked {
            let check = try XCTUnwrap(step.gradientCheck)
            XCTAssert(check.passed)
            XCTAssertEqual(check.layers[0].weights[0, 0], step.gradients[0].weights[0, 0], accuracy: 1e-9)
        }
        XCTAssertNotEqual(checked[1].gradientCheck, checked[0].gradientCheck, "each step is checked at its own parameters")
    }
}
