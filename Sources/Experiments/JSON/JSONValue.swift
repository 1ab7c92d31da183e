/// A position in a text file: 1-based line and column.
///
/// The column counts Unicode scalars from the start of the line, so a tab
/// counts 1 and "é" counts 1 whatever its UTF-8 length. Lines end at LF, at
/// CR LF (one break) or at a lone CR. A leading byte order mark is not counted.
public struct SourceLocation: Sendable, Equatable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// One JSON value with where it starts in the file: the location of its
/// first character (`{`, `[`, `"`, `-`, a digit, or the `t`/`f`/`n` of a
/// literal).
///
/// Equality compares locations too, at every level of nesting: two nodes
/// with the same value read from different places are not equal. Compare
/// rendered text (`JSONWriter.render`) to compare values alone.
public struct JSONNode: Sendable, Equatable {
    public var value: JSONValue
    public var location: SourceLocation

    public init(_ value: JSONValue, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// One `"key": value` pair of an object, with where the key's opening quote is.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: JSONNode

    public init(key: String, keyLocation: SourceLocation, value: JSONNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A JSON value (RFC 8259) that keeps what a validator needs to quote the
/// user: object members in file order and each number's literal text.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's Double value and its literal text as written ("3", "3.0",
    /// "1e-3"), so the validator can tell integers from fractions and quote
    /// what the user wrote. Values read by `JSONReader` are always finite.
    case number(Double, literal: String)
    case string(String)
    case array([JSONNode])
    /// Members in file order. `JSONReader` never produces two members whose
    /// keys are equal as Swift Strings.
    case object([JSONMember])
}

// MARK: - Accessors

extension JSONValue {
    /// The kind of value with its article, for messages such as
    /// "expected a number, found a string": "null", "a boolean", "a number",
    /// "a string", "a list", "an object".
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// Whether the value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The Boolean, or nil for any other kind of value.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The number's Double value, or nil for any other kind of value.
    public var doubleValue: Double? {
        if case .number(let x, _) = self { return x }
        return nil
    }

    /// The number's literal text as written in the file, or nil for any other
    /// kind of value.
    public var numberLiteral: String? {
        if case .number(_, let literal) = self { return literal }
        return nil
    }

    /// The number as an Int when it is a whole number in Int's range, else nil
    /// (also nil for any other kind of value).
    ///
    /// JSON does not distinguish 3 from 3.0, so whole values count whatever
    /// the spelling: "3", "3.0", "3e0", "0.3e1" and "-0" are all integers.
    /// A literal made only of an optional '-' and digits is converted exactly
    /// from its text, so "9007199254740993" gives 9007199254740993 although its
    /// Double is 9007199254740992; a literal with a fraction or an exponent is
    /// converted from its Double, so digits beyond 2⁵³ are rounded there.
    /// "1e30" and "9223372036854775808" are out of range: nil.
    public var intValue: Int? {
        guard case .number(let x, let literal) = self else { return nil }
        if Self.isPlainInteger(literal) {
            return Int(literal)
        }
        return Int(exactly: x)
    }

    /// Whether the value is a number for which `intValue` is not nil: a whole
    /// number in Int's range, however it is spelled ("3", "3.0", "3e0").
    public var isInteger: Bool {
        intValue != nil
    }

    /// The string, or nil for any other kind of value.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The list's elements in file order, or nil for any other kind of value.
    public var elements: [JSONNode]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The object's members in file order, or nil for any other kind of value.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The first member whose key equals `key` (Swift String equality), or nil
    /// when there is none or the value is not an object. Objects read by
    /// `JSONReader` have at most one such member.
    public func member(_ key: String) -> JSONMember? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }
    }

    /// "-"? digits, nothing else.
    private static func isPlainInteger(_ literal: String) -> Bool {
        var sawDigit = false
        for (i, c) in literal.utf8.enumerated() {
            if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                sawDigit = true
            } else if !(i == 0 && c == UInt8(ascii: "-")) {
                return false
            }
        }
        return sawDigit
    }
}

extension JSONNode {
    /// The value's kind with its article: see `JSONValue.typeName`.
    public var typeName: String { value.typeName }

    /// The first member whose key equals `key`: see `JSONValue.member(_:)`.
    public func member(_ key: String) -> JSONMember? { value.member(key) }

    /// The number as an Int when it is whole and in range: see `JSONValue.intValue`.
    public var intValue: Int? { value.intValue }

    /// Whether the value is a whole number in Int's range: see `JSONValue.isInteger`.
    public var isInteger: Bool { value.isInteger }
}

// MARK: - Errors

/// Why a text is not JSON, and where.
///
/// `message` starts in lowercase and carries no location, in the style of a
/// compiler ("expected ',' or '}' after an object member, found 'x'"); the
/// renderer adds file:line:column.
public struct JSONSyntaxError: Error, Sendable, Equatable {
    public var location: SourceLocation
    public var message: String
    /// The dotted path of the value (or key) in error, `optimizer.learning_rate`
    /// or `seeds[3]`; empty at the top level and for errors between values.
    public var path: String

    public init(_ message: String, at location: SourceLocation, path: String = "") {
        self.message = message
        self.location = location
        self.path = path
    }
}
