import Foundation
import XCTest
@testable import NeuralNetwork

/// The generator's streams are part of the file format's promise: a seed must
/// mean the same numbers everywhere and in every version.
final class RandomTests: XCTestCase {
    /// Reference values from an independent Python implementation of
    /// SplitMix64 seeding and xoshiro256**.
    func testStreamsMatchTheReferenceAlgorithm() {
        var zero = Generator(seed: 0)
        XCTAssertEqual((0 ..< 4).map { _ in zero.next() },
                       [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0, 0x6AA5_94F1_262D_2D2C])
        var fortyTwo = Generator(seed: 42)
        XCTAssertEqual((0 ..< 4).map { _ in fortyTwo.next() },
                       [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1, 0xECB8_AD47_03B3_60A1])
        var uniform = Generator(seed: 42)
        XCTAssertEqual(uniform.nextUniform(), 0.08386297105988216)
        XCTAssertEqual(uniform.nextUniform(), 0.3789802506626686)
    }

    func testNegativeSeedsUseTheirTwosComplementBits() {
        var a = Generator(seed: -1)
        var b = Generator(seed: UInt64.max)
        XCTAssertEqual(a.next(), b.next())
    }

    func testUniformDrawsAreInTheUnitIntervalWithTheRightMoments() {
        var g = Generator(seed: 7)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0 ..< n {
            let u = g.nextUniform()
            XCTAssert(u >= 0 && u < 1)
            sum += u
            sumSquares += u * u
        }
        let mean = sum / Double(n)
        XCTAssertEqual(mean, 0.5, accuracy: 0.005)
        XCTAssertEqual(sumSquares / Double(n) - mean * mean, 1.0 / 12, accuracy: 0.002)
    }

    func testNormalDrawsHaveMeanZeroAndVarianceOne() {
        var g = Generator(seed: 3)
        let n = 200_000
        var sum = 0.0, sumSquares = 0.0, beyondTwo = 0
        for _ in 0 ..< n {
            let x = g.nextNormal()
            sum += x
            sumSquares += x * x
            if abs(x) > 2 { beyondTwo += 1 }
        }
        XCTAssertEqual(sum / Double(n), 0, accuracy: 0.01)
        XCTAssertEqual(sumSquares / Double(n), 1, accuracy: 0.02)
        // P(|X| > 2) = 0.0455 for a standard normal.
        XCTAssertEqual(Double(beyondTwo) / Double(n), 0.0455, accuracy: 0.003)
    }

    func testBoundedIntegersAreUnbiased() {
        var g = Generator(seed: 11)
        var counts = Array(repeating: 0, count: 7)
        let n = 70_000
        for _ in 0 ..< n { counts[g.nextInt(below: 7)] += 1 }
        // Chi-square with 6 degrees of freedom: 22.5 is its 99.9th percentile.
        let expected = Double(n) / 7
        let chiSquare = counts.reduce(0) { $0 + pow(Double($1) - expected, 2) / expected }
        XCTAssertLessThan(chiSquare, 22.5, "counts \(counts)")
        XCTAssertEqual(g.nextInt(below: 1), 0)
    }

    func testShuffleIsAPermutationDecidedBySeed() {
        var a = Generator(seed: 5), b = Generator(seed: 5), c = Generator(seed: 6)
        var x = Array(0 ..< 50), y = Array(0 ..< 50), z = Array(0 ..< 50)
        a.shuffle(&x)
        b.shuffle(&y)
        c.shuffle(&z)
        XCTAssertEqual(x, y)
        XCTAssertNotEqual(x, z)
        XCTAssertEqual(x.sorted(), Array(0 ..< 50))
        XCTAssertNotEqual(x, Array(0 ..< 50))
    }

    func testPortableLogAgreesWithTheMathLibraryToAFewUlps() {
        var g = Generator(seed: 1)
        var worst = 0.0
        for _ in 0 ..< 20_000 {
            let x = exp(g.nextUniform(in: -40, 40))
            let ulps = abs(portableLog(x) - log(x)) / log(x).ulp
            worst = max(worst, ulps)
        }
        for x in [1.0, 2.0, 0.5, 1e-300, 1e300, 0.999_999_999, 1.000_000_001, Double.leastNonzeroMagnitude] {
            let ulps = abs(portableLog(x) - log(x)) / max(log(x).ulp, Double.leastNonzeroMagnitude)
            worst = max(worst, x == 1 ? (portableLog(x) == 0 ? 0 : .infinity) : ulps)
        }
        XCTAssertLessThanOrEqual(worst, 4)
        XCTAssert(portableLog(0).isNaN && portableLog(-1).isNaN && portableLog(.infinity).isNaN)
    }
}
