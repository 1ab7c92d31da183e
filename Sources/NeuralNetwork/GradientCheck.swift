import Foundation

/// A finite-difference check of backprop's gradients of a batch loss
/// C(θ) = (1/N) Σₙ Cₙ, parameter by parameter.
///
/// For each weight or bias θ, with every other parameter fixed:
///
///     h = ε^(1/3) · max(1, |θ|)                    (ε = 2⁻⁵², so h ≈ 6·10⁻⁶ · max(1, |θ|))
///     ĝ = [C(θ + h) − C(θ − h)] / ((θ + h) − (θ − h))   (central difference, in Double)
///     relative error = |g − ĝ| / max(|g|, |ĝ|, floor),   floor = 10⁻³ · max(1, |C|)
///
/// where g is backprop's ∂C/∂θ. The step balances the central difference's
/// truncation error (about h² C‴/6) against round-off in C(θ ± h) (about
/// ε|C|/h); the difference is divided by the step as it rounds. The floor keeps
/// that round-off, about 10⁻¹⁰ · max(1, |C|), from counting as a relative error
/// where the gradient itself is near 0: there the check is one of absolute
/// error, to 10⁻⁸ · max(1, |C|) at the tolerance (measured round-off on the
/// shipped experiments: up to 7·10⁻¹¹, so the largest relative error of a
/// smooth entry was 7·10⁻⁸ there).
///
/// A check passes when every relative error is at most `tolerance` (10⁻⁵),
/// except where C is not smooth within the step: an entry whose θ ± h moves a
/// pre-activation z of a relu or leaky_relu layer across 0 (a kink, where the
/// one-sided slopes differ) is marked and not counted, as are all entries
/// when C is not finite. What is not promised: that a passing check proves the
/// gradient right to more than the tolerance, or that a kink no sample's z
/// reaches within the step is found (none is crossed then).
///
/// Each parameter costs two forward passes over the batch.
public struct GradientCheck: Sendable, Equatable {
    /// The largest relative error a smooth entry may have.
    public static let tolerance = 1e-5
    /// The floor of the relative error's denominator, per unit of max(1, |C|).
    public static let floorScale = 1e-3

    /// One layer's check, shaped like its parameters.
    public struct Layer: Sendable, Equatable {
        /// ĝ of every weight and bias.
        public var weights: Matrix
        public var biases: [Double]?
        /// The relative errors against backprop's gradients.
        public var weightErrors: Matrix
        public var biasErrors: [Double]?
        /// Whether the entry's step crosses a kink (not counted).
        public var weightKinks: [Bool]
        public var biasKinks: [Bool]?
    }

    public var layers: [Layer]
    /// The batch loss C at the parameters checked.
    public var loss: Double

    /// The largest relative error of the counted entries (0 when none is counted).
    public var largestError: Double {
        var largest = 0.0
        for layer in layers {
            for (error, kink) in zip(layer.weightErrors.elements, layer.weightKinks) where !kink { largest = max(largest, error.isNaN ? .infinity : error) }
            if let errors = layer.biasErrors, let kinks = layer.biasKinks {
                for (error, kink) in zip(errors, kinks) where !kink { largest = max(largest, error.isNaN ? .infinity : error) }
            }
        }
        return largest
    }

    /// The number of entries marked as crossing a kink.
    public var kinks: Int {
        layers.reduce(0) { $0 + $1.weightKinks.filter { $0 }.count + ($1.biasKinks?.filter { $0 }.count ?? 0) }
    }

    /// The number of entries checked, counted or not.
    public var entries: Int {
        layers.reduce(0) { $0 + $1.weightKinks.count + ($1.biasKinks?.count ?? 0) }
    }

    /// Whether every counted entry is within the tolerance (and C is finite).
    public var passed: Bool { loss.isFinite && largestError <= GradientCheck.tolerance }

    /// Checks `gradients` (backprop's ∂C/∂W and ∂C/∂b of `network` on `x`, `y`)
    /// by central differences.
    public init(network: Network, inputs x: Matrix, targets y: Matrix, loss: Loss, gradients: [LayerParameters]) {
        var workspace = Workspace(network: network, batchSize: x.rows)
        let base = network.loss(loss, inputs: x, targets: y, in: &workspace)
        let signs = GradientCheck.kinkSides(network, workspace)
        let floor = GradientCheck.floorScale * max(1, abs(base))
        var probe = network
        func difference(_ set: (inout Network, Double) -> Void, at theta: Double) -> (Double, Bool) {
            let h = GradientCheck.step * max(1, abs(theta))
            let up = theta + h, down = theta - h
            set(&probe, up)
            let above = probe.loss(loss, inputs: x, targets: y, in: &workspace)
            var kink = GradientCheck.kinkSides(probe, workspace) != signs
            set(&probe, down)
            let below = probe.loss(loss, inputs: x, targets: y, in: &workspace)
            kink = kink || GradientCheck.kinkSides(probe, workspace) != signs
            set(&probe, theta)
            return ((above - below) / (up - down), kink || !base.isFinite)
        }
        func error(_ g: Double, _ estimate: Double) -> Double {
            abs(g - estimate) / max(abs(g), abs(estimate), floor)
        }
        var result: [Layer] = []
        for l in network.layers.indices {
            let layer = network.layers[l]
            var numeric = Matrix(rows: layer.units, columns: layer.inputs)
            var errors = numeric
            var kinks = [Bool](repeating: false, count: numeric.elements.count)
            for i in numeric.elements.indices {
                let (estimate, kink) = difference({ $0.layers[l].weights.elements[i] = $1 }, at: layer.weights.elements[i])
                numeric.elements[i] = estimate
                errors.elements[i] = error(gradients[l].weights.elements[i], estimate)
                kinks[i] = kink
            }
            var biasNumeric: [Double]?, biasErrors: [Double]?, biasKinks: [Bool]?
            if let biases = layer.biases, let g = gradients[l].biases {
                var estimates: [Double] = [], errs: [Double] = [], marks: [Bool] = []
                for j in biases.indices {
                    let (estimate, kink) = difference({ $0.layers[l].biases![j] = $1 }, at: biases[j])
                    estimates.append(estimate)
                    errs.append(error(g[j], estimate))
                    marks.append(kink)
                }
                (biasNumeric, biasErrors, biasKinks) = (estimates, errs, marks)
            }
            result.append(Layer(weights: numeric, biases: biasNumeric, weightErrors: errors, biasErrors: biasErrors,
                                weightKinks: kinks, biasKinks: biasKinks))
        }
        layers = result
        self.loss = base
    }

    /// ε^(1/3), the step per unit of max(1, |θ|).
    public static let step = cbrt(Double.ulpOfOne)

    /// Which side of 0 every pre-activation of the relu and leaky_relu layers is
    /// on (z > 0), after a forward pass in `workspace` (which keeps relu's z).
    static func kinkSides(_ network: Network, _ workspace: Workspace) -> [Bool] {
        var sides: [Bool] = []
        for l in network.layers.indices where network.layers[l].activation == .relu || network.layers[l].activation == .leakyRelu {
            sides += workspace.z[l].elements.map { $0 > 0 }
        }
        return sides
    }
}
