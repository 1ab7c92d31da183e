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
    func step(_ theta: inout [Double], gradient: [Double], m: inout [Double], v: inout [Double], step t: Int) {
        let lambda = weightDecay, b1 = beta1, b2 = beta2, eps = epsilon
        let weight = 1 - b1
        let stepSize = learningRate / (1 - pow(b1, Double(t)))
        let correction2Root = (1 - pow(b2, Double(t))).squareRoot()
        theta.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { grad in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        for i in p.indices {
                            var g = grad[i]
                            if lambda != 0 { g += lambda * p[i] }
                            // PyTorch's lerp(m, g, w): m + w(g − m) for w < ½, else g − (g − m)(1 − w).
                            m[i] = weight < 0.5 ? m[i] + weight * (g - m[i]) : g - (g - m[i]) * (1 - weight)
                            v[i] = v[i] * b2 + (1 - b2) * g * g
                            let denominator = v[i].squareRoot() / correction2Root + eps
                            p[i] += -stepSize * m[i] / denominator
                        }
                    }
                }
            }
        }
    }
}
