import Foundation

/// A strict RFC 8259 JSON reader that keeps what Foundation's readers drop:
/// the order of object members, each number's literal text, and the line and
/// column where every value and every key starts.
///
/// Strict means: no comments, no trailing commas, no single quotes, no NaN or
/// Infinity, no leading zeros or leading '+' in numbers, whitespace is exactly
/// space, tab, CR and LF. Beyond RFC 8259 it refuses:
///
/// - duplicate keys in one object (reported at the second key). Keys are
///   compared as Swift Strings, that is up to Unicode canonical equivalence:
///   "é" written precomposed and decomposed are the same key, so
///   `JSONValue.member(_:)` is never ambiguous;
/// - numbers whose magnitude overflows a Double (1e400). Underflow is not an
///   error: 1e-400 reads as 0 and 5e-324 as the smallest subnormal;
/// - nesting deeper than `maximumDepth` arrays and objects.
///
/// Surrogate pairs written as two \u escapes are combined; a lone surrogate
/// is an error. \u0000 is allowed and gives U+0000 in the string. A byte order
/// mark at the very start is skipped (in both the String and the Data form)
/// and does not count as a column.
///
/// The reader works on UTF-8 bytes in one pass without recursion, so hostile
/// input can neither overflow the stack nor trap: every input either returns
/// a node or throws a `JSONSyntaxError`. The error is the first one in file
/// order, except that invalid UTF-8 in `parse(_: Data)` is reported before
/// anything else.
public enum JSONReader {
    /// How many arrays and objects may be open at once; the first `[` or `{`
    /// past it is an error ("nesting deeper than 512 levels").
    public static let maximumDepth = 512

    /// Reads one JSON value, surrounded by optional whitespace, from `text`.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.parseDocument()
    }

    /// Reads one JSON value from UTF-8 bytes. The bytes must be strict UTF-8
    /// (no overlong forms, no encoded surrogates, nothing past U+10FFFF); the
    /// first ill-formed sequence is reported at the location of its first
    /// byte. A leading byte order mark (EF BB BF) is skipped.
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONNode {
        var parser = Parser(bytes: [UInt8](data))
        try parser.validateUTF8()
        return try parser.parseDocument()
    }
}

// MARK: - Bytes

private enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let lowerE = UInt8(ascii: "e")
    static let upperE = UInt8(ascii: "E")
    static let lowerU = UInt8(ascii: "u")

    static func isDigit(_ b: UInt8) -> Bool { b >= zero && b <= nine }

    static func isLetter(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    static func isWordByte(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) || b == UInt8(ascii: "_") }

    static func isNumberByte(_ b: UInt8) -> Bool {
        isDigit(b) || b == minus || b == plus || b == dot || b == lowerE || b == upperE
    }

    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case zero...nine: return UInt32(b - zero)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}

/// "U+000A": a code point as messages name it.
private func codePointName(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
}

/// "0xC3": a byte as messages name it.
private func byteName(_ b: UInt8) -> String {
    let hex = String(b, radix: 16, uppercase: true)
    return "0x" + (hex.count < 2 ? "0" : "") + hex
}

/// Whether a scalar can be shown between quotes in a message; the others
/// (controls, spaces other than ' ', format characters, combining marks,
/// unassigned and private-use code points) are named as U+XXXX.
private func isShowable(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned,
         .spaceSeparator, .lineSeparator, .paragraphSeparator,
         .nonspacingMark, .spacingMark, .enclosingMark:
        return false
    default:
        return true
    }
}

/// Text quoted in a message, cut at 40 characters.
private func abbreviated(_ text: String) -> String {
    text.count <= 40 ? text : String(text.prefix(40)) + "…"
}

// MARK: - Parser

private struct Parser {
    /// An array or object that has been opened and not yet closed.
    struct Frame {
        var isObject: Bool
        var location: SourceLocation
        var elements: [JSONNode] = []
        var members: [JSONMember] = []
        /// Keys seen so far in this object, with where each was.
        var keyLocations: [String: SourceLocation] = [:]
        /// The key whose value is being read.
        var key = ""
        var keyLocation = SourceLocation(line: 0, column: 0)
    }

    let bytes: [UInt8]
    /// Where the text starts: 3 past a byte order mark, else 0.
    let start: Int
    var pos: Int

    // The line and column of `cursorOffset`, advanced as the parse moves
    // forward so that finding a location costs O(distance moved).
    var cursorOffset: Int
    var cursorLine = 1
    var cursorColumn = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        start = hasBOM ? 3 : 0
        pos = start
        cursorOffset = start
    }

    // MARK: Locations

    /// The line and column of byte offset `p` (clamped to the end of the
    /// text). The column counts the scalars before `p` on its line, which for
    /// valid UTF-8 is the number of bytes that are not continuation bytes.
    mutating func location(at p: Int) -> SourceLocation {
        let target = min(max(p, start), bytes.count)
        if target < cursorOffset {
            cursorOffset = start
            cursorLine = 1
            cursorColumn = 1
        }
        var i = cursorOffset
        while i < target {
            let b = bytes[i]
            if b == ASCII.lineFeed {
                if !(i > start && bytes[i - 1] == ASCII.carriageReturn) { cursorLine += 1 }
                cursorColumn = 1
            } else if b == ASCII.carriageReturn {
                cursorLine += 1
                cursorColumn = 1
            } else if b & 0xC0 != 0x80 {
                cursorColumn += 1
            }
            i += 1
        }
        cursorOffset = target
        return SourceLocation(line: cursorLine, column: cursorColumn)
    }

    func error(_ message: String, at location: SourceLocation) -> JSONSyntaxError {
        JSONSyntaxError(message, at: location)
    }

    mutating func error(_ message: String, atOffset p: Int) -> JSONSyntaxError {
        JSONSyntaxError(message, at: location(at: p))
    }

    // MARK: UTF-8

    /// Throws at the first ill-formed UTF-8 sequence (Unicode Table 3-7).
    mutating func validateUTF8() throws(JSONSyntaxError) {
        var i = start
        let n = bytes.count
        while i < n {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            var length = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default:
                throw error("invalid UTF-8 byte \(byteName(lead))", atOffset: i)
            }
            var wellFormed = i + length <= n && bytes[i + 1] >= low && bytes[i + 1] <= high
            var k = 2
            while wellFormed && k < length {
                wellFormed = bytes[i + k] & 0xC0 == 0x80
                k += 1
            }
            guard wellFormed else {
                throw error("invalid UTF-8 sequence starting with byte \(byteName(lead))", atOffset: i)
            }
            i += length
        }
    }

    /// The scalar whose UTF-8 encoding starts at `p`, or nil when the bytes
    /// there are not one (never traps, whatever the bytes).
    func scalar(at p: Int) -> Unicode.Scalar? {
        guard p < bytes.count else { return nil }
        let lead = bytes[p]
        let length: Int
        var value: UInt32
        switch lead {
        case 0x00...0x7F: return Unicode.Scalar(lead)
        case 0xC0...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF7: length = 4; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard p + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[p + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        return Unicode.Scalar(value)
    }

    // MARK: Messages

    /// The bytes from `p` while `accept` holds, as text.
    func run(from p: Int, while accept: (UInt8) -> Bool) -> String {
        var end = p
        while end < bytes.count && accept(bytes[end]) { end += 1 }
        return String(decoding: bytes[p..<end], as: UTF8.self)
    }

    /// What stands at `p` < end of text, for "found ...": "a string", a
    /// quoted word, number or character, or a code point name.
    func describe(at p: Int) -> String {
        let b = bytes[p]
        if b == ASCII.quote { return "a string" }
        if b == ASCII.apostrophe { return "\"'\"" }
        if ASCII.isDigit(b) || b == ASCII.minus {
            return "'" + abbreviated(run(from: p, while: ASCII.isNumberByte)) + "'"
        }
        if ASCII.isWordByte(b) {
            return "'" + abbreviated(run(from: p, while: ASCII.isWordByte)) + "'"
        }
        if b > ASCII.space && b < 0x7F { return "'" + String(UnicodeScalar(b)) + "'" }
        if b < 0x80 { return codePointName(UInt32(b)) }
        guard let scalar = scalar(at: p) else { return "byte " + byteName(b) }
        return isShowable(scalar) ? "'" + String(scalar) + "'" : codePointName(scalar.value)
    }

    /// "expected X, found Y", or "unexpected end of file; expected X", at `p`.
    mutating func expected(_ what: String, at p: Int) -> JSONSyntaxError {
        if p >= bytes.count {
            return error("unexpected end of file; expected \(what)", atOffset: p)
        }
        if isComment(at: p) {
            return error("comments are not allowed in JSON", atOffset: p)
        }
        var message = "expected \(what), found \(describe(at: p))"
        if bytes[p] == ASCII.apostrophe {
            message += " (JSON strings use double quotes)"
        }
        return error(message, atOffset: p)
    }

    func isComment(at p: Int) -> Bool {
        p + 1 < bytes.count && bytes[p] == ASCII.slash && (bytes[p + 1] == ASCII.slash || bytes[p + 1] == ASCII.star)
    }

    // MARK: Structure

    mutating func skipWhitespace() {
        while pos < bytes.count {
            let b = bytes[pos]
            guard b == ASCII.space || b == ASCII.lineFeed || b == ASCII.carriageReturn || b == ASCII.tab else { return }
            pos += 1
        }
    }

    /// Reads the whole text: one value between optional whitespace.
    ///
    /// Iterative: `stack` holds the open containers. Each turn of the outer
    /// loop reads one value; a scalar or an empty container is finished at
    /// once and handed to the inner loop, which attaches it to the open
    /// container and closes every container that ends there, until a ',' asks
    /// for the next value.
    mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
        var stack: [Frame] = []
        var expecting = "a value"
        skipWhitespace()
        readingValues: while true {
            guard pos < bytes.count else { throw expected(expecting, at: pos) }
            let here = location(at: pos)
            var node: JSONNode
            switch bytes[pos] {
            case ASCII.openBrace, ASCII.openBracket:
                let isObject = bytes[pos] == ASCII.openBrace
                guard stack.count < JSONReader.maximumDepth else {
                    throw error("nesting deeper than \(JSONReader.maximumDepth) levels", at: here)
                }
                pos += 1
                skipWhitespace()
                let close = isObject ? ASCII.closeBrace : ASCII.closeBracket
                if pos < bytes.count && bytes[pos] == close {
                    pos += 1
                    node = JSONNode(isObject ? .object([]) : .array([]), at: here)
                } else if isObject {
                    var frame = Frame(isObject: true, location: here)
                    try readKey(into: &frame, in: stack[...], expecting: "a string key or '}'")
                    stack.append(frame)
                    expecting = "a value"
                    continue readingValues
                } else {
                    stack.append(Frame(isObject: false, location: here))
                    expecting = "a value or ']'"
                    continue readingValues
                }
            case ASCII.quote, ASCII.minus, ASCII.zero...ASCII.nine:
                do {
                    node = bytes[pos] == ASCII.quote ? JSONNode(.string(try readString()), at: here) : try readNumber(at: here)
                } catch {
                    throw located(error, in: stack)
                }
            default:
                do {
                    node = try readLiteral(at: here, expecting: expecting)
                } catch {
                    throw located(error, in: stack)
                }
            }

            // Attach `node` to the innermost open container; close containers.
            while true {
                skipWhitespace()
                guard !stack.isEmpty else {
                    if pos < bytes.count {
                        throw error(isComment(at: pos) ? "comments are not allowed in JSON"
                                                       : "trailing text after the JSON value", atOffset: pos)
                    }
                    return node
                }
                let top = stack.count - 1
                let isObject = stack[top].isObject
                if isObject {
                    stack[top].members.append(JSONMember(key: stack[top].key, keyLocation: stack[top].keyLocation, value: node))
                } else {
                    stack[top].elements.append(node)
                }
                let close = isObject ? ASCII.closeBrace : ASCII.closeBracket
                guard pos < bytes.count && (bytes[pos] == ASCII.comma || bytes[pos] == close) else {
                    throw expected(isObject ? "',' or '}' after an object member" : "',' or ']' after a list element", at: pos)
                }
                if bytes[pos] == ASCII.comma {
                    let comma = pos
                    pos += 1
                    skipWhitespace()
                    if pos < bytes.count && bytes[pos] == close {
                        throw error("trailing comma before '\(isObject ? "}" : "]")'", atOffset: comma)
                    }
                    if isObject {
                        var frame = stack.removeLast()
                        defer { stack.append(frame) }
                        try readKey(into: &frame, in: stack[...], expecting: "a string key")
                    }
                    expecting = "a value"
                    continue readingValues
                }
                pos += 1
                let frame = stack.removeLast()
                node = JSONNode(frame.isObject ? .object(frame.members) : .array(frame.elements), at: frame.location)
            }
        }
    }

    /// `error` with the path of the value being read: the keys and indices of
    /// the open containers.
    func located(_ error: JSONSyntaxError, in stack: [Frame], key: String? = nil) -> JSONSyntaxError {
        var path = ""
        for frame in stack {
            path = frame.isObject ? joinPath(path, frame.key) : path + "[\(frame.elements.count)]"
        }
        if let key { path = joinPath(path, key) }
        var error = error
        error.path = path
        return error
    }

    /// Reads `"key"`, refuses a duplicate, then reads ':' and the whitespace
    /// after it. `stack` holds the containers around the object, for the path
    /// of a duplicate.
    mutating func readKey(into frame: inout Frame, in stack: ArraySlice<Frame>, expecting what: String) throws(JSONSyntaxError) {
        guard pos < bytes.count && bytes[pos] == ASCII.quote else { throw expected(what, at: pos) }
        let keyLocation = location(at: pos)
        let key = try readString()
        if let first = frame.keyLocations[key] {
            let whereFirst = first.line == keyLocation.line ? "column \(first.column)" : "line \(first.line)"
            throw located(error("duplicate key \(JSONWriter.quoted(abbreviated(key))) (first at \(whereFirst))", at: keyLocation),
                          in: Array(stack), key: key)
        }
        frame.keyLocations[key] = keyLocation
        frame.key = key
        frame.keyLocation = keyLocation
        skipWhitespace()
        guard pos < bytes.count && bytes[pos] == ASCII.colon else { throw expected("':' after an object key", at: pos) }
        pos += 1
        skipWhitespace()
    }

    // MARK: Scalars

    /// Reads `true`, `false` or `null` at `pos`; anything else is an error.
    mutating func readLiteral(at location: SourceLocation, expecting what: String) throws(JSONSyntaxError) -> JSONNode {
        let b = bytes[pos]
        if b == ASCII.plus { throw error("a number cannot start with '+'", at: location) }
        if b == ASCII.dot { throw error("a number cannot start with '.'", at: location) }
        guard ASCII.isWordByte(b) else { throw expected(what, at: pos) }
        let word = run(from: pos, while: ASCII.isWordByte)
        switch word {
        case "true":
            pos += 4
            return JSONNode(.bool(true), at: location)
        case "false":
            pos += 5
            return JSONNode(.bool(false), at: location)
        case "null":
            pos += 4
            return JSONNode(.null, at: location)
        default:
            break
        }
        let lowered = word.lowercased()
        if lowered == "nan" || lowered == "inf" || lowered == "infinity" {
            throw error("\(word) is not a JSON number (JSON has no NaN or infinity)", at: location)
        }
        if lowered == "true" || lowered == "false" || lowered == "null" {
            throw error("expected \(what), found '\(word)'; did you mean '\(lowered)'?", at: location)
        }
        throw expected(what, at: pos)
    }

    /// Reads a number: '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
    mutating func readNumber(at location: SourceLocation) throws(JSONSyntaxError) -> JSONNode {
        let numberStart = pos
        if bytes[pos] == ASCII.minus { pos += 1 }
        guard pos < bytes.count && ASCII.isDigit(bytes[pos]) else {
            if pos < bytes.count && ASCII.isWordByte(bytes[pos]) {
                let word = run(from: pos, while: ASCII.isWordByte).lowercased()
                if word == "infinity" || word == "inf" || word == "nan" {
                    let written = run(from: numberStart, while: { ASCII.isWordByte($0) || $0 == ASCII.minus })
                    throw error("\(written) is not a JSON number (JSON has no NaN or infinity)", at: location)
                }
            }
            throw expected("a digit after '-'", at: pos)
        }
        if bytes[pos] == ASCII.zero {
            pos += 1
            if pos < bytes.count && ASCII.isDigit(bytes[pos]) {
                let written = abbreviated(run(from: numberStart, while: ASCII.isNumberByte))
                throw error("number \(written) has a leading zero", at: location)
            }
        } else {
            skipDigits()
        }
        if pos < bytes.count && bytes[pos] == ASCII.dot {
            pos += 1
            guard pos < bytes.count && ASCII.isDigit(bytes[pos]) else { throw expected("a digit after '.' in a number", at: pos) }
            skipDigits()
        }
        if pos < bytes.count && (bytes[pos] == ASCII.lowerE || bytes[pos] == ASCII.upperE) {
            pos += 1
            if pos < bytes.count && (bytes[pos] == ASCII.plus || bytes[pos] == ASCII.minus) { pos += 1 }
            guard pos < bytes.count && ASCII.isDigit(bytes[pos]) else {
                throw expected("a digit in the exponent of a number", at: pos)
            }
            skipDigits()
        }
        let literal = String(decoding: bytes[numberStart..<pos], as: UTF8.self)
        guard let x = Double(literal), x.isFinite else {
            throw error("number \(abbreviated(literal)) is out of the range of a Double", at: location)
        }
        return JSONNode(.number(x, literal: literal), at: location)
    }

    mutating func skipDigits() {
        while pos < bytes.count && ASCII.isDigit(bytes[pos]) { pos += 1 }
    }

    /// Reads a string literal at `pos` (on its opening quote) and returns its
    /// value with escapes decoded.
    mutating func readString() throws(JSONSyntaxError) -> String {
        let quote = pos
        pos += 1
        let contentStart = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == ASCII.quote {
                pos += 1
                return String(decoding: bytes[contentStart..<(pos - 1)], as: UTF8.self)
            }
            if b == ASCII.backslash { break }
            if b < ASCII.space { throw controlCharacter(b, at: pos) }
            pos += 1
        }
        var buffer = Array(bytes[contentStart..<pos])
        while true {
            guard pos < bytes.count else { throw error("unterminated string", atOffset: quote) }
            let b = bytes[pos]
            if b == ASCII.quote {
                pos += 1
                return String(decoding: buffer, as: UTF8.self)
            }
            if b < ASCII.space { throw controlCharacter(b, at: pos) }
            guard b == ASCII.backslash else {
                buffer.append(b)
                pos += 1
                continue
            }
            let escapeStart = pos
            pos += 1
            guard pos < bytes.count else { throw error("unterminated string", atOffset: quote) }
            let e = bytes[pos]
            pos += 1
            switch e {
            case ASCII.quote, ASCII.backslash, ASCII.slash: buffer.append(e)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(ASCII.lineFeed)
            case UInt8(ascii: "r"): buffer.append(ASCII.carriageReturn)
            case UInt8(ascii: "t"): buffer.append(ASCII.tab)
            case ASCII.lowerU:
                var value = try readHex4(escapeStart: escapeStart, quote: quote)
                if value >= 0xD800 && value <= 0xDBFF {
                    // A high surrogate must be followed at once by \u and a low one.
                    if pos >= bytes.count || (bytes[pos] == ASCII.backslash && pos + 1 >= bytes.count) {
                        throw error("unterminated string", atOffset: quote)
                    }
                    guard bytes[pos] == ASCII.backslash && bytes[pos + 1] == ASCII.lowerU else {
                        throw loneSurrogate(at: escapeStart)
                    }
                    let lowStart = pos
                    pos += 2
                    let low = try readHex4(escapeStart: lowStart, quote: quote)
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw loneSurrogate(at: escapeStart) }
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                } else if value >= 0xDC00 && value <= 0xDFFF {
                    throw loneSurrogate(at: escapeStart)
                }
                guard let scalar = Unicode.Scalar(value) else { throw loneSurrogate(at: escapeStart) }
                UTF8.encode(scalar) { buffer.append($0) }
            default:
                throw invalidEscape(at: escapeStart)
            }
        }
    }

    /// Reads the four hexadecimal digits of a \u escape that starts at
    /// `escapeStart`; `pos` is on the first digit.
    mutating func readHex4(escapeStart: Int, quote: Int) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw error("unterminated string", atOffset: quote) }
            guard let digit = ASCII.hexValue(bytes[pos]) else {
                var written = String(decoding: bytes[escapeStart..<pos], as: UTF8.self)
                let b = bytes[pos]
                if b > ASCII.space && b < 0x7F { written.append(Character(UnicodeScalar(b))) }
                throw error("invalid escape '\(written)'; \\u must be followed by four hexadecimal digits", atOffset: escapeStart)
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    mutating func controlCharacter(_ b: UInt8, at p: Int) -> JSONSyntaxError {
        error("control character \(codePointName(UInt32(b))) in a string must be escaped", atOffset: p)
    }

    mutating func loneSurrogate(at escapeStart: Int) -> JSONSyntaxError {
        let written = String(decoding: bytes[escapeStart..<min(escapeStart + 6, bytes.count)], as: UTF8.self)
        return error("lone surrogate '\(written)' in a string", atOffset: escapeStart)
    }

    /// `escapeStart` is on the backslash; the byte after it is not an escape.
    mutating func invalidEscape(at escapeStart: Int) -> JSONSyntaxError {
        let e = bytes[escapeStart + 1]
        if e > ASCII.space && e < 0x7F {
            return error("invalid escape '\\\(Character(UnicodeScalar(e)))'", atOffset: escapeStart)
        }
        if let scalar = scalar(at: escapeStart + 1), e >= 0x80, isShowable(scalar) {
            return error("invalid escape '\\\(Character(scalar))'", atOffset: escapeStart)
        }
        let named = e < 0x80 ? codePointName(UInt32(e)) : scalar(at: escapeStart + 1).map { codePointName($0.value) } ?? "byte " + byteName(e)
        return error("invalid escape: '\\' followed by \(named)", atOffset: escapeStart)
    }
}
