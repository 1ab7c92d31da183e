import Foundation

/// The activation function f of a layer, a = f(z), applied to each row of a batch.
///
/// All but softmax act element by element. Derivatives at kinks follow
/// PyTorch: relu′(0) = 0 and leaky_relu′(0) = 0.01. Non-finite values
/// propagate as PyTorch's do: relu(NaN) = NaN (relu passes z unless z ≤ 0),
/// relu′(NaN) = 1 (its backward passes the gradient unless the output is ≤ 0),
/// and every other activation but `zero` maps NaN to NaN.
public enum Activation: String, CaseIterable, Sendable {
    /// f(z) = z, f′(z) = 1.
    case identity
    /// f(z) = 1 / (1 + e⁻ᶻ), f′(z) = f(z)(1 − f(z)). Evaluated without overflow for any z.
    case sigmoid
    /// f(z) = tanh z, f′(z) = 1 − tanh² z.
    case tanh
    /// f(z) = max(0, z), f′(z) = 1 for z > 0, else 0; NaN stays NaN.
    case relu
    /// f(z) = z for z > 0, else 0.01·z; f′(z) = 1 for z > 0, else 0.01.
    case leakyRelu = "leaky_relu"
    /// fⱼ(z) = e^(zⱼ − max z) / Σₖ e^(zₖ − max z), over one sample's outputs;
    /// ∂fⱼ/∂zₖ = fⱼ(δⱼₖ − fₖ). Output layer only.
    case softmax
    /// f(z) = 0, f′(z) = 0: the constant function of the exercise.
    case zero

    /// The slope of leaky_relu for z ≤ 0.
    public static let leakySlope = 0.01

    /// Whether the activation may be used in a hidden layer (all but softmax).
    public var isAllowedInHiddenLayer: Bool { self != .softmax }

    /// f(z) for an element-wise activation. Softmax, which needs the whole row, is
    /// evaluated here for a single output as 1.
    @inlinable
    public func value(_ z: Double) -> Double {
        switch self {
        case .identity: return z
        case .sigmoid: return Activation.sigmoid(z)
        case .tanh: return Foundation.tanh(z)
        case .relu: return z <= 0 ? 0 : z
        case .leakyRelu: return z > 0 ? z : Activation.leakySlope * z
        case .softmax: return 1
        case .zero: return 0
        }
    }

    /// f′(z) for an element-wise activation, given z and a = f(z).
    /// Softmax has no element-wise derivative; use `backpropagate`.
    @inlinable
    public func derivative(z: Double, a: Double) -> Double {
        switch self {
        case .identity: return 1
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return z <= 0 ? 0 : 1
        case .leakyRelu: return z > 0 ? 1 : Activation.leakySlope
        case .softmax: preconditionFailure("softmax has no element-wise derivative")
        case .zero: return 0
        }
    }

    /// The logistic function, stable for large |z|: 1/(1 + e⁻ᶻ) for z ≥ 0, eᶻ/(1 + eᶻ) otherwise.
    @inlinable
    public static func sigmoid(_ z: Double) -> Double {
        if z >= 0 {
            return 1 / (1 + exp(-z))
        }
        let e = exp(z)
        return e / (1 + e)
    }

    /// a = f(z) for every row of the batch `z`, written into `a` (same shape).
    public func apply(_ z: Matrix, into a: inout Matrix) {
        precondition(z.rows == a.rows && z.columns == a.columns,
                     "activation needs z and a of one shape; got \(z.rows)×\(z.columns) and \(a.rows)×\(a.columns)")
        let columns = z.columns
        z.elements.withUnsafeBufferPointer { pz in
            a.elements.withUnsafeMutableBufferPointer { pa in
                switch self {
                case .softmax:
                    Activation.softmax(rows: z.rows, columns: columns, pz, pa, sums: nil)
                // One loop per activation, so that each is a plain loop the compiler vectorises.
                case .identity:
                    for i in pz.indices { pa[i] = pz[i] }
                case .relu:
                    for i in pz.indices { pa[i] = pz[i] <= 0 ? 0 : pz[i] }
                case .leakyRelu:
                    for i in pz.indices { pa[i] = pz[i] > 0 ? pz[i] : Activation.leakySlope * pz[i] }
                case .zero:
                    for i in pz.indices { pa[i] = 0 }
                case .sigmoid:
                    for i in pz.indices { pa[i] = Activation.sigmoid(pz[i]) }
                case .tanh:
                    for i in pz.indices { pa[i] = Foundation.tanh(pz[i]) }
                }
            }
        }
    }

    /// Softmax of each row of `z` into `a`; with `sums`, also each row's
    /// normalizer without its largest term, Σₖ≠ₘ e^(zₖ − max z) (m the first
    /// largest logit, whose term is e⁰ = 1), which the cross-entropy takes as
    /// log1p of it, so that a confident sample's small loss keeps its digits.
    static func softmax(_ z: Matrix, into a: inout Matrix, sums: inout [Double]) {
        precondition(z.rows == a.rows && z.columns == a.columns && sums.count == z.rows,
                     "softmax needs z and a of one shape and a sum per row; got \(z.rows)×\(z.columns), \(a.rows)×\(a.columns), \(sums.count) sums")
        z.elements.withUnsafeBufferPointer { pz in
            a.elements.withUnsafeMutableBufferPointer { pa in
                sums.withUnsafeMutableBufferPointer { ps in
                    softmax(rows: z.rows, columns: z.columns, pz, pa, sums: ps.baseAddress)
                }
            }
        }
    }

    /// Three passes: z − max z row by row, all the exponentials eight at a
    /// time (`exponential`), then each row's sum (in column order) and the division.
    private static func softmax(rows: Int, columns: Int, _ pz: UnsafeBufferPointer<Double>, _ pa: UnsafeMutableBufferPointer<Double>,
                                sums: UnsafeMutablePointer<Double>?) {
        guard let z = pz.baseAddress, let a = pa.baseAddress else { return }
        for row in 0 ..< rows {
            let start = row * columns
            var largest = -Double.infinity
            for j in start ..< start + columns where z[j] > largest { largest = z[j] }
            for j in start ..< start + columns { a[j] = z[j] - largest }
        }
        let count = rows * columns
        var i = 0
        while i + 8 <= count {
            store(exponential(load(SIMD8<Double>.self, a + i)), a + i)
            i += 8
        }
        if i < count {
            store(exponential(load(SIMD8<Double>.self, a + i, count: count - i)), a + i, count: count - i)
        }
        for row in 0 ..< rows {
            let start = row * columns
            var sum = 0.0
            for j in start ..< start + columns { sum += a[j] }
            if let sums {
                sums[row] = normalizerBeyondLargest(z + start, a + start, columns: columns)
            }
            for j in start ..< start + columns { a[j] /= sum }
        }
    }

    /// Σₖ≠ₘ eₖ over one row of k logits `z` and their exponentials e = e^(z − max z),
    /// in column order, m the first index of the largest logit.
    @inline(__always)
    static func normalizerBeyondLargest(_ z: UnsafePointer<Double>, _ e: UnsafePointer<Double>, columns k: Int) -> Double {
        var m = 0
        for j in 0 ..< k where z[j] > z[m] { m = j }
        var rest = 0.0
        for j in 0 ..< k where j != m { rest += e[j] }
        return rest
    }

    /// Turns ∂C/∂a into δ = ∂C/∂z in place, row by row:
    /// δ = ∂C/∂a ⊙ f′(z) element-wise, and for softmax δⱼ = aⱼ(gⱼ − Σₖ gₖaₖ).
    public func backpropagate(z: Matrix, a: Matrix, gradient: inout Matrix) {
        precondition(z.rows == gradient.rows && z.columns == gradient.columns && a.rows == z.rows && a.columns == z.columns,
                     "backpropagate needs z, a and ∂C/∂a of one shape; got \(z.rows)×\(z.columns), \(a.rows)×\(a.columns), \(gradient.rows)×\(gradient.columns)")
        let columns = z.columns
        z.elements.withUnsafeBufferPointer { pz in
            a.elements.withUnsafeBufferPointer { pa in
                gradient.elements.withUnsafeMutableBufferPointer { pg in
                    switch self {
                    case .identity:
                        break
                    case .softmax:
                        for row in 0 ..< z.rows {
                            let start = row * columns
                            var dot = 0.0
                            for j in start ..< start + columns { dot += pg[j] * pa[j] }
                            for j in start ..< start + columns { pg[j] = pa[j] * (pg[j] - dot) }
                        }
                    // One loop per activation, as in `apply`; each multiplies by f′ as `derivative` gives it.
                    case .relu:
                        for i in pz.indices { pg[i] *= pz[i] <= 0 ? 0 : 1 }
                    case .leakyRelu:
                        for i in pz.indices { pg[i] *= pz[i] > 0 ? 1 : Activation.leakySlope }
                    case .sigmoid:
                        for i in pz.indices { pg[i] *= pa[i] * (1 - pa[i]) }
                    case .tanh:
                        for i in pz.indices { pg[i] *= 1 - pa[i] * pa[i] }
                    case .zero:
                        for i in pz.indices { pg[i] *= 0 }
                    }
                }
            }
        }
    }
}
