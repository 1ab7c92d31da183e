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
    /// (unused and may be empty when μ = 0). Four elements at a time; every
    /// element sees the same operations in the same order as the rule above.
    func step(_ theta: inout [Double], gradient: [Double], buffer: inout [Double], isFirstStep: Bool) {
        let count = theta.count
        precondition(gradient.count == count && (momentum == 0 || buffer.count == count),
                     "SGD needs θ, g (and b with momentum) of one size; got \(count), \(gradient.count), \(buffer.count)")
        theta.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                guard let p = p.baseAddress, let g = g.baseAddress else { return }
                // With μ = 0 the buffer is neither read nor written, nor touched: an
                // empty array's buffer made writable would be a new allocation each step.
                if momentum == 0 {
                    step(p, g, UnsafeMutablePointer(mutating: g), count: count, isFirstStep: isFirstStep)
                } else {
                    buffer.withUnsafeMutableBufferPointer { b in step(p, g, b.baseAddress!, count: count, isFirstStep: isFirstStep) }
                }
            }
        }
    }

    /// `step` on `count` elements at θ, g and b (b any address when μ = 0).
    @inline(__always)
    private func step(_ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>, _ b: UnsafeMutablePointer<Double>,
                      count: Int, isFirstStep: Bool) {
        var i = 0
        while i + 4 <= count {
            var (pi, bi) = (load(SIMD4<Double>.self, p + i), momentum == 0 ? SIMD4() : load(SIMD4<Double>.self, b + i))
            update(&pi, load(SIMD4<Double>.self, g + i), &bi, isFirstStep: isFirstStep)
            store(pi, p + i)
            if momentum != 0 { store(bi, b + i) }
            i += 4
        }
        let rest = count - i
        if rest > 0 {
            var (pi, bi) = (load(SIMD4<Double>.self, p + i, count: rest),
                            momentum == 0 ? SIMD4() : load(SIMD4<Double>.self, b + i, count: rest))
            update(&pi, load(SIMD4<Double>.self, g + i, count: rest), &bi, isFirstStep: isFirstStep)
            store(pi, p + i, count: rest)
            if momentum != 0 { store(bi, b + i, count: rest) }
        }
    }

    /// The rule of the type's documentation on a vector of elements.
    @inline(__always)
    private func update<V: SIMD>(_ p: inout V, _ gradient: V, _ b: inout V, isFirstStep: Bool) where V.Scalar == Double {
        var g = gradient
        if weightDecay != 0 { g += V(repeating: weightDecay) * p }
        if momentum != 0 {
            b = isFirstStep ? g : b * V(repeating: momentum) + g
            g = nesterov ? g + V(repeating: momentum) * b : b
        }
        p += V(repeating: -learningRate) * g
    }
}
