/// Stochastic gradient descent with optional momentum and Nesterov momentum,
/// exactly `torch.optim.SGD` with dampening 0:
///
///     g ← g + λθ                      (weight decay λ, when λ ≠ 0)
///     b ← g at the first step, else b ← μb + g      (when μ ≠ 0)
///     g ← g + μb (Nesterov), or g ← b               (when μ ≠ 0)
///     θ ← θ − η g
///
/// Unlike Sutskever et al., the learning rate multiplies the whole step, not
/// the gradient inside the buffer, as in PyTorch.
public struct SGD: Sendable, Equatable {
    /// η > 0.
    public var learningRate: Double
    /// μ ≥ 0; 0 is plain SGD.
    public var momentum: Double
    /// Use g + μb instead of b; needs μ > 0.
    public var nesterov: Bool
    /// λ ≥ 0, the L2 penalty added to the gradient.
    public var weightDecay: Double

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// One step on one parameter tensor θ with gradient g and momentum buffer b
    /// (unused and may be empty when μ = 0).
    func step(_ theta: inout [Double], gradient: [Double], buffer: inout [Double], isFirstStep: Bool) {
        let eta = learningRate, mu = momentum, lambda = weightDecay
        theta.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { grad in
                buffer.withUnsafeMutableBufferPointer { b in
                    for i in p.indices {
                        var g = grad[i]
                        if lambda != 0 { g += lambda * p[i] }
                        if mu != 0 {
                            b[i] = isFirstStep ? g : b[i] * mu + g
                            g = nesterov ? g + mu * b[i] : b[i]
                        }
                        p[i] += -eta * g
                    }
                }
            }
        }
    }
}
