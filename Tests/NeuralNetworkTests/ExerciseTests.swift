import Foundation
import XCTest
@testable import NeuralNetwork

/// The backprop exercise of SPEC §9, solved by hand: one input x = 3 with target
/// t = 1, a relu neuron without bias (w₁ = 0.01), then a sigmoid neuron
/// (w₂ = −5, b = −1), loss C = ½(y − t)².
///
///     z₁ = w₁x = 0.03,   a₁ = relu(z₁) = 0.03
///     z₂ = w₂a₁ + b = −1.15,   y = σ(z₂)
///     δ₂ = (y − t)·σ(z₂)(1 − σ(z₂)),   δ₁ = w₂δ₂·relu′(z₁) = w₂δ₂
///     ∂C/∂w₂ = a₁δ₂,   ∂C/∂b = δ₂,   ∂C/∂w₁ = xδ₁
final class ExerciseTests: XCTestCase {
    let x = 3.0, t = 1.0, w1 = 0.01, w2 = -5.0, b = -1.0

    func exerciseNetwork() throws -> Network {
        try Network(inputs: 1, specs: [
            LayerSpec(units: 1, activation: .relu, bias: false, weights: [[w1]]),
            LayerSpec(units: 1, activation: .sigmoid, weights: [[w2]], biases: [b]),
        ], seed: 0)
    }

    func testGradientsMatchTheHandCalculation() throws {
        let network = try exerciseNetwork()
        var workspace = Workspace(network: network, batchSize: 1)
        network.forward(Matrix([[x]]), in: &workspace)
        let loss = network.backward(targets: Matrix([[t]]), loss: .halfSquaredError, in: &workspace)

        // The closed form above.
        let z1 = w1 * x, a1 = max(0, z1)
        let z2 = w2 * a1 + b
        let y = 1 / (1 + exp(-z2))
        let delta2 = (y - t) * y * (1 - y)
        let delta1 = w2 * delta2
        XCTAssertEqual(workspace.z[0][0, 0], z1, accuracy: 1e-15)
        XCTAssertEqual(workspace.z[1][0, 0], -1.15, accuracy: 1e-15)
        XCTAssertEqual(workspace.output[0, 0], y, accuracy: 1e-15)
        XCTAssertEqual(loss, 0.5 * (y - t) * (y - t), accuracy: 1e-15)
        XCTAssertEqual(workspace.delta[1][0, 0], delta2, accuracy: 1e-12)
        XCTAssertEqual(workspace.delta[0][0, 0], delta1, accuracy: 1e-12)

        let dw1 = workspace.gradients[0].weights[0, 0]
        let dw2 = workspace.gradients[1].weights[0, 0]
        let db = workspace.gradients[1].biases![0]
        XCTAssertEqual(dw1, x * delta1, accuracy: 1e-9)
        XCTAssertEqual(dw2, a1 * delta2, accuracy: 1e-9)
        XCTAssertEqual(db, delta2, accuracy: 1e-9)
        // The answers as a hand calculation gives them.
        XCTAssertEqual(dw1, 2.081, accuracy: 0.0005)
        XCTAssertEqual(dw2, -0.004, accuracy: 0.0005)
        XCTAssertEqual(db, -0.139, accuracy: 0.0005)
        XCTAssertNil(workspace.gradients[0].biases)
        // PyTorch 2.15, float64 (Tests/References/pytorch_reference.py).
        XCTAssertEqual(dw1, 2.080916562170455, accuracy: 1e-14)
        XCTAssertEqual(dw2, -0.004161833124340909, accuracy: 1e-16)
        XCTAssertEqual(db, -0.13872777081136364, accuracy: 1e-15)
    }

    /// One SGD step with η = 0.1: w₁ ← w₁ − η ∂C/∂w₁ = 0.01 − 0.2081 ≈ −0.198.
    func testSGDUpdateOfW1() throws {
        var network = try exerciseNetwork()
        var workspace = Workspace(network: network, batchSize: 1)
        network.forward(Matrix([[x]]), in: &workspace)
        network.backward(targets: Matrix([[t]]), loss: .halfSquaredError, in: &workspace)
        let gradient = workspace.gradients[0].weights[0, 0]
        let sgd = Optimizer.sgd(SGD(learningRate: 0.1))
        var state = sgd.makeState(for: network)
        sgd.update(&network, gradients: workspace.gradients, state: &state)
        XCTAssertEqual(network.layers[0].weights[0, 0], w1 - 0.1 * gradient, accuracy: 1e-15)
        XCTAssertEqual(network.layers[0].weights[0, 0], -0.198, accuracy: 0.0005)
        XCTAssertEqual(network.layers[1].weights[0, 0], w2 - 0.1 * workspace.gradients[1].weights[0, 0], accuracy: 1e-15)
        XCTAssertEqual(network.layers[1].biases![0], b - 0.1 * workspace.gradients[1].biases![0], accuracy: 1e-15)
    }
}
