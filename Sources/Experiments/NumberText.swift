/// Numbers as nnlab writes them in CSV and JSON results: the shortest text that
/// reads back to the same Double (Swift's round-trip printing, with a whole
/// number's ".0" and an exponent's leading zeros dropped), and `nan`, `inf`,
/// `-inf` for the non-finite values.
///
/// Examples: 1 → "1", 0.1 → "0.1", 1e-05 → "1e-5", 1.5e+20 → "1.5e+20".
public func numberText(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    // Byte by byte (the text is ASCII): Character-wise search and suffix
    // tests cost more than the printing, and a curve file has thousands of numbers.
    let text = x.description
    let bytes = Array(text.utf8)
    guard let e = bytes.firstIndex(of: UInt8(ascii: "e")) else {
        return bytes.hasWholeSuffix ? String(decoding: bytes.dropLast(2), as: UTF8.self) : text
    }
    let mantissa = bytes[..<e].hasWholeSuffix ? bytes[..<(e - 2)] : bytes[..<e]
    var exponent = bytes[(e + 1)...]
    var sign = ""
    if let first = exponent.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
        sign = first == UInt8(ascii: "-") ? "-" : "+"
        exponent = exponent.dropFirst()
    }
    let digits = exponent.drop { $0 == UInt8(ascii: "0") }
    return String(decoding: mantissa, as: UTF8.self) + "e" + sign + (digits.isEmpty ? "0" : String(decoding: digits, as: UTF8.self))
}

private extension Collection where Element == UInt8, Index == Int {
    /// Whether the text ends in ".0", the fraction of a whole number.
    var hasWholeSuffix: Bool {
        count >= 2 && self[endIndex - 2] == UInt8(ascii: ".") && self[endIndex - 1] == UInt8(ascii: "0")
    }
}
