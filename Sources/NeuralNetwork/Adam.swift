import Foundation

/// Adam (Kingma and Ba, 2015), exactly `torch.optim.Adam` without amsgrad:
///
///     t ← t + 1
///     g ← g + λθ                                (weight decay λ, when λ ≠ 0)
///     m ← m + (1 − β₁)(g − m)                   (= β₁m + (1 − β₁)g, as PyTorch's lerp)
///     v ← β₂v + (1 − β₂)g²
///     θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// ε is added after the square root of the bias-corrected v, as in PyTorch;
/// m and v start at 0. Weight decay is L2 added to the gradient (Adam), not
/// decoupled (AdamW).
public struct Adam: Sendable, Equatable {
    /// η > 0.
    public var learningRate: Double
    /// β₁ in [0, 1).
    public var beta1: Double
    /// β₂ in [0, 1).
    public var beta2: Double
    /// ε > 0.
    public var epsilon: Double
    /// λ ≥ 0.
    public var weightDecay: Double

    public init(learningRate: Double = 0.001, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// Step t (from 1) on one parameter tensor θ with gradient g and moments m, v.
    /// Four elements at a time; every element sees the same operations in the
    /// same order as the formula above.
    func step(_ theta: inout [Double], gradient: [Double], m: inout [Double], v: inout [Double], step t: Int) {
        let stepSize = learningRate / (1 - pow(beta1, Double(t)))
        let correction2Root = (1 - pow(beta2, Double(t))).squareRoot()
        let count = theta.count
        precondition(gradient.count == count && m.count == count && v.count == count,
                     "Adam needs θ, g, m and v of one size; got \(count), \(gradient.count), \(m.count), \(v.count)")
        theta.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        guard let p = p.baseAddress, let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress else { return }
                        var i = 0
                        while i + 4 <= count {
                            var (pi, mi, vi) = (load(SIMD4<Double>.self, p + i), load(SIMD4<Double>.self, m + i), load(SIMD4<Double>.self, v + i))
                            update(&pi, load(SIMD4<Double>.self, g + i), &mi, &vi, stepSize: stepSize, correction2Root: correction2Root)
                            store(pi, p + i)
                            store(mi, m + i)
                            store(vi, v + i)
                            i += 4
                        }
                        let rest = count - i
                        if rest > 0 {
                            var (pi, mi, vi) = (load(SIMD4<Double>.self, p + i, count: rest), load(SIMD4<Double>.self, m + i, count: rest),
                                                load(SIMD4<Double>.self, v + i, count: rest))
                            update(&pi, load(SIMD4<Double>.self, g + i, count: rest), &mi, &vi,
                                   stepSize: stepSize, correction2Root: correction2Root)
                            store(pi, p + i, count: rest)
                            store(mi, m + i, count: rest)
                            store(vi, v + i, count: rest)
                        }
                    }
                }
            }
        }
    }

    /// The update of the type's documentation on a vector of elements.
    @inline(__always)
    private func update<V: SIMD>(_ p: inout V, _ gradient: V, _ m: inout V, _ v: inout V,
                                 stepSize: Double, correction2Root: Double) where V.Scalar == Double {
        var g = gradient
        if weightDecay != 0 { g += V(repeating: weightDecay) * p }
        // PyTorch's lerp(m, g, w): m + w(g − m) for w < ½, else g − (g − m)(1 − w).
        let weight = 1 - beta1
        m = weight < 0.5 ? m + V(repeating: weight) * (g - m) : g - (g - m) * V(repeating: 1 - weight)
        v = v * V(repeating: beta2) + V(repeating: 1 - beta2) * g * g
        let denominator = v.squareRoot() / V(repeating: correction2Root) + V(repeating: epsilon)
        p += V(repeating: -stepSize) * m / denominator
    }
}
