import Foundation
import XCTest
@testable import NeuralNetwork

final class NetworkTests: XCTestCase {
    let specs = [
        LayerSpec(units: 8, activation: .tanh, initializer: .xavierUniform),
        LayerSpec(units: 1, activation: .sigmoid, initializer: .xavierUniform),
    ]

    /// `predict` goes over blocks of 256 rows in a forward-only workspace: for
    /// any number of rows, its output has the bits of one training forward pass.
    func testPredictInBlocksIsOneForwardPass() throws {
        let shapes: [[LayerSpec]] = [
            [LayerSpec(units: 16, activation: .relu, initializer: .heUniform), LayerSpec(units: 16, activation: .relu, initializer: .heUniform),
             LayerSpec(units: 1, activation: .sigmoid, initializer: .xavierUniform)],
            [LayerSpec(units: 8, activation: .tanh, initializer: .xavierUniform), LayerSpec(units: 3, activation: .softmax, initializer: .xavierUniform)],
            specs,
        ]
        var generator = Generator(seed: 11)
        for (k, layers) in shapes.enumerated() {
            let network = try Network(inputs: 2, specs: layers, seed: k)
            for rows in [1, 255, 256, 257, 900, 3600] {
                let x = Matrix(rows: rows, columns: 2, elements: (0 ..< 2 * rows).map { _ in generator.nextNormal() * 2 })
                var workspace = Workspace(network: network, batchSize: rows)
                network.forward(x, in: &workspace)
                XCTAssertEqual(network.predict(x).elements.map(\.bitPattern), workspace.output.elements.map(\.bitPattern),
                               "network \(k), \(rows) rows")
            }
        }
    }

    func testSameSeedSameNetworkDifferentSeedDifferentNetwork() throws {
        let a = try Network(inputs: 2, specs: specs, seed: 4)
        let b = try Network(inputs: 2, specs: specs, seed: 4)
        let c = try Network(inputs: 2, specs: specs, seed: 5)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a.layers[0].weights, c.layers[0].weights)
        XCTAssertNotEqual(a.layers[1].weights, c.layers[1].weights)
    }

    /// A network learns XOR (full batch, Adam) to 100% accuracy from a fixed seed.
    func testLearnsXOR() throws {
        var network = try Network(inputs: 2, specs: specs, seed: 0)
        let x = Matrix([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = Matrix([[0], [1], [1], [0]])
        let adam = Optimizer.adam(Adam(learningRate: 0.05))
        var state = adam.makeState(for: network)
        var workspace = Workspace(network: network, batchSize: 4)
        var loss = Double.infinity
        for _ in 0 ..< 500 {
            network.forward(x, in: &workspace)
            loss = network.backward(targets: y, loss: .binaryCrossEntropy, in: &workspace)
            adam.update(&network, gradients: workspace.gradients, state: &state)
        }
        let prediction = network.predict(x)
        for row in 0 ..< 4 {
            XCTAssertEqual(prediction[row, 0] > 0.5 ? 1.0 : 0.0, y[row, 0], "sample \(x.row(row)): \(prediction[row, 0])")
        }
        XCTAssertLessThan(loss, 0.05)
    }

    /// Plain SGD on XOR too, a 2-4-1 sigmoid network with half squared error, as in a first course.
    func testLearnsXORWithPlainSGD() throws {
        var network = try Network(inputs: 2, specs: [
            LayerSpec(units: 4, activation: .sigmoid), LayerSpec(units: 1, activation: .sigmoid),
        ], seed: 1)
        let x = Matrix([[0, 0], [0, 1], [1, 0], [1, 1]])
        let y = Matrix([[0], [1], [1], [0]])
        let sgd = Optimizer.sgd(SGD(learningRate: 2, momentum: 0.9))
        var state = sgd.makeState(for: network)
        var workspace = Workspace(network: network, batchSize: 4)
        for _ in 0 ..< 2000 {
            network.forward(x, in: &workspace)
            network.backward(targets: y, loss: .halfSquaredError, in: &workspace)
            sgd.update(&network, gradients: workspace.gradients, state: &state)
        }
        let prediction = network.predict(x)
        for row in 0 ..< 4 {
            XCTAssertEqual(prediction[row, 0] > 0.5 ? 1.0 : 0.0, y[row, 0], "sample \(x.row(row)): \(prediction[row, 0])")
        }
    }

    func testGivenWeightsAreUsedExactlyAndBiasesStartAtZero() throws {
        let network = try Network(inputs: 2, specs: [
            LayerSpec(units: 2, activation: .relu, weights: [[0.1, 0.2], [0.3, 0.4]]),
            LayerSpec(units: 1, activation: .identity, bias: false, weights: [[1, -1]]),
        ], seed: 0)
        XCTAssertEqual(network.layers[0].weights, Matrix([[0.1, 0.2], [0.3, 0.4]]))
        XCTAssertEqual(network.layers[0].biases, [0, 0])
        XCTAssertNil(network.layers[1].biases)
        // z₁ = (0.1·1 + 0.2·2, 0.3·1 + 0.4·2) = (0.5, 1.1); ŷ = 0.5 − 1.1.
        XCTAssertEqual(network.predict(Matrix([[1, 2]]))[0, 0], -0.6, accuracy: 1e-15)
        XCTAssertEqual(network.parameterCount, 4 + 2 + 2)
    }

    func testShapeMistakesAreErrorsNotTraps() {
        func error(_ specs: [LayerSpec], inputs: Int = 2) -> NetworkError? {
            do {
                _ = try Network(inputs: inputs, specs: specs, seed: 0)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(error([LayerSpec(units: 2, activation: .relu, weights: [[1, 2, 3], [4, 5, 6]])])?.description,
                       "layer 1 needs weights of 2×2 (units × inputs), got 2×3")
        XCTAssertEqual(error([LayerSpec(units: 2, activation: .relu, weights: [[1, 2], [4]])])?.description,
                       "layer 1 needs weights of 2×2 (units × inputs), got 2 rows of different lengths")
        XCTAssertEqual(error([LayerSpec(units: 2, activation: .relu, biases: [1])])?.description,
                       "layer 1 needs 2 biases, got 1")
        XCTAssertEqual(error([LayerSpec(units: 1, activation: .relu, bias: false, biases: [1])])?.description,
                       "layer 1 has biases but \"bias\" is false")
        XCTAssertEqual(error([LayerSpec(units: 0, activation: .relu)])?.description, "layer 1 needs at least 1 unit, got 0")
        XCTAssertEqual(error([])?.description, "a network needs at least one layer")
        XCTAssertEqual(error([LayerSpec(units: 1, activation: .relu)], inputs: 0)?.description, "a network needs at least 1 input, got 0")
    }

    /// A workspace reused across steps gives the same gradients as a fresh one.
    func testWorkspaceReuseGivesTheSameGradients() throws {
        let network = try Network(inputs: 2, specs: specs, seed: 2)
        let x1 = Matrix([[0.3, -0.2], [1, 2]]), x2 = Matrix([[-1, 0.5], [0.1, 0.1]])
        let y = Matrix([[1], [0]])
        var reused = Workspace(network: network, batchSize: 2)
        network.forward(x1, in: &reused)
        network.backward(targets: y, loss: .binaryCrossEntropy, in: &reused)
        network.forward(x2, in: &reused)
        network.backward(targets: y, loss: .binaryCrossEntropy, in: &reused)
        var fresh = Workspace(network: network, batchSize: 2)
        network.forward(x2, in: &fresh)
        network.backward(targets: y, loss: .binaryCrossEntropy, in: &fresh)
        XCTAssertEqual(reused.gradients, fresh.gradients)
        XCTAssertEqual(reused.weightGradientNorms, fresh.weightGradientNorms)
        XCTAssertEqual(fresh.weightGradientNorms[1], fresh.gradients[1].weights.frobeniusNorm)
    }

    /// A workspace that does not keep the relu layers' z (the trainer's) gives
    /// the same outputs, loss and gradients, bit for bit, as one that does:
    /// relu′ is read off a. Hidden relu among other activations, a relu
    /// output layer (whose z the loss needs and which is kept), and units at
    /// z ≤ 0, which the test makes sure occur.
    func testDroppingTheReluPreactivationsChangesNoBit() throws {
        var generator = Generator(seed: 8)
        let networks = [
            try Network(inputs: 5, specs: [LayerSpec(units: 9, activation: .relu), LayerSpec(units: 17, activation: .tanh),
                                           LayerSpec(units: 12, activation: .relu), LayerSpec(units: 3, activation: .softmax)], seed: 1),
            try Network(inputs: 5, specs: [LayerSpec(units: 20, activation: .relu), LayerSpec(units: 3, activation: .relu)], seed: 2),
        ]
        for (index, network) in networks.enumerated() {
            let rows = 13
            let x = Matrix(rows: rows, columns: 5, elements: (0 ..< rows * 5).map { _ in 2 * generator.nextNormal() })
            var y = Matrix(rows: rows, columns: 3)
            for row in 0 ..< rows { y[row, row % 3] = 1 }
            let loss: Loss = index == 0 ? .crossEntropy : .mse
            var keeping = Workspace(network: network, batchSize: rows)
            var dropping = Workspace(network: network, batchSize: rows, keepingReluPreactivations: false)
            network.forward(x, in: &keeping)
            network.forward(x, in: &dropping)
            XCTAssertEqual(network.backward(targets: y, loss: loss, in: &keeping),
                           network.backward(targets: y, loss: loss, in: &dropping))
            XCTAssertEqual(keeping.a, dropping.a)
            XCTAssertEqual(keeping.delta, dropping.delta)
            XCTAssertEqual(keeping.gradients, dropping.gradients)
            XCTAssertEqual(dropping.z[0].rows, 0, "a hidden relu layer's z is not kept")
            XCTAssertTrue(keeping.z[0].elements.contains { $0 <= 0 } && keeping.z[0].elements.contains { $0 > 0 })
            XCTAssertEqual(dropping.z[network.layers.count - 1], keeping.z[network.layers.count - 1])
        }
    }
}

final class InitializerTests: XCTestCase {
    func testBoundsAndSpreadsFollowTheirFormulas() {
        var g = Generator(seed: 0)
        let units = 200, inputs = 300
        let xavierLimit = (6.0 / Double(units + inputs)).squareRoot()
        let xu = Initializer.xavierUniform.weights(units: units, inputs: inputs, generator: &g)
        XCTAssert(xu.elements.allSatisfy { abs($0) < xavierLimit })
        XCTAssertEqual(standardDeviation(xu), xavierLimit / 3.0.squareRoot(), accuracy: 0.002)
        let heLimit = (6.0 / Double(inputs)).squareRoot()
        let hu = Initializer.heUniform.weights(units: units, inputs: inputs, generator: &g)
        XCTAssert(hu.elements.allSatisfy { abs($0) < heLimit })
        XCTAssertEqual(standardDeviation(Initializer.xavierNormal.weights(units: units, inputs: inputs, generator: &g)),
                       (2.0 / Double(units + inputs)).squareRoot(), accuracy: 0.002)
        XCTAssertEqual(standardDeviation(Initializer.heNormal.weights(units: units, inputs: inputs, generator: &g)),
                       (2.0 / Double(inputs)).squareRoot(), accuracy: 0.002)
        XCTAssertEqual(standardDeviation(Initializer.normal(std: 0.3).weights(units: units, inputs: inputs, generator: &g)),
                       0.3, accuracy: 0.005)
        XCTAssert(Initializer.uniform(limit: 0.2).weights(units: 10, inputs: 10, generator: &g).elements.allSatisfy { abs($0) < 0.2 })
        XCTAssertEqual(Initializer.zeros.weights(units: 2, inputs: 3, generator: &g), Matrix(rows: 2, columns: 3))
        XCTAssertEqual(Initializer.constant(value: 0.7).weights(units: 2, inputs: 1, generator: &g), Matrix([[0.7], [0.7]]))
    }

    private func standardDeviation(_ m: Matrix) -> Double {
        let n = Double(m.elements.count)
        let mean = m.elements.reduce(0, +) / n
        return (m.elements.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    }
}
