/// The seeded random number generator behind every random choice nnlab makes:
/// weight initialisation, shuffling and the synthetic data sets.
///
/// The algorithm is fixed and documented so that a seed means the same numbers
/// on every machine and in every version:
///
/// - **State**: xoshiro256** (Blackman and Vigna, 2018), 256 bits.
/// - **Seeding**: the four state words are the first four outputs of
///   SplitMix64 started at the 64-bit seed.
/// - **Uniform draws**: `next() >> 11` scaled by 2⁻⁵³, a Double in [0, 1)
///   with 53 random bits.
/// - **Bounded integers**: Lemire's nearly-divisionless multiply-and-reject
///   method, unbiased.
/// - **Normal draws**: Marsaglia's polar method on two uniform draws in
///   (−1, 1); the second normal of each accepted pair is discarded, so every
///   draw consumes a whole number of accepted pairs. Its logarithm is
///   `portableLog`, made of IEEE-754 arithmetic only, so even normal draws do
///   not depend on the platform's math library.
///
/// It is not cryptographically secure. It does not promise the same streams as
/// NumPy or PyTorch.
public struct Generator: RandomNumberGenerator, Sendable, Equatable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose stream is determined by `seed` alone.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// A generator for a signed seed, as experiment files write them
    /// (the seed's two's-complement bits).
    public init(seed: Int) {
        self.init(seed: UInt64(bitPattern: Int64(seed)))
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    /// A uniform Double in [0, 1): the top 53 bits of `next()` times 2⁻⁵³.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform Double in [low, high): `low + (high − low)·u`.
    public mutating func nextUniform(in low: Double, _ high: Double) -> Double {
        low + (high - low) * nextUniform()
    }

    /// An unbiased integer in 0 ..< bound (Lemire's method); `bound` > 0.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A standard normal draw N(0, 1) by Marsaglia's polar method:
    /// u, v uniform in (−1, 1), s = u² + v², rejected unless 0 < s < 1,
    /// then u·√(−2 ln s / s). The partner v·√(−2 ln s / s) is discarded.
    public mutating func nextNormal() -> Double {
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * portableLog(s) / s).squareRoot()
            }
        }
    }

    /// A normal draw with the given mean and standard deviation.
    public mutating func nextNormal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * nextNormal()
    }

    /// Shuffles `indices` in place by Fisher–Yates, from the last element down:
    /// for i = n−1 … 1, swap element i with element `nextInt(below: i + 1)`.
    public mutating func shuffle(_ indices: inout [Int]) {
        var i = indices.count - 1
        while i > 0 {
            let j = nextInt(below: i + 1)
            indices.swapAt(i, j)
            i -= 1
        }
    }

    private func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// The natural logarithm of a positive, finite x, computed with IEEE-754
/// arithmetic only, so it gives the same bits on every platform.
///
/// x = m·2ᵉ with m in [√½, √2); ln m = 2·atanh(f) with f = (m − 1)/(m + 1),
/// summed as the odd series 2(f + f³/3 + f⁵/5 + …) until it no longer changes,
/// plus e·ln 2 (ln 2 split in two parts). Error within a few ulps; not
/// correctly rounded. Returns nan for x ≤ 0 or non-finite x.
public func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return .nan }
    var exponent = Double(x.exponent)
    var m = x.significand  // in [1, 2)
    if m > 1.414_213_562_373_095_1 {
        m /= 2
        exponent += 1
    }
    let f = (m - 1) / (m + 1)
    let f2 = f * f
    var term = f
    var sum = 0.0
    var k = 1.0
    while true {
        let next = sum + term / k
        if next == sum { break }
        sum = next
        term *= f2
        k += 2
    }
    let ln2High = 0.693_147_180_369_123_8  // 0x1.62e42feep-1, exact in 32 bits
    let ln2Low = 1.908_214_929_270_587_7e-10  // ln 2 − ln2High
    return exponent * ln2High + (2 * sum + exponent * ln2Low)
}
