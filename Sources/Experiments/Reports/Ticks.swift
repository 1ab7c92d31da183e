import Foundation

/// Tick values and tick labels for chart axes.
///
/// Every tick is the Double nearest to a short decimal (`0.3`, not
/// `0.30000000000000004`): ticks are built as the decimal text `m e p` and read
/// back, never by adding steps up.
public enum Ticks {
    /// "Nice" linear ticks covering [low, high]: equally spaced multiples of a step
    /// s × 10ᵏ with s ∈ {1, 2, 2.5, 5}, the smallest such step that gives at most
    /// `target` intervals. The first tick is ≤ low and the last ≥ high, so a chart
    /// can use [first, last] as a padded range (linear(0, 97) = 0, 20, …, 100).
    ///
    /// - `low > high` is read as `high … low`.
    /// - `low == high` covers `v ± |v|/10` (`± 1` for 0), so a flat line sits inside the ticks.
    /// - `target` is clamped to 1 … 50; the result has at most `target + 2` values.
    /// - Non-finite bounds give `[]`; a tick past the largest Double is that Double.
    ///   Ranges too narrow for distinct Doubles at the
    ///   chosen step give the ticks that remain distinct (at least one).
    public static func linear(_ low: Double, _ high: Double, target: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite else { return [] }
        var (low, high) = (min(low, high), max(low, high))
        if low == high {
            let half = low == 0 ? 1 : max(abs(low) / 10, Double.leastNormalMagnitude)
            low = max(low - half, -Double.greatestFiniteMagnitude)
            high = min(high + half, Double.greatestFiniteMagnitude)
        }
        let intervals = Double(min(max(target, 1), 50))
        var raw = (high - low) / intervals
        if !raw.isFinite { raw = high / intervals - low / intervals }   // the span overflowed
        guard raw > 0, raw.isFinite else { return [low, high] }

        // The step as an integer mantissa and a power of ten: s × 10^p.
        var exponent = Int(floor(log10(raw)))
        if decimal(1, exponent) > raw { exponent -= 1 }
        if decimal(1, exponent + 1) <= raw { exponent += 1 }
        let fraction = raw / decimal(1, exponent)                       // in [1, 10)
        let slack = 1 + 1e-9
        let (mantissa, power): (Int, Int)
        if fraction <= 1 * slack { (mantissa, power) = (1, exponent) }
        else if fraction <= 2 * slack { (mantissa, power) = (2, exponent) }
        else if fraction <= 2.5 * slack { (mantissa, power) = (25, exponent - 1) }
        else if fraction <= 5 * slack { (mantissa, power) = (5, exponent) }
        else { (mantissa, power) = (1, exponent + 1) }
        let step = decimal(mantissa, power)

        let first = floor(low / step + 1e-9), last = ceil(high / step - 1e-9)
        guard let firstIndex = Int(exactly: first), let lastIndex = Int(exactly: last), firstIndex <= lastIndex else {
            return [low, high]
        }
        var ticks: [Double] = []
        for index in firstIndex ... lastIndex {
            let (units, overflow) = index.multipliedReportingOverflow(by: mantissa)
            if overflow { return [low, high] }
            // Beyond the Double range (covering ±greatestFiniteMagnitude): the largest finite value.
            let value = min(max(decimal(units, power), -Double.greatestFiniteMagnitude), Double.greatestFiniteMagnitude)
            if ticks.last != value { ticks.append(value) }
        }
        return ticks
    }

    /// Log ticks (base 10) covering [low, high]: from the power of ten at or below
    /// `low` to the power of ten at or above `high`.
    ///
    /// - At most 2 decades between those powers: also the 2× and 5× ticks
    ///   (log(0.5, 3) = 0.1, 0.2, 0.5, 1, 2, 5, 10).
    /// - Otherwise powers of ten, every k-th one for the smallest k in
    ///   1, 2, 3, 5, 10, 20, 25, 50, 100, 200 that leaves at most 8, at exponents that
    ///   are multiples of k (1e-300 … 1e300 gives 1e-300, 1e-200, …, 1e300).
    /// - `low == high`, a power of ten, covers the decade on either side.
    /// - Bounds that are not finite and positive give `[]`. Powers beyond the
    ///   Double range (above 1e308, below 1e-323) are left out, so near those
    ///   limits the ticks do not quite cover.
    public static func log(_ low: Double, _ high: Double) -> [Double] {
        guard low.isFinite, high.isFinite, low > 0, high > 0 else { return [] }
        let (low, high) = (min(low, high), max(low, high))
        var lowExponent = floorLog10(low), highExponent = floorLog10(high)
        if decimal(1, highExponent) < high { highExponent += 1 }
        if lowExponent == highExponent {
            lowExponent -= 1
            highExponent += 1
        }
        let representable = -323 ... 308
        let decades = highExponent - lowExponent
        if decades <= 2 {
            var ticks: [Double] = []
            for exponent in lowExponent ..< highExponent where representable.contains(exponent) {
                ticks += [decimal(1, exponent), decimal(2, exponent), decimal(5, exponent)]
            }
            if representable.contains(highExponent) { ticks.append(decimal(1, highExponent)) }
            return ticks.filter { $0 > 0 && $0.isFinite }
        }
        for stride in [1, 2, 3, 5, 10, 20, 25, 50, 100, 200] {
            let first = floorDivide(lowExponent, stride), last = -floorDivide(-highExponent, stride)
            guard last - first + 1 <= 8 else { continue }
            return (first ... last).map { $0 * stride }.filter { representable.contains($0) }
                .map { decimal(1, $0) }.filter { $0 > 0 && $0.isFinite }
        }
        return [low, high]   // not reached: a stride of 200 spans every Double in 4 ticks
    }

    /// Tick label text: the value rounded to 15 significant digits (which removes
    /// floating-point noise: 0.30000000000000004 → "0.3"), with no trailing zeros.
    ///
    /// Plain decimals for 0.001 ≤ |v| < 1e6 ("0.001", "0.25", "100000"), otherwise
    /// exponent form without "+" or leading zeros ("1e-5", "2.5e-7", "1e6").
    /// "0" for both zeros; "nan", "inf", "-inf"; an ASCII hyphen for the minus sign.
    public static func label(_ value: Double) -> String {
        SVG.number(value, significantDigits: 15)
    }

    /// The Double nearest to `mantissa` × 10^`exponent` (correctly rounded, as the
    /// decimal text is parsed).
    static func decimal(_ mantissa: Int, _ exponent: Int) -> Double {
        Double("\(mantissa)e\(exponent)") ?? 0
    }

    /// The largest k with 10ᵏ ≤ x, for finite x > 0 (correcting log10's rounding).
    static func floorLog10(_ x: Double) -> Int {
        var exponent = Int(floor(log10(x)))
        while exponent > -330, decimal(1, exponent) > x { exponent -= 1 }
        while exponent < 310, decimal(1, exponent + 1) <= x { exponent += 1 }
        return exponent
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
