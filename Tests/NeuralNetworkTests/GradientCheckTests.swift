import XCTest
@testable import NeuralNetwork

/// Backprop against central finite differences, (C(θ + h) − C(θ − h)) / 2h, for
/// every weight and bias, every output activation with every loss it may pair
/// with, every hidden activation, networks of 1–3 layers, batches of 1 and 5.
final class GradientCheckTests: XCTestCase {
    static let h = 1e-5
    static let tolerance = 1e-6
    private var worstRelativeError = 0.0

    func testEveryActivationWithEveryLossItPairsWith() throws {
        var checked = 0, seed = 0
        for output in Activation.allCases {
            for loss in Loss.allCases where loss.accepts(outputActivation: output) {
                for hidden in Activation.allCases where hidden.isAllowedInHiddenLayer {
                    for depth in 1 ... 3 {
                        if depth == 1 && hidden != .identity { continue }  // no hidden layer to vary
                        for batch in [1, 5] {
                            let context = "output \(output.rawValue), loss \(loss.rawValue), hidden \(hidden.rawValue), depth \(depth), batch \(batch)"
                            seed += 1
                            checked += try check(output: output, hidden: hidden, loss: loss, depth: depth, batch: batch,
                                                 seed: seed, context: context)
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 5_000)
        print("gradient check: \(checked) parameters, worst relative error \(worstRelativeError)")
    }

    /// Softmax with cross-entropy also for targets that are distributions, not one-hot.
    func testCrossEntropyWithSoftTargets() throws {
        var g = Generator(seed: 99)
        for depth in 1 ... 3 {
            let (network, x) = try smoothNetwork(output: .softmax, hidden: .tanh, depth: depth, batch: 5, outputs: 3, generator: &g)
            var y = Matrix(rows: 5, columns: 3)
            for row in 0 ..< 5 {
                let p = (0 ..< 3).map { _ in g.nextUniform(in: 0.1, 1) }
                let total = p.reduce(0, +)
                for j in 0 ..< 3 { y[row, j] = p[j] / total }
            }
            _ = compare(network, x, y, .crossEntropy, context: "soft targets, depth \(depth)")
        }
    }

    // MARK: - Helpers

    /// Builds a random network and batch, then compares every parameter's gradient; returns how many.
    private func check(output: Activation, hidden: Activation, loss: Loss, depth: Int, batch: Int,
                       seed: Int, context: String) throws -> Int {
        var g = Generator(seed: seed)
        let outputs = output == .softmax ? 3 : 1 + g.nextInt(below: 3)
        let (network, x) = try smoothNetwork(output: output, hidden: hidden, depth: depth, batch: batch, outputs: outputs, generator: &g)
        var y = Matrix(rows: batch, columns: outputs)
        for row in 0 ..< batch {
            switch loss {
            case .crossEntropy:
                y[row, g.nextInt(below: outputs)] = 1
            case .binaryCrossEntropy:
                for j in 0 ..< outputs { y[row, j] = g.nextInt(below: 2) == 0 ? g.nextUniform() : Double(g.nextInt(below: 2)) }
            default:
                for j in 0 ..< outputs { y[row, j] = g.nextNormal() }
            }
        }
        return compare(network, x, y, loss, context: context)
    }

    /// A random network whose relu and leaky_relu pre-activations all stay at least
    /// 10⁻³ away from the kink at 0, where the loss is not differentiable.
    private func smoothNetwork(output: Activation, hidden: Activation, depth: Int, batch: Int, outputs: Int,
                               generator g: inout Generator) throws -> (Network, Matrix) {
        let inputs = 1 + g.nextInt(below: 3)
        while true {
            var specs: [LayerSpec] = []
            for l in 1 ... depth {
                let isOutput = l == depth
                let units = isOutput ? outputs : 1 + g.nextInt(below: 4)
                specs.append(LayerSpec(units: units, activation: isOutput ? output : hidden,
                                       bias: g.nextInt(below: 4) != 0, initializer: .normal(std: 1)))
            }
            var network = try Network(inputs: inputs, specs: specs, generator: &g)
            for l in network.layers.indices where network.layers[l].biases != nil {
                network.layers[l].biases = network.layers[l].biases!.map { _ in g.nextNormal(mean: 0, standardDeviation: 0.5) }
            }
            let x = Matrix(rows: batch, columns: inputs, elements: (0 ..< batch * inputs).map { _ in g.nextNormal() })
            var workspace = Workspace(network: network, batchSize: batch)
            network.forward(x, in: &workspace)
            let nearKink = network.layers.indices.contains { l in
                [.relu, .leakyRelu].contains(network.layers[l].activation) && workspace.z[l].elements.contains { abs($0) < 1e-3 }
            }
            if !nearKink { return (network, x) }
        }
    }

    /// Compares backprop's gradients with central differences for every parameter.
    private func compare(_ network: Network, _ x: Matrix, _ y: Matrix, _ loss: Loss, context: String) -> Int {
        var workspace = Workspace(network: network, batchSize: x.rows)
        network.forward(x, in: &workspace)
        network.backward(targets: y, loss: loss, in: &workspace)
        let analytic = workspace.gradients
        var count = 0
        func lossAt(_ perturbed: Network) -> Double {
            var scratch = Workspace(network: perturbed, batchSize: x.rows)
            return perturbed.loss(loss, inputs: x, targets: y, in: &scratch)
        }
        for l in network.layers.indices {
            for i in network.layers[l].weights.elements.indices {
                var plus = network, minus = network
                plus.layers[l].weights.elements[i] += Self.h
                minus.layers[l].weights.elements[i] -= Self.h
                let numeric = (lossAt(plus) - lossAt(minus)) / (2 * Self.h)
                assertClose(analytic[l].weights.elements[i], numeric, "\(context): ∂C/∂W\(l + 1)[\(i)]")
                count += 1
            }
            for i in (network.layers[l].biases ?? []).indices {
                var plus = network, minus = network
                plus.layers[l].biases![i] += Self.h
                minus.layers[l].biases![i] -= Self.h
                let numeric = (lossAt(plus) - lossAt(minus)) / (2 * Self.h)
                assertClose(analytic[l].biases![i], numeric, "\(context): ∂C/∂b\(l + 1)[\(i)]")
                count += 1
            }
            XCTAssertEqual(analytic[l].biases == nil, network.layers[l].biases == nil, context)
        }
        return count
    }

    /// Relative error |a − n| / max(|a|, |n|, 10⁻³) below 10⁻⁶. For gradients
    /// smaller than 10⁻³ this is an absolute bound of 10⁻⁹: there the rounding of
    /// the differences (about ε·C/h ≈ 10⁻¹¹·C) would swamp a purely relative
    /// measure, while any real mistake in backprop is far larger than 10⁻⁹.
    private func assertClose(_ analytic: Double, _ numeric: Double, _ message: String) {
        let error = abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-3)
        worstRelativeError = max(worstRelativeError, error)
        XCTAssertLessThan(error, Self.tolerance, "\(message): analytic \(analytic), numeric \(numeric)")
    }
}
