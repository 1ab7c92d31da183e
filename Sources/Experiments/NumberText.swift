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
    var text = x.description
    // Byte by byte (the text is ASCII, and native: contiguous UTF-8).
    text.withUTF8 { bytes in
        func wholeSuffix(_ end: Int) -> Bool {
            end >= 2 && bytes[end - 2] == UInt8(ascii: ".") && bytes[end - 1] == UInt8(ascii: "0")
        }
        guard let e = bytes.firstIndex(of: UInt8(ascii: "e")) else {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<(wholeSuffix(bytes.count) ? bytes.count - 2 : bytes.count)]))
            return
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[..<(wholeSuffix(e) ? e - 2 : e)]))
        out.append(UInt8(ascii: "e"))
        var i = e + 1
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            out.append(bytes[i])
            i += 1
        }
        while i < bytes.count - 1, bytes[i] == UInt8(ascii: "0") { i += 1 }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i...]))
    }
}
