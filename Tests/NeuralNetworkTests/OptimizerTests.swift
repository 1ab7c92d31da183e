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

    // MARK: - Adam's vectorised step

    /// `Adam.squareRoot` against the hardware square root: within 1 ulp of it
    /// for normal x (with fused multiply-add, equal for all but a few x in a
    /// thousand), equal at 0, in [0, √x] for subnormal x, NaN for ∞ and NaN.
    func testAdamSquareRootAgreesWithTheHardware() {
        var generator = Generator(seed: 7)
        var xs: [Double] = [0, 1, 2, 4, 9, 0.5, 1.nextUp, 1.nextDown, 2.nextDown, 4.nextDown, 1e-300, 1e300,
                            .leastNormalMagnitude, .leastNormalMagnitude.nextUp, .greatestFiniteMagnitude, .infinity, .nan,
                            .leastNonzeroMagnitude, .leastNormalMagnitude.nextDown, .leastNormalMagnitude / 3]
        // Every binade, and the range of Adam's v.
        for _ in 0 ..< 100_000 {
            xs.append(Double(bitPattern: Double.leastNormalMagnitude.bitPattern
                                + generator.next() % (Double.greatestFiniteMagnitude.bitPattern - Double.leastNormalMagnitude.bitPattern)))
            xs.append(generator.nextUniform() * pow(10, -12 * generator.nextUniform()))
        }
        let width = Adam.Vector.scalarCount
        var roots: [Double] = []
        for start in stride(from: 0, to: xs.count, by: width) {
            var x = Adam.Vector()
            for lane in 0 ..< min(width, xs.count - start) { x[lane] = xs[start + lane] }
            let r = Adam.squareRoot(x)
            for lane in 0 ..< min(width, xs.count - start) { roots.append(r[lane]) }
        }
        var differing = 0
        for (x, r) in zip(xs, roots) {
            let exact = x.squareRoot()
            if !x.isFinite {
                XCTAssertTrue(r.isNaN, "√\(x): \(r)")
            } else if x.isSubnormal {
                XCTAssertTrue(r >= 0 && r <= exact, "√\(x): \(r), hardware \(exact)")
            } else if r != exact {
                differing += 1
                XCTAssertTrue(x.isNormal && abs(r - exact) <= exact.ulp, "√\(x): \(r), hardware \(exact)")
            }
        }
        #if NNLAB_FMA
        XCTAssertLessThan(differing, xs.count / 100)
        #endif
    }

    /// The vectorised step against PyTorch's formula one element at a time,
    /// on tensors of every length up to 70 (partial vectors, and loops of one,
    /// two and more vectors) and with each kind of settings (a loop of their
    /// own, the loop for any settings, the scalar loop), with gradients 0
    /// (v = 0) and subnormal v among them: m and v within a few ulps of their
    /// terms, and θ, from the new m and v, within a few ulps of the step.
    func testAdamStepAgreesWithPyTorchsFormula() {
        let settings = [Adam(), Adam(learningRate: 0.1, weightDecay: 0.01), Adam(beta1: 0, beta2: 0.3), Adam(epsilon: 1e-300)]
        var generator = Generator(seed: 3)
        for adam in settings {
            for count in 1 ... 70 {
                var theta = (0 ..< count).map { _ in generator.nextUniform(in: -1, 1) }
                var m = [Double](repeating: 0, count: count), v = m
                for t in 1 ... 3 {
                    let g = (0 ..< count).map { i -> Double in
                        switch (i + t) % 11 {
                        case 0: return 0
                        case 1: return 3e-155  // v subnormal
                        default: return generator.nextUniform(in: -1, 1) * pow(10, -4 * generator.nextUniform())
                        }
                    }
                    let (before, mBefore, vBefore) = (theta, m, v)
                    adam.step(&theta, gradient: g, m: &m, v: &v, corrections: adam.corrections(step: t))
                    for i in 0 ..< count {
                        let name = "\(adam), \(count) elements, step \(t), element \(i)"
                        let gi = adam.weightDecay != 0 ? g[i] + adam.weightDecay * before[i] : g[i]
                        let w = 1 - adam.beta1
                        let expectedM = w < 0.5 ? mBefore[i] + w * (gi - mBefore[i]) : gi - (gi - mBefore[i]) * (1 - w)
                        let expectedV = vBefore[i] * adam.beta2 + (1 - adam.beta2) * gi * gi
                        let terms = max(abs(mBefore[i]), abs(g[i]), abs(adam.weightDecay * before[i]))
                        XCTAssertTrue(agree(m[i], expectedM, within: 4 * terms.ulp), "m: \(name)")
                        XCTAssertTrue(agree(v[i], expectedV, within: 8 * max(vBefore[i], terms * terms).ulp), "v: \(name)")
                        let denominator = v[i].squareRoot() / (1 - pow(adam.beta2, Double(t))).squareRoot() + adam.epsilon
                        let step = -adam.learningRate / (1 - pow(adam.beta1, Double(t))) * m[i] / denominator
                        XCTAssertTrue(agree(theta[i], before[i] + step, within: 16 * step.ulp + theta[i].ulp),
                                      "θ: \(theta[i]) vs \(before[i] + step), \(name)")
                    }
                }
            }
        }
    }

    // MARK: - Helpers

    /// a = b, or within `tolerance` of it.
    private func agree(_ a: Double, _ b: Double, within tolerance: Double) -> Bool {
        a == b || abs(a - b) <= tolerance
    }

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
