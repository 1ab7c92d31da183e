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
///
/// Not promised: PyTorch's last bits. Dividing by √(1 − β₂ᵗ) is a
/// multiplication by its reciprocal, and √v is `Adam.squareRoot`, Newton's
/// iteration rather than the hardware square root (which costs more than all
/// the rest of the step): within 1 ulp of the correctly rounded √v, and
/// almost always equal to it on a CPU with fused multiply-add. Each differs
/// from PyTorch's by at most an ulp or so of the step.
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

    /// The bias corrections of step t: η / (1 − β₁ᵗ) and 1 / √(1 − β₂ᵗ).
    struct Corrections {
        var stepSize: Double
        var inverseCorrection2Root: Double
    }

    /// The corrections of step t (from 1), computed once per step for all tensors.
    func corrections(step t: Int) -> Corrections {
        Corrections(stepSize: learningRate / (1 - pow(beta1, Double(t))),
                    inverseCorrection2Root: 1 / (1 - pow(beta2, Double(t))).squareRoot())
    }

    /// One step on one parameter tensor θ with gradient g and moments m, v,
    /// eight elements at a time.
    func step(_ theta: inout [Double], gradient: [Double], m: inout [Double], v: inout [Double], corrections: Corrections) {
        typealias V = SIMD8<Double>
        let stepSize = corrections.stepSize
        let inverseCorrection2Root = corrections.inverseCorrection2Root
        let count = theta.count
        precondition(gradient.count == count && m.count == count && v.count == count,
                     "Adam needs θ, g, m and v of one size; got \(count), \(gradient.count), \(m.count), \(v.count)")
        theta.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        guard let p = p.baseAddress, let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress else { return }
                        var i = 0
                        // Two vectors at a time, so that one's division overlaps the other's arithmetic.
                        while i + 16 <= count {
                            var (p0, m0, v0) = (load(V.self, p + i), load(V.self, m + i), load(V.self, v + i))
                            var (p1, m1, v1) = (load(V.self, p + i + 8), load(V.self, m + i + 8), load(V.self, v + i + 8))
                            update(&p0, load(V.self, g + i), &m0, &v0, stepSize: stepSize, inverseCorrection2Root: inverseCorrection2Root)
                            update(&p1, load(V.self, g + i + 8), &m1, &v1, stepSize: stepSize, inverseCorrection2Root: inverseCorrection2Root)
                            store(p0, p + i)
                            store(m0, m + i)
                            store(v0, v + i)
                            store(p1, p + i + 8)
                            store(m1, m + i + 8)
                            store(v1, v + i + 8)
                            i += 16
                        }
                        while i + 8 <= count {
                            var (pi, mi, vi) = (load(V.self, p + i), load(V.self, m + i), load(V.self, v + i))
                            update(&pi, load(V.self, g + i), &mi, &vi, stepSize: stepSize, inverseCorrection2Root: inverseCorrection2Root)
                            store(pi, p + i)
                            store(mi, m + i)
                            store(vi, v + i)
                            i += 8
                        }
                        let rest = count - i
                        if rest > 0 {
                            var (pi, mi, vi) = (load(V.self, p + i, count: rest), load(V.self, m + i, count: rest),
                                                load(V.self, v + i, count: rest))
                            update(&pi, load(V.self, g + i, count: rest), &mi, &vi,
                                   stepSize: stepSize, inverseCorrection2Root: inverseCorrection2Root)
                            store(pi, p + i, count: rest)
                            store(mi, m + i, count: rest)
                            store(vi, v + i, count: rest)
                        }
                    }
                }
            }
        }
    }

    /// The update of the type's documentation on eight elements.
    @inline(__always)
    private func update(_ p: inout SIMD8<Double>, _ gradient: SIMD8<Double>, _ m: inout SIMD8<Double>, _ v: inout SIMD8<Double>,
                        stepSize: Double, inverseCorrection2Root: Double) {
        typealias V = SIMD8<Double>
        var g = gradient
        if weightDecay != 0 { g += V(repeating: weightDecay) * p }
        // PyTorch's lerp(m, g, w): m + w(g − m) for w < ½, else g − (g − m)(1 − w).
        let weight = 1 - beta1
        m = weight < 0.5 ? m + V(repeating: weight) * (g - m) : g - (g - m) * V(repeating: 1 - weight)
        v = v * V(repeating: beta2) + V(repeating: 1 - beta2) * g * g
        let denominator = Adam.squareRoot(v) * V(repeating: inverseCorrection2Root) + V(repeating: epsilon)
        p += V(repeating: -stepSize) * m / denominator
    }

    /// √x, element by element, by Newton's iteration on y ≈ 1/√x from a first
    /// guess read off the bits of x (the "fast inverse square root" constant
    /// for doubles, within 3.5 %): three steps y ← y(3/2 − (x/2)y²) bring y
    /// within 10⁻¹⁰, then r = xy is corrected once by r ← r + (y/2)(x − r²).
    /// With fused multiply-add (x − r² exact) the result is the correctly
    /// rounded √x for all but about 4 in a million x, which are 1 ulp off;
    /// without, within 1 ulp. Lanes where x is not 0 or within [10⁻³⁰⁰, 10³⁰⁰]
    /// (subnormals, ∞, NaN, negatives) take the hardware square root.
    @inline(__always)
    static func squareRoot(_ x: SIMD8<Double>) -> SIMD8<Double> {
        typealias V = SIMD8<Double>
        let inRange = (x .>= V(repeating: 1e-300) .| x .== V()) .& x .<= V(repeating: 1e300)
        guard all(inRange) else { return x.squareRoot() }
        let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        var y = unsafeBitCast(SIMD8<UInt64>(repeating: 0x5FE6_EB50_C7B5_37A9) &- (bits &>> 1), to: V.self)
        let half = 0.5 * x
        for _ in 0 ..< 3 { y = y * (1.5 - (half * y) * y) }
        var r = x * y
        #if NNLAB_FMA
        r.addProduct(0.5 * y, x.addingProduct(-r, r))
        #else
        r += (0.5 * y) * (x - r * r)
        #endif
        return r
    }
}
