/// Numbers as nnlab writes them in CSV and JSON results: the shortest text that
/// reads back to the same Double (Swift's round-trip printing, with a whole
/// number's ".0" and an exponent's leading zeros dropped), and `nan`, `inf`,
/// `-inf` for the non-finite values.
///
/// Examples: 1 → "1", 0.1 → "0.1", 1e-05 → "1e-5", 1.5e+20 → "1.5e+20".
public func numberText(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x < 0 ? "-inf" : "inf" }
    var text = x.description
    if text.hasSuffix(".0") {
        text.removeLast(2)
    }
    if let e = text.firstIndex(of: "e") {
        var mantissa = String(text[..<e])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        var exponent = text[text.index(after: e)...]
        var sign = ""
        if let first = exponent.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : "+"
            exponent = exponent.dropFirst()
        }
        let digits = exponent.drop { $0 == "0" }
        text = mantissa + "e" + sign + (digits.isEmpty ? "0" : String(digits))
    }
    return text
}
