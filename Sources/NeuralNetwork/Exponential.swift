import Foundation

/// eˣ eight lanes at a time, for softmax, the one place a training step
/// needs exponentials by the thousand (a digits step takes about 1,300).
///
/// The textbook reduction: eˣ = 2ⁿ · eʳ with n = round(x / ln 2) and
/// r = x − n·ln 2, |r| ≤ ½ ln 2, where n·ln 2 is subtracted in two parts
/// (Cody and Waite: ln 2 = L₁ + L₂, L₁ with its last 21 bits zero so that
/// n·L₁ is exact for |n| < 2¹¹). eʳ is its Taylor polynomial of degree 13,
/// Σₖ rᵏ/k! by Horner's rule, whose truncation error r¹⁴/14! < 5·10⁻¹⁸ is far
/// below an ulp; 2ⁿ is built from its exponent bits.
///
/// Within 1 ulp of Foundation's `exp` (the test measures the largest
/// difference over a million points). Lanes outside [−708, 709], where 2ⁿ would
/// leave the normal range, and NaN take Foundation's `exp` instead; a lane's
/// result depends on its own x only. Platform-free inside that range: the
/// same bits on every machine for a given build (fused or not; see `multiplyAdd`).
@inline(__always)
func exponential(_ original: SIMD8<Double>) -> SIMD8<Double> {
    typealias V = SIMD8<Double>
    // Out-of-range and NaN lanes go through the polynomial as 0 and are
    // replaced at the end, so that each lane's bits depend on its own x only.
    let inRange = (original .>= V(repeating: -708)) .& (original .<= V(repeating: 709))
    let x = original.replacing(with: 0, where: .!inRange)
    // n = round(x / ln 2), to nearest even: adding 1.5·2⁵² pushes the fraction
    // out of the significand, so the low bits of `shifted` hold n.
    let shifter = V(repeating: 6_755_399_441_055_744)
    let shifted = x * V(repeating: 1.4426950408889634) + shifter
    let n = shifted - shifter
    // r = x − n·L₁ − n·L₂, L₁ = 0x3FE62E42FEE00000 and L₂ = 0x3DEA39EF35793C76;
    // n·L₁ is exact, and so is the first subtraction.
    var r = x
    multiplyAdd(&r, n, V(repeating: -0.6931471803691238))
    multiplyAdd(&r, n, V(repeating: -1.9082149292705877e-10))
    // Σₖ rᵏ/k!, k = 0 … 13, each 1/k! the double nearest to it, by Horner's rule.
    var p = V(repeating: 1.6059043836821613e-10)
    p = horner(p, r, 2.08767569878681e-09)
    p = horner(p, r, 2.505210838544172e-08)
    p = horner(p, r, 2.755731922398589e-07)
    p = horner(p, r, 2.7557319223985893e-06)
    p = horner(p, r, 2.48015873015873e-05)
    p = horner(p, r, 0.0001984126984126984)
    p = horner(p, r, 0.001388888888888889)
    p = horner(p, r, 0.008333333333333333)
    p = horner(p, r, 0.041666666666666664)
    p = horner(p, r, 0.16666666666666666)
    p = horner(p, r, 0.5)
    p = horner(p, r, 1)
    p = horner(p, r, 1)
    // 2ⁿ: the biased exponent n + 1023 in bits 52…62 (the bits of `shifted` are 0x4338…0 + n).
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int64>.self) &+ 1023) &<< 52
    var result = p * unsafeBitCast(exponent, to: V.self)
    if !all(inRange) {
        for lane in 0 ..< 8 where !inRange[lane] { result[lane] = exp(original[lane]) }
    }
    return result
}

/// One step of Horner's rule: p·r + c.
@inline(__always)
private func horner(_ p: SIMD8<Double>, _ r: SIMD8<Double>, _ c: Double) -> SIMD8<Double> {
    var next = SIMD8<Double>(repeating: c)
    multiplyAdd(&next, p, r)
    return next
}

/// The same eˣ for one number (lane 0 of the vector version), so that a loss
/// computed sample by sample has the bits of the softmax layer's.
@inline(__always)
func exponential(_ x: Double) -> Double {
    exponential(SIMD8(repeating: x))[0]
}
