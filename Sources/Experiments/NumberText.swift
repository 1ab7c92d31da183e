/// Numbers as nnlab writes them in CSV and JSON results: the shortest text that
/// reads back to the same Double (Swift's round-trip printing, with a whole
/// number's ".0" and an exponent's leading zeros dropped), and `nan`, `inf`,
/// `-inf` for the non-finite values.
///
/// Examples: 1 → "1", 0.1 → "0.1", 1e-05 → "1e-5", 1.5e+20 → "1.5e+20".
public func numberText(_ x: Double) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(24)
    appendNumberText(x, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// Appends `numberText(x)`'s bytes: the form a curve file is written in, row
/// after row, without a string per number.
public func appendNumberText(_ x: Double, to out: inout [UInt8]) {
    if x.isNaN { return out += "nan".utf8 }
    if x.isInfinite { return out += (x < 0 ? "-inf" : "inf").utf8 }
    // Swift's round-trip digits, as `x.description` has them ("1.0", "1e-05"),
    // appended in place: `write(to:)` hands them over as bytes, where
    // `description` makes a String (on the heap past 15 bytes) per number.
    let start = out.count
    var digits = AppendedDigits()
    swap(&digits.bytes, &out)
    x.write(to: &digits)
    swap(&digits.bytes, &out)
    // Then the ".0" of a whole mantissa and the exponent's leading zeros out.
    let e = out[start...].firstIndex(of: UInt8(ascii: "e")) ?? out.count
    var exponent = e + 1
    if exponent < out.count, out[exponent] == UInt8(ascii: "-") || out[exponent] == UInt8(ascii: "+") { exponent += 1 }
    var zeros = exponent
    while zeros < out.count - 1, out[zeros] == UInt8(ascii: "0") { zeros += 1 }
    if zeros > exponent { out.removeSubrange(exponent ..< zeros) }
    if e - start >= 2, out[e - 2] == UInt8(ascii: "."), out[e - 1] == UInt8(ascii: "0") {
        out.removeSubrange(e - 2 ..< e)
    }
}

/// The text stream `Double.write(to:)` writes its digits to: the bytes of the
/// array being appended to. The standard library hands a number's ASCII
/// digits to `_writeASCII`, a requirement of `TextOutputStream` whose default
/// would make a String of them first.
private struct AppendedDigits: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        bytes += string.utf8
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}
