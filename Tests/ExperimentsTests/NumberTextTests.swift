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
}
