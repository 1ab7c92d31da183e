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
/// Not promised: PyTorch's last bits. The step rounds in other places than
/// PyTorch does:
/// - v is updated as m is, by a lerp: v ← v + (1 − β₂)(g² − v);
/// - with η̂ = η / (1 − β₁ᵗ) and c = 1 / √(1 − β₂ᵗ), θ ← θ + m / d with
///   d = −(c/η̂)√v − ε/η̂: PyTorch's division, without its multiplication
///   by η̂;
/// - √v is `Adam.squareRoot`, Newton's iteration: Swift offers the hardware
///   square root one lane at a time only, at several times the cost of all
///   the rest;
/// - with fused multiply-add (`-D NNLAB_FMA`), g + λθ, both lerps, g² − v
///   and d are fused, each with one rounding (as PyTorch's vectorised lerp
///   is).
///
/// Each moves the step by at most an ulp or so of it. Not the same: where v
/// overflows to ∞ (|g| > 10¹⁵⁴ or so), θ becomes NaN, where PyTorch's step is
/// 0 from then on; the run has diverged either way.
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

    /// The SIMD vector of the step, and its bits: two AVX-512 registers in
    /// builds for a CPU that has them (`-D NNLAB_AVX512`), so that each
    /// instruction has a twin to overlap with; else eight lanes.
    #if NNLAB_AVX512
    typealias Vector = SIMD16<Double>
    typealias Bits = SIMD16<UInt64>
    #else
    typealias Vector = SIMD8<Double>
    typealias Bits = SIMD8<UInt64>
    #endif

    /// One step on one parameter tensor θ with gradient g and moments m, v.
    func step(_ theta: inout [Double], gradient: [Double], m: inout [Double], v: inout [Double], corrections: Corrections) {
        let count = theta.count
        precondition(gradient.count == count && m.count == count && v.count == count,
                     "Adam needs θ, g, m and v of one size; got \(count), \(gradient.count), \(m.count), \(v.count)")
        let loop = Loop(self, corrections)
        theta.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        guard let p = p.baseAddress, let g = g.baseAddress, let m = m.baseAddress, let v = v.baseAddress else { return }
                        loop.run(p, g, m, v, count: count)
                    }
                }
            }
        }
    }

    /// The loop of one step on one tensor, with its constants worked out once.
    private struct Loop {
        let adam: Adam
        let corrections: Corrections
        /// The weights of the lerps, 1 − β₁ and 1 − β₂.
        let weight1, weight2: Double
        /// d = scale · √v + offset: scale = −c/η̂, offset = −ε/η̂.
        let scale, offset: Double

        init(_ adam: Adam, _ corrections: Corrections) {
            self.adam = adam
            self.corrections = corrections
            weight1 = 1 - adam.beta1
            weight2 = 1 - adam.beta2
            scale = -corrections.inverseCorrection2Root / corrections.stepSize
            offset = -adam.epsilon / corrections.stepSize
        }

        /// Whether the vectorised loop gives the step: `Adam.squareRoot` is √v
        /// for v = 0 and for normal v, and some number in [0, √v] for
        /// subnormal v, for which d is offset all the same as long as
        /// |scale| · √(least normal double) is below a quarter ulp of offset
        /// (unless ε < 10⁻¹⁰⁰ or so).
        var isVectorisable: Bool {
            scale.isFinite && offset.isNormal
                && abs(scale) * Double.leastNormalMagnitude.squareRoot() < offset.ulp / 4
        }

        func run(_ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>,
                 _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, count: Int) {
            guard isVectorisable else { return runScalar(p, g, m, v, count: count) }
            // The choices that depend on the settings only are made here, out
            // of the loop: the usual settings get loops of their own.
            let choices = Choices(decay: adam.weightDecay != 0, smallWeight1: weight1 < 0.5, smallWeight2: weight2 < 0.5)
            switch (choices.decay, choices.smallWeight1 && choices.smallWeight2) {
            case (false, true): run(p, g, m, v, count: count, Usual())
            case (true, true): run(p, g, m, v, count: count, UsualWithDecay())
            default: run(p, g, m, v, count: count, choices)
            }
        }

        /// The vectorised loop, compiled once for each kind of `choices`.
        ///
        /// The step of one vector is a chain of some 60 cycles of dependent
        /// operations, most of them √v and the division, and the processor
        /// overlaps the chains of successive vectors only as far as its
        /// schedulers reach. So the loop is software-pipelined: each turn
        /// takes a vector through `begin` (m, v and the first half of √v),
        /// the one before through `denominator` (the rest of √v, and d), and
        /// the one before that through `finish` (θ ← θ + m/d). The largest
        /// stage, `begin`, is called at one place only, where the compiler
        /// inlines it (at several, it may not): so the first turns take the
        /// later stages through placeholders, whose results go unused.
        @inline(never)
        private func run<C: LoopChoices>(_ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>,
                                         _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>,
                                         count: Int, _ choices: C) {
            let width = Vector.scalarCount, vectors = count / width
            let arrays = Arrays(p: p, g: g, m: m, v: v)
            var begun = Begun(index: 0, m: Vector(), root: RootIteration(Vector()))  // placeholder
            var divided = Divided(index: 0, m: Vector(), d: Vector())  // placeholder
            for k in 0 ..< vectors {
                let (next, nextDivided) = (begin(arrays, at: k * width, choices), denominator(begun))
                if k > 1 { finish(arrays, divided) }
                (begun, divided) = (next, nextDivided)
            }
            if vectors > 1 { finish(arrays, divided) }
            if vectors > 0 { finish(arrays, denominator(begun)) }
            let rest = count - vectors * width
            if rest > 0 {
                // The last, partial vector: through copies padded with 0
                // (v = 0 there, whose step is 0), as a whole one.
                let i = vectors * width
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * width) { buffer in
                    let copies = buffer.baseAddress!
                    copies.initialize(repeating: 0, count: 4 * width)
                    let (p1, g1, m1, v1) = (copies, copies + width, copies + 2 * width, copies + 3 * width)
                    p1.update(from: p + i, count: rest)
                    g1.update(from: g + i, count: rest)
                    m1.update(from: m + i, count: rest)
                    v1.update(from: v + i, count: rest)
                    run(p1, g1, m1, v1, count: width, choices)
                    (p + i).update(from: p1, count: rest)
                    (m + i).update(from: m1, count: rest)
                    (v + i).update(from: v1, count: rest)
                }
            }
        }

        /// The first stage of the vector at i, which stores its m and v.
        @inline(__always)
        private func begin<C: LoopChoices>(_ arrays: Arrays, at i: Int, _ choices: C) -> Begun {
            var (m, v) = (load(Vector.self, arrays.m + i), load(Vector.self, arrays.v + i))
            let theta = choices.decay ? load(Vector.self, arrays.p + i) : Vector()
            let root = moments(theta, load(Vector.self, arrays.g + i), &m, &v, choices)
            store(m, arrays.m + i)
            store(v, arrays.v + i)
            return Begun(index: i, m: m, root: root)
        }

        /// The last stage: θ ← θ + m/d.
        @inline(__always)
        private func finish(_ arrays: Arrays, _ vector: Divided) {
            store(load(Vector.self, arrays.p + vector.index) + vector.m / vector.d, arrays.p + vector.index)
        }

        /// m and v of the type's documentation, given θ (read for weight
        /// decay only), and the first half of √v. PyTorch's lerp(a, b, w) is
        /// a + w(b − a) for w < ½, else b − (1 − w)(b − a).
        @inline(__always)
        private func moments<C: LoopChoices>(_ theta: Vector, _ gradient: Vector,
                                             _ m: inout Vector, _ v: inout Vector, _ choices: C) -> RootIteration {
            let g = choices.decay ? multiplyAdd(Vector(repeating: adam.weightDecay), theta, gradient) : gradient
            let gm = g - m
            m = choices.smallWeight1 ? multiplyAdd(Vector(repeating: weight1), gm, m)
                                     : multiplyAdd(Vector(repeating: weight1 - 1), gm, g)
            let gv = multiplyAdd(g, g, negated(v))
            v = choices.smallWeight2 ? multiplyAdd(Vector(repeating: weight2), gv, v)
                                     : multiplyAdd(Vector(repeating: weight2 - 1), gv, g * g)
            return RootIteration(v)
        }

        /// The second stage: the rest of √v, and d.
        @inline(__always)
        private func denominator(_ vector: Begun) -> Divided {
            Divided(index: vector.index, m: vector.m,
                    d: multiplyAdd(vector.root.root, Vector(repeating: scale), Vector(repeating: offset)))
        }

        /// The update in PyTorch's order, one element at a time, with the
        /// hardware square root: for the settings `isVectorisable` excludes.
        private func runScalar(_ p: UnsafeMutablePointer<Double>, _ g: UnsafePointer<Double>,
                               _ m: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, count: Int) {
            for i in 0 ..< count {
                let gi = adam.weightDecay != 0 ? g[i] + adam.weightDecay * p[i] : g[i]
                m[i] = weight1 < 0.5 ? m[i] + weight1 * (gi - m[i]) : gi - (gi - m[i]) * (1 - weight1)
                v[i] = v[i] * adam.beta2 + weight2 * gi * gi
                let denominator = v[i].squareRoot() * corrections.inverseCorrection2Root + adam.epsilon
                p[i] += -corrections.stepSize * m[i] / denominator
            }
        }
    }

    /// θ, g, m and v of one tensor.
    private struct Arrays {
        let p: UnsafeMutablePointer<Double>
        let g: UnsafePointer<Double>
        let m, v: UnsafeMutablePointer<Double>
    }

    /// A vector after the loop's first stage: where it is, its m, and its √v under way.
    private struct Begun {
        var index: Int
        var m: Vector
        var root: RootIteration
    }

    /// A vector after the loop's second stage: where it is, its m and its d.
    private struct Divided {
        var index: Int
        var m, d: Vector
    }

    /// √x, element by element, for finite x ≥ 0: `RootIteration(x).root`.
    @inline(__always)
    static func squareRoot(_ x: Vector) -> Vector {
        RootIteration(x).root
    }

    /// √x by Newton's iteration on the pair r ≈ √x, h ≈ 1/(2√x), from a first
    /// guess y ≈ 1/√x read off the bits of x (the "fast inverse square root"
    /// constant for doubles, within 3.5 %):
    ///
    ///     r ← xy, h ← y/2
    ///     e = ½ − rh;  r ← r·w(e), h ← h·w(e)      w(e) ≈ (1 − 2e)^(−½), a quadratic: within 2.5·10⁻⁵
    ///     e = ½ − rh;  r ← r(1 + e), h ← h(1 + e)  (Newton's step: within 10⁻⁹)
    ///     r ← r + h(x − r²)                        (Newton's step on r alone)
    ///
    /// With fused multiply-add (x − r² exact) the result is the correctly
    /// rounded √x for all but about 3 x in a thousand, which are 1 ulp off;
    /// without, within 1 ulp (1 in 8 off). √0 = 0; ∞ and NaN give NaN.
    /// Subnormal x get guesses too small, by up to all of it, and Newton's
    /// steps from below stay below: for them the result is some number in
    /// [0, √x].
    ///
    /// `init` takes the guess and the first step, `root` the rest, so that
    /// the loop can put other work between the two.
    struct RootIteration {
        /// x, r and −h.
        var x, r, minusH: Vector

        @inline(__always)
        init(_ x: Vector) {
            let magic: UInt64 = 0x5FE6_EB50_C7B5_37A9
            let halfBits = unsafeBitCast(x, to: Bits.self) &>> 1
            let y = unsafeBitCast(Bits(repeating: magic) &- halfBits, to: Vector.self)
            // −y/2: one less in the exponent, and the sign bit set.
            minusH = unsafeBitCast(Bits(repeating: (magic - (1 << 52)) | (1 << 63)) &- halfBits, to: Vector.self)
            r = x * y
            let e = multiplyAdd(r, minusH, Vector(repeating: 0.5))
            let w = multiplyAdd(multiplyAdd(Vector(repeating: 1.501_989), e, Vector(repeating: 1.002_191_5)), e,
                                Vector(repeating: 1.000_000_22))
            r *= w
            minusH *= w
            self.x = x
        }

        /// √x.
        var root: Vector {
            @inline(__always) get {
                let onePlusE = multiplyAdd(r, minusH, Vector(repeating: 1.5))
                let (r, minusH) = (r * onePlusE, minusH * onePlusE)
                // r + h(x − r²) = r + (−h)(r² − x)
                return multiplyAdd(minusH, multiplyAdd(r, r, negated(x)), r)
            }
        }
    }
}

/// The choices of `Adam.step` that depend on the settings only: weight
/// decay (λ ≠ 0), and the form of each lerp (weight 1 − β below ½ or not).
private protocol LoopChoices {
    var decay: Bool { get }
    var smallWeight1: Bool { get }
    var smallWeight2: Bool { get }
}

/// Any settings, looked at as the loop runs.
private struct Choices: LoopChoices {
    let decay, smallWeight1, smallWeight2: Bool
}

/// β₁, β₂ > ½ and λ = 0, known when the loop is compiled.
private struct Usual: LoopChoices {
    var decay: Bool { false }
    var smallWeight1: Bool { true }
    var smallWeight2: Bool { true }
}

/// β₁, β₂ > ½ and λ ≠ 0.
private struct UsualWithDecay: LoopChoices {
    var decay: Bool { true }
    var smallWeight1: Bool { true }
    var smallWeight2: Bool { true }
}

/// a·b + c: fused (one rounding) with `-D NNLAB_FMA` and on arm64 (see the
/// kernels' `multiplyAdd`), else a multiplication and an addition.
@inline(__always)
private func multiplyAdd(_ a: Adam.Vector, _ b: Adam.Vector, _ c: Adam.Vector) -> Adam.Vector {
    #if NNLAB_FMA || arch(arm64)
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}

/// −x. (Swift's prefix minus on vectors is 0 − x, which is +0 for x = 0 and
/// is not folded into a fused multiply-subtract.)
@inline(__always)
private func negated(_ x: Adam.Vector) -> Adam.Vector {
    Adam.Vector(repeating: -0.0) - x
}
