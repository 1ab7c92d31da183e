import XCTest
@testable import Experiments

/// Results write numbers as the shortest text that reads back to the same Double.
final class NumberTextTests: XCTestCase {
    func testShortestRoundTripText() {
        let cases: [(Double, String)] = [
            (1, "1"), (0, "0"), (-0.0, "-0"), (0.1, "0.1"), (-2.5, "-2.5"), (1e-5, "1e-5"), (1.5e20, "1.5e+20"),
            (123_456_789, "123456789"), (0.30000000000000004, "0.30000000000000004"), (1e100, "1e+100"),
            (.leastNonzeroMagnitude, "5e-324"), (.nan, "nan"), (.infinity, "inf"), (-.infinity, "-inf"),
        ]
        for (value, text) in cases {
            XCTAssertEqual(numberText(value), text, "\(value)")
        }
    }

    func testTextReadsBackToTheSameDouble() {
        var x = 1.0 / 3
        for _ in 0 ..< 2_000 {
            x = x * 7.3 + 1e-7
            if x > 1e200 { x = 1 / x }
            let text = numberText(x)
            XCTAssertEqual(Double(text), x, text)
            XCTAssertEqual(Double(numberText(-x)), -x)
        }
    }

    /// The text appended in place is `description`'s, tidied: checked on
    /// 20,000 bit patterns of every magnitude, appended after other bytes.
    func testAppendedTextIsTheDescriptionTidied() {
        func tidied(_ description: String) -> String {
            let parts = description.split(separator: "e", omittingEmptySubsequences: false)
            var mantissa = String(parts[0])
            if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
            guard parts.count == 2 else { return mantissa }
            var exponent = Substring(parts[1]), sign = ""
            if let first = exponent.first, first == "-" || first == "+" { sign = String(first); exponent = exponent.dropFirst() }
            let digits = exponent.drop { $0 == "0" }
            return mantissa + "e" + sign + (digits.isEmpty ? "0" : String(digits))
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0 ..< 20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let x = Double(bitPattern: state)
            guard x.isFinite else { continue }
            var bytes = Array("x,".utf8)
            appendNumberText(x, to: &bytes)
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x," + tidied(x.description), "\(x)")
        }
    }
}
