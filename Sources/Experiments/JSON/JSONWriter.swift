/// A deterministic pretty printer for `JSONValue`: the same value always gives
/// the same bytes.
///
/// Layout:
///
/// - two spaces of indent per level; object members one per line as
///   `"key": value`, in stored order (never sorted);
/// - a non-empty list whose elements are all numbers, booleans or null on one
///   line: `[1, 2, 3]`. Any other non-empty list has one element per line, so
///   a list of lists of numbers (a weight matrix) prints one row per line;
/// - empty containers as `[]` and `{}`;
/// - strings escaped minimally: `\"`, `\\`, `\b \f \n \r \t`, other control
///   characters below U+0020 as `\u00XX` (lowercase hex); everything else,
///   non-ASCII included, written as is;
/// - a number as its literal when the literal is valid JSON number syntax
///   (the text as the user wrote it); otherwise as `numberText` of its value,
///   or `null` when that value is not finite;
/// - a final newline.
///
/// Locations are ignored. Reading the output back with `JSONReader` gives the
/// same values, key order and literals. Rendering recurses once per level of
/// nesting.
public enum JSONWriter {
    /// The pretty-printed text of `node`'s value, ending with a newline.
    public static func render(_ node: JSONNode) -> String {
        render(node.value)
    }

    /// The pretty-printed text of `value`, ending with a newline.
    public static func render(_ value: JSONValue) -> String {
        var out = ""
        write(value, indent: 0, into: &out)
        out.append("\n")
        return out
    }

    /// A number built from a Double, its literal the shortest text that reads
    /// back to the same Double (`numberText(_:)`: 0.1 → "0.1", 1e-05 → "1e-5",
    /// 3.0 → "3"). JSON has no NaN or infinity, so a non-finite `x` gives
    /// `.null`.
    public static func number(_ x: Double) -> JSONValue {
        guard x.isFinite else { return .null }
        return .number(x, literal: numberText(x))
    }

    /// `text` as a JSON string literal, quotes included, escaped as `render`
    /// escapes strings: `quoted("say \"hi\"\n")` is `"say \"hi\"\n"`.
    public static func quoted(_ text: String) -> String {
        var out = ""
        appendQuoted(text, to: &out)
        return out
    }

    // MARK: - Layout

    private static func write(_ value: JSONValue, indent: Int, into out: inout String) {
        switch value {
        case .null, .bool, .number, .string:
            appendScalar(value, to: &out)
        case .array(let elements):
            if elements.isEmpty {
                out.append("[]")
            } else if elements.allSatisfy({ isInlineScalar($0.value) }) {
                out.append("[")
                for (i, element) in elements.enumerated() {
                    if i > 0 { out.append(", ") }
                    appendScalar(element.value, to: &out)
                }
                out.append("]")
            } else {
                out.append("[\n")
                for (i, element) in elements.enumerated() {
                    appendIndent(indent + 1, to: &out)
                    write(element.value, indent: indent + 1, into: &out)
                    out.append(i == elements.count - 1 ? "\n" : ",\n")
                }
                appendIndent(indent, to: &out)
                out.append("]")
            }
        case .object(let members):
            if members.isEmpty {
                out.append("{}")
                return
            }
            out.append("{\n")
            for (i, member) in members.enumerated() {
                appendIndent(indent + 1, to: &out)
                appendQuoted(member.key, to: &out)
                out.append(": ")
                write(member.value.value, indent: indent + 1, into: &out)
                out.append(i == members.count - 1 ? "\n" : ",\n")
            }
            appendIndent(indent, to: &out)
            out.append("}")
        }
    }

    /// Numbers, booleans and null: what may share a line in a list.
    private static func isInlineScalar(_ value: JSONValue) -> Bool {
        switch value {
        case .null, .bool, .number: return true
        case .string, .array, .object: return false
        }
    }

    private static func appendIndent(_ level: Int, to out: inout String) {
        out.append(String(repeating: "  ", count: level))
    }

    private static func appendScalar(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out.append("null")
        case .bool(let b): out.append(b ? "true" : "false")
        case .number(let x, let literal):
            if isNumberLiteral(literal) {
                out.append(literal)
            } else {
                out.append(x.isFinite ? numberText(x) : "null")
            }
        case .string(let s): appendQuoted(s, to: &out)
        case .array, .object: write(value, indent: 0, into: &out)
        }
    }

    private static func appendQuoted(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u00" + (hex.count < 2 ? "0" : "") + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// Whether `literal` is JSON number syntax:
    /// '-'? ('0' | [1-9][0-9]*) ('.' [0-9]+)? ([eE] [+-]? [0-9]+)?
    static func isNumberLiteral(_ literal: String) -> Bool {
        let bytes = Array(literal.utf8)
        var i = 0
        func isDigit(_ at: Int) -> Bool {
            at < bytes.count && bytes[at] >= UInt8(ascii: "0") && bytes[at] <= UInt8(ascii: "9")
        }
        func digits() -> Bool {
            guard isDigit(i) else { return false }
            while isDigit(i) { i += 1 }
            return true
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
        if i < bytes.count && bytes[i] == UInt8(ascii: "0") {
            i += 1
        } else if !digits() {
            return false
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() else { return false }
        }
        if i < bytes.count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() else { return false }
        }
        return i == bytes.count
    }
}
