import XCTest
@testable import NeuralNetwork

/// `GradientCheck`, the check `nnlab trace --check` prints: backprop's gradients
/// of held-out networks pass it, a gradient off by 0.1% fails it, and a step
/// across a relu kink is marked instead of counted.
final class FiniteDifferenceCheckTests: XCTestCase {
    func backprop(_ network: Network, _ x: Matrix, _ y: Matrix, _ loss: Loss) -> [LayerParameters] {
        var workspace = Workspace(network: network, batchSize: x.rows)
        network.forward(x, in: &workspace)
        network.backward(targets: y, loss: loss, in: &workspace)
        return workspace.gradients
    }

    func network(_ specs: [(Int, Activation)], inputs: Int, seed: Int) throws -> Network {
        try Network(inputs: inputs, specs: specs.map { LayerSpec(units: $0.0, activation: $0.1, initializer: .normal(std: 0.8)) }, seed: seed)
    }

    func testBackpropPassesOnHeldOutNetworks() throws {
        let x = Matrix([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7], [-0.2, 0.9, 1.3], [0.6, -0.5, -1.0]])
        let cases: [([(Int, Activation)], Loss, Matrix)] = [
            ([(5, .tanh), (4, .sigmoid), (1, .sigmoid)], .binaryCrossEntropy, Matrix([[1], [0], [1], [0]])),
            ([(6, .leakyRelu), (3, .softmax)], .crossEntropy, Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]])),
            ([(4, .sigmoid), (2, .identity)], .mse, Matrix([[0.5, -1], [2, 0.1], [0, 0], [1, 1]])),
            ([(3, .tanh), (2, .tanh)], .halfSquaredError, Matrix([[0.5, -0.4], [0.2, 0.1], [0, 0.9], [-0.3, 0.3]])),
        ]
        for (index, (specs, loss, y)) in cases.enumerated() {
            let net = try network(specs, inputs: 3, seed: 10 + index)
            let check = GradientCheck(network: net, inputs: x, targets: y, loss: loss, gradients: backprop(net, x, y, loss))
            XCTAssert(check.passed, "case \(index): largest relative error \(check.largestError)")
            XCTAssertLessThan(check.largestError, 1e-7, "case \(index)")
            XCTAssertEqual(check.kinks, 0)
            XCTAssertEqual(check.entries, net.parameterCount)
            var workspace = Workspace(network: net, batchSize: 4)
            XCTAssertEqual(check.loss, net.loss(loss, inputs: x, targets: y, in: &workspace))
        }
    }

    /// One gradient 0.1% off is caught, at its place, with its relative error.
    func testAWrongGradientFails() throws {
        let net = try network([(4, .tanh), (1, .sigmoid)], inputs: 3, seed: 3)
        let x = Matrix([[0.3, -1.2, 0.5], [1.1, 0.4, -0.7]]), y = Matrix([[1], [0]])
        var gradients = backprop(net, x, y, .binaryCrossEntropy)
        let right = gradients[0].weights[2, 1]
        XCTAssertGreaterThan(abs(right), 1e-2, "the entry altered should be well above the floor")
        gradients[0].weights[2, 1] = right * 1.001
        let check = GradientCheck(network: net, inputs: x, targets: y, loss: .binaryCrossEntropy, gradients: gradients)
        XCTAssertFalse(check.passed)
        XCTAssertEqual(check.largestError, 0.001 / 1.001, accuracy: 1e-6)
        XCTAssertEqual(check.layers[0].weightErrors[2, 1], check.largestError)
        XCTAssertEqual(check.layers[0].weights[2, 1], right, accuracy: 1e-8 * abs(right))
    }

    /// A relu unit whose z is 10⁻⁸ from its kink: the weights and bias that move
    /// it across 0 within the step are marked and not counted; the rest pass.
    func testAStepAcrossAReluKinkIsMarkedNotCounted() throws {
        let net = try Network(inputs: 1, specs: [
            LayerSpec(units: 2, activation: .relu, weights: [[1], [0.5]], biases: [-2 + 1e-8, 0.3]),
            LayerSpec(units: 1, activation: .identity, weights: [[1.5, -0.7]], biases: [0.1]),
        ], seed: 0)
        let x = Matrix([[2]]), y = Matrix([[3]])
        let check = GradientCheck(network: net, inputs: x, targets: y, loss: .halfSquaredError, gradients: backprop(net, x, y, .halfSquaredError))
        XCTAssertEqual(check.layers[0].weightKinks, [true, false])
        XCTAssertEqual(check.layers[0].biasKinks, [true, false])
        XCTAssertEqual(check.layers[1].weightKinks, [false, false])
        XCTAssertEqual(check.kinks, 2)
        XCTAssertGreaterThan(check.layers[0].weightErrors[0, 0], 0.1, "across the kink the two slopes differ")
        XCTAssert(check.passed, "\(check.largestError)")
    }

    /// A non-finite loss fails the check: nothing could be compared.
    func testANonFiniteLossFails() throws {
        let net = try Network(inputs: 1, specs: [LayerSpec(units: 1, activation: .identity, weights: [[1e300]])], seed: 0)
        let x = Matrix([[1e10]]), y = Matrix([[0]])
        let check = GradientCheck(network: net, inputs: x, targets: y, loss: .mse, gradients: backprop(net, x, y, .mse))
        XCTAssertFalse(check.loss.isFinite)
        XCTAssertFalse(check.passed)
    }
}
