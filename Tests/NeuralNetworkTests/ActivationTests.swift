import Foundation
import XCTest
@testable import NeuralNetwork

final class ActivationTests: XCTestCase {
    func testValuesAtAFewPoints() {
        XCTAssertEqual(Activation.identity.value(-2.5), -2.5)
        XCTAssertEqual(Activation.sigmoid.value(0), 0.5)
        XCTAssertEqual(Activation.tanh.value(0.5), tanh(0.5))
        XCTAssertEqual(Activation.relu.value(-3), 0)
        XCTAssertEqual(Activation.relu.value(3), 3)
        XCTAssertEqual(Activation.leakyRelu.value(-3), -0.03, accuracy: 1e-17)
        XCTAssertEqual(Activation.zero.value(7), 0)
    }

    /// Derivatives at the kinks follow PyTorch: relu′(0) = 0, leaky_relu′(0) = 0.01.
    func testDerivativesAtTheKinks() {
        XCTAssertEqual(Activation.relu.derivative(z: 0, a: 0), 0)
        XCTAssertEqual(Activation.leakyRelu.derivative(z: 0, a: 0), 0.01)
        XCTAssertEqual(Activation.zero.derivative(z: 5, a: 0), 0)
    }

    /// σ(z) never overflows: e⁻ᶻ is never formed for z < 0.
    func testSigmoidIsStableForLargeMagnitudes() {
        XCTAssertEqual(Activation.sigmoid(1000), 1)
        XCTAssertEqual(Activation.sigmoid(-1000), 0)
        XCTAssertEqual(Activation.sigmoid(-745), exp(-745) / (1 + exp(-745)))
        XCTAssertEqual(Activation.sigmoid(-30), 9.357622968839299e-14, accuracy: 1e-27)
        XCTAssertFalse(Activation.sigmoid(-.greatestFiniteMagnitude).isNaN)
    }

    func testSoftmaxRowsSumToOneAndSurviveHugeLogits() {
        let z = Matrix([[1, 2, 3], [1000, 1000, -1000], [-1e308, 0, 1e308]])
        var a = Matrix(rows: 3, columns: 3)
        Activation.softmax.apply(z, into: &a)
        for row in 0 ..< 3 {
            XCTAssertEqual(a.row(row).reduce(0, +), 1, accuracy: 1e-15)
            XCTAssertFalse(a.row(row).contains { $0.isNaN })
        }
        let e = [exp(-2.0), exp(-1.0), 1]
        for j in 0 ..< 3 { XCTAssertEqual(a[0, j], e[j] / e.reduce(0, +), accuracy: 1e-16) }
        XCTAssertEqual(a.row(1), [0.5, 0.5, 0])
        XCTAssertEqual(a.row(2), [0, 0, 1])
    }

    /// Softmax's δ is the Jacobian product; an all-equal ∂C/∂a gives δ = 0 (softmax is shift-invariant).
    func testSoftmaxBackpropagationOfAConstantGradientIsZero() {
        let z = Matrix([[0.3, -1.2, 2]])
        var a = Matrix(rows: 1, columns: 3)
        Activation.softmax.apply(z, into: &a)
        var g = Matrix([[4, 4, 4]])
        Activation.softmax.backpropagate(z: z, a: a, gradient: &g)
        for v in g.elements { XCTAssertEqual(v, 0, accuracy: 1e-15) }
    }

    /// Softmax's vectorised eˣ is within 1 ulp of Foundation's over the range
    /// softmax uses (z − max z ≤ 0) and beyond, and hands the lanes outside
    /// [−708, 709] to Foundation.
    func testVectorisedExponentialIsWithinAnUlp() {
        var generator = Generator(seed: 11)
        var worst = 0.0, worstX = 0.0
        for index in 0 ..< 125_000 {
            // Mostly the range softmax sees, some of the whole fast range.
            let (low, high) = index % 4 == 0 ? (-708.0, 709.0) : (-40.0, 0.0)
            var x = SIMD8<Double>()
            for lane in 0 ..< 8 { x[lane] = generator.nextUniform(in: low, high) }
            let e = exponential(x)
            for lane in 0 ..< 8 {
                let expected = exp(x[lane])
                let error = abs(e[lane] - expected) / expected.ulp
                if error > worst { (worst, worstX) = (error, x[lane]) }
            }
        }
        XCTAssertLessThanOrEqual(worst, 1, "largest error \(worst) ulp at x = \(worstX)")
        let points = SIMD8<Double>(0, 1, -1, 0.5, -708, 709, -1e-300, 2)
        for lane in 0 ..< 8 {
            XCTAssertEqual(exponential(points)[lane], exp(points[lane]), accuracy: exp(points[lane]).ulp, "x = \(points[lane])")
        }
        XCTAssertEqual(exponential(SIMD8(repeating: 0)), SIMD8(repeating: 1))
        let outside = exponential(SIMD8<Double>(-1000, 710, .nan, -.infinity, .infinity, -745, -708.5, 0))
        XCTAssertEqual(outside[0], 0)
        XCTAssertEqual(outside[1], .infinity)
        XCTAssertTrue(outside[2].isNaN)
        XCTAssertEqual(outside[3], 0)
        XCTAssertEqual(outside[4], .infinity)
        XCTAssertEqual(outside[5], exp(-745))
        XCTAssertEqual(outside[6], exp(-708.5))
        XCTAssertEqual(outside[7], 1)
        // A lane's bits do not depend on its neighbours, in range or not.
        for _ in 0 ..< 2_000 {
            let x = generator.nextUniform(in: -40, 0)
            let alone = exponential(x)
            for neighbour: Double in [-1000, 710, .nan, -.infinity, 3] {
                var mixed = SIMD8<Double>(repeating: neighbour)
                let lane = generator.nextInt(below: 8)
                mixed[lane] = x
                XCTAssertEqual(exponential(mixed)[lane].bitPattern, alone.bitPattern, "x = \(x) beside \(neighbour)")
            }
        }
    }

    func testOnlySoftmaxIsBarredFromHiddenLayers() {
        XCTAssertEqual(Activation.allCases.filter { !$0.isAllowedInHiddenLayer }, [.softmax])
        XCTAssertEqual(Activation.allCases.map(\.rawValue), ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "zero"])
    }
}

final class LossTests: XCTestCase {
    let z = Matrix([[0.5, -1], [2, 0.25]])
    let y = Matrix([[1, 0], [0, 1]])

    func testSquaredErrorsFollowTheirConventions() {
        let a = Matrix([[0.5, 1], [2, 3]])
        let y = Matrix([[1, 1], [0, 1]])
        // Sample squared sums: 0.25 and 8.
        XCTAssertEqual(Loss.squaredError.value(logits: a, output: a, targets: y), (0.25 + 8) / 2)
        XCTAssertEqual(Loss.halfSquaredError.value(logits: a, output: a, targets: y), (0.125 + 4) / 2)
        XCTAssertEqual(Loss.mse.value(logits: a, output: a, targets: y), (0.125 + 4) / 2)
        XCTAssertEqual(Loss.mse.sampleLosses(logits: a, output: a, targets: y), [0.125, 4])
    }

    /// BCE from the logits equals −[y log σ(z) + (1 − y) log(1 − σ(z))] where that is finite, and stays finite where it is not.
    func testBinaryCrossEntropyFromLogits() {
        var a = Matrix(rows: 2, columns: 2)
        Activation.sigmoid.apply(z, into: &a)
        var expected = 0.0
        for i in 0 ..< 4 {
            let p = a.elements[i], t = y.elements[i]
            expected += -(t * log(p) + (1 - t) * log(1 - p)) / 2
        }
        XCTAssertEqual(Loss.binaryCrossEntropy.value(logits: z, output: a, targets: y), expected / 2, accuracy: 1e-15)
        let saturated = Matrix([[-800]]), one = Matrix([[1]])
        var s = Matrix(rows: 1, columns: 1)
        Activation.sigmoid.apply(saturated, into: &s)
        XCTAssertEqual(s[0, 0], 0)
        XCTAssertEqual(Loss.binaryCrossEntropy.value(logits: saturated, output: s, targets: one), 800)
    }

    /// CE from the logits equals −log softmax(z)_label, also for logits whose exponentials overflow.
    func testCrossEntropyFromLogits() {
        var a = Matrix(rows: 2, columns: 2)
        Activation.softmax.apply(z, into: &a)
        let expected = (-log(a[0, 0]) - log(a[1, 1])) / 2
        XCTAssertEqual(Loss.crossEntropy.value(logits: z, output: a, targets: y), expected, accuracy: 1e-15)
        let huge = Matrix([[1000, -1000]]), wrong = Matrix([[0, 1]])
        var h = Matrix(rows: 1, columns: 2)
        Activation.softmax.apply(huge, into: &h)
        XCTAssertEqual(Loss.crossEntropy.value(logits: huge, output: h, targets: wrong), 2000)
    }

    /// The cross-entropy the trainer takes from the softmax layer's normalizers
    /// is, bit for bit, the one computed sample by sample from the logits,
    /// also where some exponentials leave the polynomial's range.
    func testCrossEntropyFromTheSoftmaxSumsIsTheSameValue() {
        var generator = Generator(seed: 4)
        let k = 3
        for _ in 0 ..< 2000 {
            // Two rows of 3 share vectors of eight exponentials; one logit far
            // below its row's largest takes Foundation's exp, the others not.
            var logits = (0 ..< 2 * k).map { _ in 8 * generator.nextNormal() }
            logits[generator.nextInt(below: 2 * k)] = -1000
            let z = Matrix(rows: 2, columns: k, elements: logits)
            var y = Matrix(rows: 2, columns: k)
            for row in 0 ..< 2 { y[row, generator.nextInt(below: k)] = 1 }
            var a = Matrix(rows: 2, columns: k), sums = [0.0, 0.0]
            Activation.softmax(z, into: &a, sums: &sums)
            XCTAssertEqual(Loss.crossEntropy(logits: z, softmaxSums: sums, targets: y),
                           Loss.crossEntropy.value(logits: z, output: a, targets: y), "z = \(z.elements)")
        }
    }

    /// NaN in, NaN out, as in PyTorch: relu passes NaN (it zeroes only z ≤ 0), in
    /// the element-wise form and in the product kernels that apply relu and relu′ as
    /// they store; relu′(NaN) = 1, as PyTorch's backward passes the gradient unless
    /// the output is ≤ 0.
    func testNonFiniteValuesPropagateAsInPyTorch() {
        XCTAssertTrue(Activation.relu.value(.nan).isNaN)
        XCTAssertEqual(Activation.relu.derivative(z: .nan, a: .nan), 1)
        XCTAssertEqual(Activation.relu.value(-0.0).sign, .plus)
        for activation in Activation.allCases where activation != .zero && activation != .softmax {
            XCTAssertTrue(activation.value(.nan).isNaN, "\(activation)")
        }
        var a = Matrix(rows: 1, columns: 3)
        Activation.relu.apply(Matrix([[.nan, -1, 2]]), into: &a)
        XCTAssertTrue(a[0, 0].isNaN)
        XCTAssertEqual(Array(a.elements[1...]), [0, 2])
        // 1e308 · 10 overflows to +inf in both hidden units; +inf − inf is NaN in
        // the second layer, which relu then keeps (it used to give 0 and a finite loss).
        let network = Network(inputs: 1, layers: [
            DenseLayer(weights: Matrix([[10], [10]]), biases: nil, activation: .relu),
            DenseLayer(weights: Matrix([[1, -1]]), biases: nil, activation: .relu),
            DenseLayer(weights: Matrix([[1]]), biases: [0], activation: .sigmoid),
        ])
        for keeping in [true, false] {
            for batch in [1, 9] {
                var workspace = Workspace(network: network, batchSize: batch, keepingReluPreactivations: keeping)
                network.forward(Matrix(rows: batch, columns: 1, elements: Array(repeating: 1e308, count: batch)), in: &workspace)
                XCTAssertTrue(workspace.output.elements.allSatisfy(\.isNaN), "keeping z: \(keeping), batch \(batch)")
            }
        }
    }

    /// The cross-entropy is as precise as PyTorch's log-softmax: with the label's
    /// logit the largest, near 500, the loss log1p(e⁻²⁰) ≈ 2.06e-9 keeps its digits
    /// (computing 500 + log Σ − 500 lost all but six of them).
    func testCrossEntropyKeepsItsDigitsWhenTheLabelHasTheLargestLogit() {
        let z = Matrix([[500, 480], [480, 500]]), y = Matrix([[1, 0], [0, 1]])
        let expected = exp(-20.0) - exp(-40.0) / 2 + exp(-60.0) / 3
        var a = Matrix(rows: 2, columns: 2), sums = [0.0, 0.0]
        Activation.softmax(z, into: &a, sums: &sums)
        let fused = Loss.crossEntropy(logits: z, softmaxSums: sums, targets: y)
        let plain = Loss.crossEntropy.value(logits: z, output: a, targets: y)
        XCTAssertEqual(fused, plain)
        XCTAssertLessThan(abs(fused - expected) / expected, 1e-15)
        let wrong = Loss.crossEntropy.value(logits: z, output: a, targets: Matrix([[0, 1], [1, 0]]))
        XCTAssertLessThan(abs(wrong - (20 + expected)) / 20, 1e-15)
    }

    func testPairingRules() {
        XCTAssertTrue(Loss.binaryCrossEntropy.accepts(outputActivation: .sigmoid))
        XCTAssertFalse(Loss.binaryCrossEntropy.accepts(outputActivation: .softmax))
        XCTAssertTrue(Loss.crossEntropy.accepts(outputActivation: .softmax))
        XCTAssertFalse(Loss.crossEntropy.accepts(outputActivation: .sigmoid))
        for activation in Activation.allCases {
            XCTAssertTrue(Loss.mse.accepts(outputActivation: activation))
        }
        XCTAssertEqual(Loss.allCases.map(\.rawValue),
                       ["mse", "squared_error", "half_squared_error", "binary_cross_entropy", "cross_entropy"])
    }
}
