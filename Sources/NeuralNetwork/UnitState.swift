/// Dead and saturated units of a layer, measured on the activations of one
/// forward pass over a set of N samples (a layer of n units, zₙⱼ and
/// aₙⱼ = f(zₙⱼ) of sample n and unit j).
///
/// - dead = (1/n) · #{ j : f′(zₙⱼ) = 0 for every n }: the units that pass no
///   gradient back from any sample, so their incoming weights never change
///   again. Measured for relu (f′ = 0 where z ≤ 0; read off a, since
///   z ≤ 0 exactly where relu(z) ≤ 0), leaky_relu (f′ = 0.01 on the negative
///   side: never dead, always 0) and zero (f′ = 0 everywhere: always 1).
/// - saturated = (1/(N n)) · #{ (n, j) : f′(zₙⱼ) < 0.01 · max f′ }: the share
///   of (sample, unit) pairs where the unit passes back less than 1% of the
///   most it can. Measured for sigmoid (f′ = a(1 − a), max ¼ at z = 0:
///   a(1 − a) < 0.0025, |z| > 5.99) and tanh (f′ = 1 − a², max 1: 1 − a² < 0.01,
///   |z| > 2.99), with f′ computed from a as backprop computes it.
///
/// Other activations (identity, softmax) have neither: nil. A NaN activation
/// counts as alive and unsaturated (relu′(NaN) = 1, and NaN < x is false).
public enum UnitState {
    /// The fraction of f′'s maximum below which a unit is saturated.
    public static let saturationFraction = 0.01

    /// Whether `dead` is measured for the activation (relu, leaky_relu, zero).
    public static func measuresDeadUnits(_ activation: Activation) -> Bool {
        switch activation {
        case .relu, .leakyRelu, .zero: return true
        case .identity, .sigmoid, .tanh, .softmax: return false
        }
    }

    /// The largest value of f′, for the activations that saturate: ¼ for sigmoid, 1 for tanh.
    public static func maximumDerivative(_ activation: Activation) -> Double? {
        switch activation {
        case .sigmoid: return 0.25
        case .tanh: return 1
        case .identity, .relu, .leakyRelu, .zero, .softmax: return nil
        }
    }

    /// deadˡ of a layer with this activation and activations `a` (N × n), using
    /// `unseen` (at least n slots, contents ignored) as scratch; nil where not measured.
    ///
    /// The rows are scanned only until every unit has been seen alive: each
    /// row checks just the units not yet seen, so a layer with no dead unit
    /// costs a few rows, and one with d dead units N·d comparisons more.
    public static func deadFraction(_ activation: Activation, a: Matrix, unseen: inout [Int32]) -> Double? {
        switch activation {
        case .leakyRelu: return 0
        case .zero: return 1
        case .relu: break
        case .identity, .sigmoid, .tanh, .softmax: return nil
        }
        let n = a.columns
        precondition(unseen.count >= n, "deadFraction needs scratch for \(n) units, got \(unseen.count)")
        guard a.rows > 0, n > 0 else { return 0 }
        var remaining = n
        a.elements.withUnsafeBufferPointer { pa in
            unseen.withUnsafeMutableBufferPointer { units in
                for j in 0 ..< n { units[j] = Int32(j) }
                var row = 0
                while remaining > 0 && row < a.rows {
                    let start = row * n
                    var kept = 0
                    for k in 0 ..< remaining {
                        let j = units[k]
                        // relu′(z) = 0 exactly where a = relu(z) ≤ 0; NaN counts as alive.
                        if pa[start + Int(j)] <= 0 {
                            units[kept] = j
                            kept += 1
                        }
                    }
                    remaining = kept
                    row += 1
                }
            }
        }
        return Double(remaining) / Double(n)
    }

    /// saturatedˡ of a layer with this activation and activations `a` (N × n); nil where not measured.
    public static func saturatedFraction(_ activation: Activation, a: Matrix) -> Double? {
        guard let peak = maximumDerivative(activation) else { return nil }
        guard !a.elements.isEmpty else { return 0 }
        let threshold = saturationFraction * peak
        var saturated = 0
        a.elements.withUnsafeBufferPointer { pa in
            if activation == .sigmoid {
                for i in pa.indices { saturated += pa[i] * (1 - pa[i]) < threshold ? 1 : 0 }
            } else {
                for i in pa.indices { saturated += 1 - pa[i] * pa[i] < threshold ? 1 : 0 }
            }
        }
        return Double(saturated) / Double(a.elements.count)
    }
}
