import Foundation
import XCTest
@testable import NeuralNetwork

/// Three steps of each optimizer, with and without weight decay, on a linear
/// model ŷ = w·x + b with C = (1/N) Σₙ ½(ŷₙ − yₙ)², checked twice: against the
/// published update rules worked out here in scalar code, and against values
/// printed by PyTorch 2.15 in float64 (Tests/References/pytorch_reference.py).
final class OptimizerTests: XCTestCase {
    let x: [[Double]] = [[1, 2], [-1, 0.5]]
    let y: [Double] = [1, -2]
    let initial: [Double] = [0.5, -0.3, 0.1]  // w₁, w₂, b

    // MARK: - Against the published rules

    func testSGD() {
        for lambda in [0, 0.1] {
            let expected = reference(steps: 3) { theta, g, _ in
                // θ ← θ − η(g + λθ)
                for i in theta.indices { theta[i] -= 0.1 * (g[i] + lambda * theta[i]) }
            }
            assertTrajectory(.sgd(SGD(learningRate: 0.1, weightDecay: lambda)), expected, "sgd λ=\(lambda)")
        }
    }

    func testMomentum() {
        for lambda in [0, 0.1] {
            var b = [Double](repeating: 0, count: 3)
            let expected = reference(steps: 3) { theta, g, t in
                // b ← g at t = 1, else μb + g;  θ ← θ − ηb   (g including λθ)
                for i in theta.indices {
                    let gi = g[i] + lambda * theta[i]
                    b[i] = t == 1 ? gi : 0.9 * b[i] + gi
                    theta[i] -= 0.1 * b[i]
                }
            }
            assertTrajectory(.sgd(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: lambda)), expected, "momentum λ=\(lambda)")
        }
    }

    func testNesterov() {
        for lambda in [0, 0.1] {
            var b = [Double](repeating: 0, count: 3)
            let expected = reference(steps: 3) { theta, g, t in
                // b ← g at t = 1, else μb + g;  θ ← θ − η(g + μb)
                for i in theta.indices {
                    let gi = g[i] + lambda * theta[i]
                    b[i] = t == 1 ? gi : 0.9 * b[i] + gi
                    theta[i] -= 0.1 * (gi + 0.9 * b[i])
                }
            }
            assertTrajectory(.sgd(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: lambda)),
                             expected, "nesterov λ=\(lambda)")
        }
    }

    func testAdam() {
        for lambda in [0, 0.1] {
            var m = [Double](repeating: 0, count: 3), v = m
            let expected = reference(steps: 3) { theta, g, t in
                // m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  m̂ = m/(1−β₁ᵗ);  v̂ = v/(1−β₂ᵗ);  θ ← θ − η m̂/(√v̂ + ε)
                for i in theta.indices {
                    let gi = g[i] + lambda * theta[i]
                    m[i] = 0.9 * m[i] + 0.1 * gi
                    v[i] = 0.999 * v[i] + 0.001 * gi * gi
                    let mHat = m[i] / (1 - pow(0.9, Double(t)))
                    let vHat = v[i] / (1 - pow(0.999, Double(t)))
                    theta[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
                }
            }
            assertTrajectory(.adam(Adam(learningRate: 0.1, weightDecay: lambda)), expected, "adam λ=\(lambda)")
        }
    }

    // MARK: - Against PyTorch

    func testMatchesPyTorch() {
        let cases: [(String, Optimizer, [Double])] = [
            ("sgd", .sgd(SGD(learningRate: 0.1)), [0.819603515625, -0.1622900390625, 0.018405859375000007]),
            ("momentum", .sgd(SGD(learningRate: 0.1, momentum: 0.9)), [1.108672265625, -0.03176191406249999, -0.050612890625000004]),
            ("nesterov", .sgd(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true)),
             [1.271061919921875, -0.02124839355468747, -0.139635866796875]),
            ("adam", .adam(Adam(learningRate: 0.1)), [0.7972642645891677, -0.007626023053205339, -0.2004934953045252]),
            ("sgd λ", .sgd(SGD(learningRate: 0.1, weightDecay: 0.1)), [0.802233203125, -0.1552542078125, 0.015448071874999999]),
            ("momentum λ", .sgd(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)),
             [1.0766319531250002, -0.018345082812499962, -0.056252678125]),
            ("nesterov λ", .sgd(SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1)),
             [1.220561046484375, -0.005205082010937502, -0.14712857125937498]),
            ("adam λ", .adam(Adam(learningRate: 0.1, weightDecay: 0.1)),
             [0.7967899462090604, -0.007834413057292822, -0.20039436312620787]),
        ]
        for (name, optimizer, afterThreeSteps) in cases {
            let trajectory = train(optimizer, steps: 3)
            for (value, torch) in zip(trajectory[2], afterThreeSteps) {
                XCTAssertEqual(value, torch, accuracy: 1e-14 * max(1, abs(torch)), "\(name): \(trajectory[2]) vs PyTorch \(afterThreeSteps)")
            }
        }
    }

    /// Adam's first step moves every parameter by almost exactly η, whatever its gradient (m̂/√v̂ = ±1).
    func testAdamFirstStepIsTheLearningRate() {
        let first = train(.adam(Adam(learningRate: 0.1)), steps: 1)[0]
        for (after, before) in zip(first, initial) {
            XCTAssertEqual(abs(after - before), 0.1, accuracy: 1e-7)
        }
    }

    func testStateHoldsTheStepCountAndBuffers() throws {
        var network = linearNetwork()
        let sgd = Optimizer.sgd(SGD(learningRate: 0.1))
        XCTAssertEqual(sgd.makeState(for: network).first.count, 0)
        let adam = Optimizer.adam(Adam())
        var state = adam.makeState(for: network)
        XCTAssertEqual(state.first.count, 1)
        XCTAssertEqual(state.second.count, 1)
        var workspace = Workspace(network: network, batchSize: 2)
        network.forward(Matrix(x), in: &workspace)
        network.backward(targets: Matrix(y.map { [$0] }), loss: .halfSquaredError, in: &workspace)
        adam.update(&network, gradients: workspace.gradients, state: &state)
        XCTAssertEqual(state.step, 1)
        // m = (1 − β₁)g after one step.
        XCTAssertEqual(state.first[0].weights.elements[0], 0.1 * workspace.gradients[0].weights.elements[0], accuracy: 1e-15)
    }

    // MARK: - Helpers

    private func linearNetwork() -> Network {
        Network(inputs: 2, layers: [DenseLayer(weights: Matrix([[initial[0], initial[1]]]), biases: [initial[2]], activation: .identity)])
    }

    /// (w₁, w₂, b) after each of `steps` steps of the library's optimizer.
    private func train(_ optimizer: Optimizer, steps: Int) -> [[Double]] {
        var network = linearNetwork()
        var state = optimizer.makeState(for: network)
        var workspace = Workspace(network: network, batchSize: 2)
        var trajectory: [[Double]] = []
        for _ in 0 ..< steps {
            network.forward(Matrix(x), in: &workspace)
            network.backward(targets: Matrix(y.map { [$0] }), loss: .halfSquaredError, in: &workspace)
            optimizer.update(&network, gradients: workspace.gradients, state: &state)
            trajectory.append(network.layers[0].weights.elements + network.layers[0].biases!)
        }
        return trajectory
    }

    /// (w₁, w₂, b) after each step of `rule`, given the closed-form gradient
    /// ∂C/∂w = (1/N) Σₙ (ŷₙ − yₙ) xₙ, ∂C/∂b = (1/N) Σₙ (ŷₙ − yₙ) and the step number t.
    private func reference(steps: Int, rule: (inout [Double], [Double], Int) -> Void) -> [[Double]] {
        var theta = initial
        var trajectory: [[Double]] = []
        for t in 1 ... steps {
            var g = [0.0, 0.0, 0.0]
            for (xn, yn) in zip(x, y) {
                let error = theta[0] * xn[0] + theta[1] * xn[1] + theta[2] - yn
                g[0] += error * xn[0] / 2
                g[1] += error * xn[1] / 2
                g[2] += error / 2
            }
            rule(&theta, g, t)
            trajectory.append(theta)
        }
        return trajectory
    }

    private func assertTrajectory(_ optimizer: Optimizer, _ expected: [[Double]], _ name: String,
                                  file: StaticString = #filePath, line: UInt = #line) {
        let actual = train(optimizer, steps: expected.count)
        for (step, (a, e)) in zip(actual, expected).enumerated() {
            for (value, reference) in zip(a, e) {
                XCTAssertEqual(value, reference, accuracy: 1e-12 * max(1, abs(reference)),
                               "\(name) step \(step + 1): \(a) vs rule \(e)", file: file, line: line)
            }
        }
    }
}
