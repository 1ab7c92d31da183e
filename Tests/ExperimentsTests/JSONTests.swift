import Foundation
import XCTest
import NeuralNetwork
@testable import Experiments

final class JSONTests: XCTestCase {

    // MARK: - Helpers

    private func at(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(line: line, column: column)
    }

    /// The same tree with every location set to 0:0, to compare values alone.
    private func stripped(_ node: JSONNode) -> JSONNode {
        let zero = SourceLocation(line: 0, column: 0)
        switch node.value {
        case .array(let elements):
            return JSONNode(.array(elements.map(stripped)), at: zero)
        case .object(let members):
            return JSONNode(.object(members.map {
                JSONMember(key: $0.key, keyLocation: zero, value: stripped($0.value))
            }), at: zero)
        default:
            return JSONNode(node.value, at: zero)
        }
    }

    /// The error `parse` throws for `text`, or nil (with a failure) if it parses.
    private func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONSyntaxError? {
        do {
            let node = try JSONReader.parse(text)
            XCTFail("parsed \(text.debugDescription) as \(node.value)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    private func syntaxError(bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> JSONSyntaxError? {
        do {
            let node = try JSONReader.parse(Data(bytes))
            XCTFail("parsed \(bytes) as \(node.value)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Locations

    func testLocationsOfValuesAndKeysCountScalarsAndTabs() throws {
        let text = "{\n\t\"name\": \"héllo\",\n  \"é\": [1, true],\n  \"𝄞x\": {\"k\": null}, \"s\": \"日本\", \"t\": -2\n}"
        let root = try JSONReader.parse(text)
        XCTAssertEqual(root.location, at(1, 1))

        let name = try XCTUnwrap(root.member("name"))
        XCTAssertEqual(name.keyLocation, at(2, 2), "a tab counts one column")
        XCTAssertEqual(name.value.location, at(2, 10))
        XCTAssertEqual(name.value.value, .string("héllo"))

        let e = try XCTUnwrap(root.member("é"))
        XCTAssertEqual(e.keyLocation, at(3, 3))
        XCTAssertEqual(e.value.location, at(3, 8), "\"é\" is three columns, not four bytes")
        let list = try XCTUnwrap(e.value.value.elements)
        XCTAssertEqual(list.map(\.location), [at(3, 9), at(3, 12)])

        let clef = try XCTUnwrap(root.member("𝄞x"))
        XCTAssertEqual(clef.keyLocation, at(4, 3))
        XCTAssertEqual(clef.value.location, at(4, 9), "𝄞 is four bytes and one column")
        let k = try XCTUnwrap(clef.value.member("k"))
        XCTAssertEqual(k.keyLocation, at(4, 10))
        XCTAssertEqual(k.value.location, at(4, 15))

        let s = try XCTUnwrap(root.member("s"))
        XCTAssertEqual(s.keyLocation, at(4, 22))
        XCTAssertEqual(s.value.location, at(4, 27))
        let t = try XCTUnwrap(root.member("t"))
        XCTAssertEqual(t.keyLocation, at(4, 33), "after a string of three-byte characters")
        XCTAssertEqual(t.value.location, at(4, 38))
        XCTAssertEqual(t.value.value, .number(-2, literal: "-2"))
    }

    func testLineBreaksAreLFCRLFAndLoneCR() throws {
        let root = try JSONReader.parse("[1,\r\n 2,\r 3,\n\n4]")
        let elements = try XCTUnwrap(root.value.elements)
        XCTAssertEqual(elements.map(\.location), [at(1, 2), at(2, 2), at(3, 2), at(5, 1)])
    }

    func testLeadingByteOrderMarkIsSkippedAndNotCounted() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let fromData = try JSONReader.parse(Data(bom + Array(" [1]".utf8)))
        XCTAssertEqual(fromData.location, at(1, 2))
        let fromString = try JSONReader.parse("\u{FEFF} [1]")
        XCTAssertEqual(fromString, fromData)
    }

    func testKeyOrderIsFileOrder() throws {
        let keys = (0..<30).map { "key\(29 - $0)" }
        let text = "{" + keys.enumerated().map { "\"\($0.element)\": \($0.offset)" }.joined(separator: ", ") + "}"
        let root = try JSONReader.parse(text)
        let members = try XCTUnwrap(root.value.members)
        XCTAssertEqual(members.map(\.key), keys)
        XCTAssertEqual(members.map { $0.value.intValue }, Array(0..<30))
        XCTAssertEqual(Array(JSONWriter.render(root).split(separator: "\n").dropFirst().prefix(2)),
                       ["  \"key29\": 0,", "  \"key28\": 1,"])
    }

    // MARK: - Errors

    func testSyntaxErrorsHaveExactMessagesAndLocations() {
        let cases: [(text: String, message: String, line: Int, column: Int)] = [
            // Structure.
            ("{\"a\": 1 \"b\": 2}", "expected ',' or '}' after an object member, found a string", 1, 9),
            ("{\"a\": 1 x}", "expected ',' or '}' after an object member, found 'x'", 1, 9),
            ("{\"a\": 1", "unexpected end of file; expected ',' or '}' after an object member", 1, 8),
            ("[1 2]", "expected ',' or ']' after a list element, found '2'", 1, 4),
            ("[1", "unexpected end of file; expected ',' or ']' after a list element", 1, 3),
            ("{\"a\" 1}", "expected ':' after an object key, found '1'", 1, 6),
            ("{a: 1}", "expected a string key or '}', found 'a'", 1, 2),
            ("{'a': 1}", "expected a string key or '}', found \"'\" (JSON strings use double quotes)", 1, 2),
            ("{\"a\": 1,,}", "expected a string key, found ','", 1, 9),
            ("{\"a\": 1,", "unexpected end of file; expected a string key", 1, 9),
            ("{\"a\": 1, }", "trailing comma before '}'", 1, 8),
            ("[1, 2,]", "trailing comma before ']'", 1, 6),
            ("[,1]", "expected a value or ']', found ','", 1, 2),
            ("[", "unexpected end of file; expected a value or ']'", 1, 2),
            ("{\"a\": }", "expected a value, found '}'", 1, 7),
            ("{\"a\":", "unexpected end of file; expected a value", 1, 6),
            ("", "unexpected end of file; expected a value", 1, 1),
            ("  \n\t ", "unexpected end of file; expected a value", 2, 3),
            ("{\"a\": 1} x", "trailing text after the JSON value", 1, 10),
            ("1 2", "trailing text after the JSON value", 1, 3),
            ("[1]]", "trailing text after the JSON value", 1, 4),
            ("// note\n1", "comments are not allowed in JSON", 1, 1),
            ("[1, /* x */ 2]", "comments are not allowed in JSON", 1, 5),
            ("{} // note", "comments are not allowed in JSON", 1, 4),
            ("[\r\n1,\r\nx]", "expected a value, found 'x'", 3, 1),
            ("[\r\rx]", "expected a value or ']', found 'x'", 3, 1),
            // Literals.
            ("True", "expected a value, found 'True'; did you mean 'true'?", 1, 1),
            ("[NULL]", "expected a value or ']', found 'NULL'; did you mean 'null'?", 1, 2),
            ("nul", "expected a value, found 'nul'", 1, 1),
            ("truex", "expected a value, found 'truex'", 1, 1),
            ("{\"a\": NaN}", "NaN is not a JSON number (JSON has no NaN or infinity)", 1, 7),
            ("Infinity", "Infinity is not a JSON number (JSON has no NaN or infinity)", 1, 1),
            ("[1, -Infinity]", "-Infinity is not a JSON number (JSON has no NaN or infinity)", 1, 5),
            ("é", "expected a value, found 'é'", 1, 1),
            // Whitespace is exactly space, tab, CR, LF.
            ("[\u{0C}1]", "expected a value or ']', found U+000C", 1, 2),
            ("[1,\u{0B}2]", "expected a value, found U+000B", 1, 4),
            ("\u{A0}1", "expected a value, found U+00A0", 1, 1),
            ("\u{2028}1", "expected a value, found U+2028", 1, 1),
            ("\u{FEFF}\u{FEFF}1", "expected a value, found U+FEFF", 1, 1),
            ("\u{FEFF}  x", "expected a value, found 'x'", 1, 3),
            ("[1,\u{0}]", "expected a value, found U+0000", 1, 4),
            // Numbers.
            ("1e400", "number 1e400 is out of the range of a Double", 1, 1),
            ("[-1e400]", "number -1e400 is out of the range of a Double", 1, 2),
            ("[\n  1.8e308]", "number 1.8e308 is out of the range of a Double", 2, 3),
            ("01", "number 01 has a leading zero", 1, 1),
            ("[-012.5]", "number -012.5 has a leading zero", 1, 2),
            ("-00", "number -00 has a leading zero", 1, 1),
            ("+1", "a number cannot start with '+'", 1, 1),
            ("[.5]", "a number cannot start with '.'", 1, 2),
            ("1.", "unexpected end of file; expected a digit after '.' in a number", 1, 3),
            ("1.e3", "expected a digit after '.' in a number, found 'e3'", 1, 3),
            ("1e", "unexpected end of file; expected a digit in the exponent of a number", 1, 3),
            ("1e+", "unexpected end of file; expected a digit in the exponent of a number", 1, 4),
            ("[1E-x]", "expected a digit in the exponent of a number, found 'x'", 1, 5),
            ("-", "unexpected end of file; expected a digit after '-'", 1, 2),
            ("-a", "expected a digit after '-', found 'a'", 1, 2),
            ("1.5.3", "trailing text after the JSON value", 1, 4),
            // Strings.
            ("\"abc", "unterminated string", 1, 1),
            ("{\"a\": \"abc", "unterminated string", 1, 7),
            ("{\"ab", "unterminated string", 1, 2),
            ("\"a\\", "unterminated string", 1, 1),
            ("\"\\u00", "unterminated string", 1, 1),
            ("\"\\uD800", "unterminated string", 1, 1),
            ("\"a\nb\"", "control character U+000A in a string must be escaped", 1, 3),
            ("\"a\tb\"", "control character U+0009 in a string must be escaped", 1, 3),
            ("\"é\u{7}\"", "control character U+0007 in a string must be escaped", 1, 3),
            ("{\"a\u{1}\": 1}", "control character U+0001 in a string must be escaped", 1, 4),
            ("\"\\n\u{1F}\"", "control character U+001F in a string must be escaped", 1, 4),
            ("\"\\q\"", "invalid escape '\\q'", 1, 2),
            ("[\"ok\", \"\\x41\"]", "invalid escape '\\x'", 1, 9),
            ("\"\\é\"", "invalid escape '\\é'", 1, 2),
            ("\"\\ \"", "invalid escape: '\\' followed by U+0020", 1, 2),
            ("\"\\\n\"", "invalid escape: '\\' followed by U+000A", 1, 2),
            ("\"\\u12G4\"", "invalid escape '\\u12G'; \\u must be followed by four hexadecimal digits", 1, 2),
            ("\"\\u12\"", "invalid escape '\\u12\"'; \\u must be followed by four hexadecimal digits", 1, 2),
            ("\"\\uD800\"", "lone surrogate '\\uD800' in a string", 1, 2),
            ("\"ab\\udc00\"", "lone surrogate '\\udc00' in a string", 1, 4),
            ("\"\\uD800\\u0041\"", "lone surrogate '\\uD800' in a string", 1, 2),
            ("\"\\uD800\\n\"", "lone surrogate '\\uD800' in a string", 1, 2),
            ("\"\\uDC00\\uD800\"", "lone surrogate '\\uDC00' in a string", 1, 2),
            ("\"\\uD800\\uD800\"", "lone surrogate '\\uD800' in a string", 1, 2),
            ("\"\\uD800\\uZ\"", "invalid escape '\\uZ'; \\u must be followed by four hexadecimal digits", 1, 8),
            // Duplicate keys, at the second key.
            ("{\"name\": 1,\n \"name\": 2}", "duplicate key \"name\" (first at line 1)", 2, 2),
            ("{\"a\": 1, \"a\": 2}", "duplicate key \"a\" (first at column 2)", 1, 10),
            ("{\"x\": {\"a\": 1}, \"a\": {\"a\": 2, \"b\": 3, \"b\": 4}}", "duplicate key \"b\" (first at column 31)", 1, 39),
            ("{\"\\n\": 1, \"\\u000a\": 2}", "duplicate key \"\\n\" (first at column 2)", 1, 11),
            ("{\"é\": 1, \"e\\u0301\": 2}", "duplicate key \"é\" (first at column 2)", 1, 10),
            // Depth.
            (String(repeating: "[", count: 513), "nesting deeper than 512 levels", 1, 513),
            (String(repeating: "{\"a\":", count: 600), "nesting deeper than 512 levels", 1, 2561),
        ]
        for c in cases {
            guard let error = syntaxError(c.text) else { continue }
            XCTAssertEqual(error.message, c.message, "for \(c.text.debugDescription)")
            XCTAssertEqual(error.location, at(c.line, c.column), "for \(c.text.debugDescription): \(error.message)")
            // The Data form reads the same bytes the same way.
            let fromData = syntaxError(bytes: Array(c.text.utf8))
            XCTAssertEqual(fromData, error, "Data form of \(c.text.debugDescription)")
        }
    }

    func testInvalidUTF8IsReportedAtItsFirstByte() {
        let quote: UInt8 = 0x22
        let cases: [(bytes: [UInt8], message: String, line: Int, column: Int)] = [
            ([quote, 0xFF, quote], "invalid UTF-8 byte 0xFF", 1, 2),
            ([quote, 0x80, quote], "invalid UTF-8 byte 0x80", 1, 2),
            ([quote, 0xC0, 0xAF, quote], "invalid UTF-8 byte 0xC0", 1, 2),
            ([quote, 0xC3, 0xA9, 0xC3, quote], "invalid UTF-8 sequence starting with byte 0xC3", 1, 3),
            ([quote, 0xE0, 0x80, 0x80, quote], "invalid UTF-8 sequence starting with byte 0xE0", 1, 2),
            ([quote, 0xED, 0xA0, 0x80, quote], "invalid UTF-8 sequence starting with byte 0xED", 1, 2),
            ([quote, 0xF4, 0x90, 0x80, 0x80, quote], "invalid UTF-8 sequence starting with byte 0xF4", 1, 2),
            ([quote, 0xF5, 0x80, 0x80, 0x80, quote], "invalid UTF-8 byte 0xF5", 1, 2),
            ([quote, 0xE2, 0x82], "invalid UTF-8 sequence starting with byte 0xE2", 1, 2),
            (Array("[\n\t1, ".utf8) + [0x80] + Array("]".utf8), "invalid UTF-8 byte 0x80", 2, 5),
            ([0xEF, 0xBB, 0x31], "invalid UTF-8 sequence starting with byte 0xEF", 1, 1),
            ([0xEF, 0xBB, 0xBF, quote, 0xFE, quote], "invalid UTF-8 byte 0xFE", 1, 2),
            // Reported before a syntax error that comes earlier in the file.
            (Array("x \"".utf8) + [0xFF], "invalid UTF-8 byte 0xFF", 1, 4),
        ]
        for c in cases {
            guard let error = syntaxError(bytes: c.bytes) else { continue }
            XCTAssertEqual(error.message, c.message, "for \(c.bytes)")
            XCTAssertEqual(error.location, at(c.line, c.column), "for \(c.bytes): \(error.message)")
        }
    }

    func testDepthLimitIsExactlyMaximumDepth() throws {
        XCTAssertEqual(JSONReader.maximumDepth, 512)
        let deepest = String(repeating: "[", count: 512) + "7" + String(repeating: "]", count: 512)
        var node = try JSONReader.parse(deepest)
        var depth = 0
        while let elements = node.value.elements {
            depth += 1
            node = try XCTUnwrap(elements.first)
        }
        XCTAssertEqual(depth, 512)
        XCTAssertEqual(node.intValue, 7)
        XCTAssertEqual(node.location, at(1, 513))
    }

    func testHundredThousandOpenBracketsGiveTheDepthErrorNotACrash() {
        for text in [String(repeating: "[", count: 100_000),
                     String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
                     String(repeating: "{\"k\": [", count: 50_000)] {
            guard let error = syntaxError(text) else { continue }
            XCTAssertEqual(error.message, "nesting deeper than 512 levels")
        }
        XCTAssertEqual(syntaxError(String(repeating: "[", count: 100_000))?.location, at(1, 513))
    }

    // MARK: - RFC 8259 edge cases

    func testEscapes() throws {
        let cases: [(json: String, value: String)] = [
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"),
            (#""\u0000""#, "\u{0}"),
            (#""a\u0000b""#, "a\u{0}b"),
            (#""\u00e9\u00C9""#, "éÉ"),
            (#""\uD834\uDD1E""#, "𝄞"),
            (#""\ud83d\ude00!""#, "😀!"),
            (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
            (#""\uFFFF""#, "\u{FFFF}"),
            (#""\u0041é\u0042""#, "AéB"),
            (#""é/日本""#, "é/日本"),
            ("\"\u{7F}\u{2028}\"", "\u{7F}\u{2028}"),
            (#""""#, ""),
        ]
        for c in cases {
            XCTAssertEqual(try JSONReader.parse(c.json).value, .string(c.value), "for \(c.json)")
        }
        // A U+0000 really is in the string, not a terminator.
        XCTAssertEqual(try JSONReader.parse(#""a\u0000b""#).value.stringValue?.unicodeScalars.count, 3)
    }

    func testNumbers() throws {
        let cases: [(json: String, value: Double)] = [
            ("0", 0), ("-0", -0.0), ("1E+2", 100), ("1e2", 100), ("1E-2", 0.01), ("0.5e-3", 0.0005),
            ("-12.25", -12.25), ("3.0", 3), ("1e-400", 0), ("5e-324", .leastNonzeroMagnitude), ("4.9e-324", .leastNonzeroMagnitude),
            ("1.7976931348623157e308", 1.7976931348623157e308), ("0.1", 0.1),
            ("12345678901234567890", 12345678901234567168), ("1e0", 1), ("0e0", 0),
        ]
        for c in cases {
            let node = try JSONReader.parse(c.json)
            guard case .number(let x, let literal) = node.value else {
                XCTFail("\(c.json) read as \(node.value)")
                continue
            }
            XCTAssertEqual(x, c.value, "for \(c.json)")
            XCTAssertEqual(x.sign, c.value.sign, "sign of \(c.json)")
            XCTAssertEqual(literal, c.json)
        }
    }

    func testWhitespaceAndTopLevelScalars() throws {
        XCTAssertEqual(try JSONReader.parse(" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \"a\" \t\r\n: \t\r\nnull } ] \t\r\n").value.elements?.count, 2)
        XCTAssertEqual(try JSONReader.parse("null").value, .null)
        XCTAssertEqual(try JSONReader.parse(" true ").value, .bool(true))
        XCTAssertEqual(try JSONReader.parse("false").value, .bool(false))
        XCTAssertEqual(try JSONReader.parse("\"x\"").value, .string("x"))
        XCTAssertEqual(try JSONReader.parse("[]").value, .array([]))
        XCTAssertEqual(try JSONReader.parse("{ }").value, .object([]))
        let empty = try JSONReader.parse("{\"\": 1}")
        XCTAssertEqual(empty.value.members?.first?.key, "")
        XCTAssertEqual(empty.member("")?.value.intValue, 1)
    }

    func testCanonicallyEquivalentKeysAreTheSameKey() {
        // Swift String equality: precomposed and decomposed é are one key, so
        // member(_:) can never be ambiguous.
        XCTAssertEqual(syntaxError("{\"\u{E9}\": 1, \"e\u{301}\": 2}")?.message, "duplicate key \"é\" (first at column 2)")
    }

    // MARK: - Accessors

    func testIntegerAccessors() throws {
        let cases: [(json: String, int: Int?)] = [
            ("3", 3), ("3.0", 3), ("3e0", 3), ("0.3e1", 3), ("-0", 0), ("-7", -7), ("3.5", nil), ("1e-3", nil),
            ("1e30", nil), ("9007199254740993", 9_007_199_254_740_993),
            ("9223372036854775807", Int.max), ("-9223372036854775808", Int.min),
            ("9223372036854775808", nil), ("9.223372036854775807e18", nil),
        ]
        for c in cases {
            let node = try JSONReader.parse(c.json)
            XCTAssertEqual(node.intValue, c.int, "for \(c.json)")
            XCTAssertEqual(node.isInteger, c.int != nil, "for \(c.json)")
        }
        XCTAssertNil(JSONValue.string("3").intValue)
        XCTAssertFalse(JSONValue.bool(true).isInteger)
    }

    func testTypeNamesAndMemberLookup() throws {
        let root = try JSONReader.parse(#"{"n": null, "b": false, "x": 1.5, "s": "t", "l": [], "o": {"k": 2}}"#)
        let names = try XCTUnwrap(root.value.members).map(\.value.typeName)
        XCTAssertEqual(names, ["null", "a boolean", "a number", "a string", "a list", "an object"])
        XCTAssertEqual(root.typeName, "an object")

        let o = try XCTUnwrap(root.member("o"))
        XCTAssertEqual(o.keyLocation, at(1, 54))
        XCTAssertEqual(o.value.member("k")?.value.intValue, 2)
        XCTAssertNil(root.member("k"), "lookup does not descend")
        XCTAssertNil(root.member("N"), "keys are case-sensitive")
        XCTAssertNil(root.member("s")?.value.member("s"), "a string has no members")

        XCTAssertEqual(root.member("x")?.value.value.doubleValue, 1.5)
        XCTAssertEqual(root.member("x")?.value.value.numberLiteral, "1.5")
        XCTAssertEqual(root.member("s")?.value.value.stringValue, "t")
        XCTAssertEqual(root.member("b")?.value.value.boolValue, false)
        XCTAssertEqual(root.member("n")?.value.value.isNull, true)
        XCTAssertEqual(root.member("l")?.value.value.elements, [])
        XCTAssertNil(root.member("l")?.value.value.members)
        XCTAssertNil(root.member("s")?.value.value.doubleValue)
    }

    // MARK: - Writer

    func testWriterLayout() throws {
        let text = #"{"name":"xor","hidden":[16,16],"weights":[[0.5,-1e-3],[2,3.0]],"flags":[true,null,false],"# +
            #""names":["a","b"],"mixed":[1,[2]],"empty":{"l":[],"o":{}},"nested":[{"k":1}]}"#
        let expected = """
            {
              "name": "xor",
              "hidden": [16, 16],
              "weights": [
                [0.5, -1e-3],
                [2, 3.0]
              ],
              "flags": [true, null, false],
              "names": [
                "a",
                "b"
              ],
              "mixed": [
                1,
                [2]
              ],
              "empty": {
                "l": [],
                "o": {}
              },
              "nested": [
                {
                  "k": 1
                }
              ]
            }

            """
        XCTAssertEqual(JSONWriter.render(try JSONReader.parse(text)), expected)
        XCTAssertEqual(JSONWriter.render(.array([])), "[]\n")
        XCTAssertEqual(JSONWriter.render(.string("x")), "\"x\"\n")
    }

    func testWriterEscapesStringsMinimally() {
        XCTAssertEqual(JSONWriter.quoted("say \"hi\"\\"), #""say \"hi\"\\""#)
        XCTAssertEqual(JSONWriter.quoted("\n\r\t\u{8}\u{C}\u{0}\u{1F}\u{7F}"), #""\n\r\t\b\f\u0000\u001f"# + "\u{7F}\"")
        XCTAssertEqual(JSONWriter.quoted("é/日本😀\u{2028}"), "\"é/日本😀\u{2028}\"")
        XCTAssertEqual(JSONWriter.render(.object([JSONMember(key: "a\"b", keyLocation: at(1, 1),
                                                              value: JSONNode(.string("\u{1}"), at: at(1, 1)))])),
                       "{\n  \"a\\\"b\": \"\\u0001\"\n}\n")
    }

    func testNumbersFromDoubles() {
        XCTAssertEqual(JSONWriter.number(0.1), .number(0.1, literal: "0.1"))
        XCTAssertEqual(JSONWriter.number(3), .number(3, literal: "3"))
        XCTAssertEqual(JSONWriter.number(1e-5), .number(1e-5, literal: "1e-5"))
        XCTAssertEqual(JSONWriter.number(1.5e20), .number(1.5e20, literal: "1.5e+20"))
        XCTAssertEqual(JSONWriter.number(-0.0).numberLiteral, "-0")
        XCTAssertEqual(JSONWriter.number(.nan), .null)
        XCTAssertEqual(JSONWriter.number(.infinity), .null)
        XCTAssertEqual(JSONWriter.number(-.infinity), .null)
        // A literal that is not JSON is not written; the value is.
        XCTAssertEqual(JSONWriter.render(.number(1.5, literal: "")), "1.5\n")
        XCTAssertEqual(JSONWriter.render(.number(2, literal: "+2")), "2\n")
        XCTAssertEqual(JSONWriter.render(.number(.nan, literal: "nan")), "null\n")
        XCTAssertEqual(JSONWriter.render(.array([JSONNode(JSONWriter.number(1.0 / 3), at: at(1, 1))])), "[0.3333333333333333]\n")
        // Every finite Double's literal reads back to the same Double.
        var generator = Generator(seed: 11)
        for _ in 0..<500 {
            let x = Double(bitPattern: generator.next())
            guard x.isFinite else { continue }
            let value = JSONWriter.number(x)
            XCTAssertEqual(try JSONReader.parse(JSONWriter.render(value)).value.doubleValue, x)
        }
    }

    private let sample = """
        {
          "$schema": "../schema/experiment.schema.json",
          "name": "learning-rate-sweep",
          "description": "Tabs\\t, quotes \\" and ünïcödé 日本 𝄞 \\u0000 \\ud83d\\ude00",
          "data": {"source": "moons", "samples": 400, "noise": 0.2, "validation_split": 0.25, "seed": 0},
          "model": {"inputs": 2, "layers": [
            {"units": 2, "activation": "relu", "bias": false, "weights": [[0.01, -0.5], [1e-3, 2.5E+2]]},
            {"units": 1, "activation": "sigmoid", "weights": [[-5, 3.0]], "biases": [-1]}
          ]},
          "loss": "binary_cross_entropy",
          "optimizer": {"name": "sgd", "learning_rate": 0.1, "nesterov": false, "extra": null},
          "training": {"epochs": 100, "batch_size": "full", "early_stopping": {}},
          "seeds": [0, 1, 2, -0],
          "sweep": {"optimizer.learning_rate": {"log": [0.001, 10], "count": 9}, "": []}
        }
        """

    func testRoundTripGivesAnEqualTreeAndIdenticalText() throws {
        let first = try JSONReader.parse(sample)
        let text = JSONWriter.render(first)
        let second = try JSONReader.parse(text)
        XCTAssertEqual(stripped(second), stripped(first))
        XCTAssertEqual(JSONWriter.render(second), text, "rendering is a fixed point")
        XCTAssertEqual(second.member("description")?.value.value.stringValue,
                       "Tabs\t, quotes \" and ünïcödé 日本 𝄞 \u{0} 😀")
        XCTAssertEqual(second.member("seeds")?.value.value.elements?.last?.value.numberLiteral, "-0")
        XCTAssertNotEqual(second, first, "locations differ after re-layout")
        // The Data form reads the same tree, locations included.
        XCTAssertEqual(try JSONReader.parse(Data(sample.utf8)), first)
    }

    // MARK: - Robustness

    /// A mutation of `base`: bytes replaced, deleted, inserted, duplicated, or
    /// the whole text truncated.
    private func mutate(_ base: [UInt8], _ generator: inout Generator) -> [UInt8] {
        let interesting = Array("{}[],:\"\\-+.eE0123456789tfnu \n\t\r/".utf8) + [0x00, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
        var bytes = base
        for _ in 0..<(1 + generator.nextInt(below: 3)) {
            guard !bytes.isEmpty else { break }
            let i = generator.nextInt(below: bytes.count)
            switch generator.nextInt(below: 6) {
            case 0: bytes[i] = interesting[generator.nextInt(below: interesting.count)]
            case 1: bytes[i] = UInt8(truncatingIfNeeded: generator.next())
            case 2: bytes.remove(at: i)
            case 3: bytes.insert(interesting[generator.nextInt(below: interesting.count)], at: i)
            case 4:
                let j = i + generator.nextInt(below: min(40, bytes.count - i))
                bytes.insert(contentsOf: bytes[i...j], at: generator.nextInt(below: bytes.count))
            default: bytes.removeSubrange(i...)
            }
        }
        return bytes
    }

    func testMutatedAndTruncatedDocumentsReturnOrThrowNeverTrap() throws {
        let base = Array(sample.utf8)
        let lineCount = sample.split(separator: "\n", omittingEmptySubsequences: false).count
        var generator = Generator(seed: 2024)
        var parsed = 0
        var refused = 0
        for round in 0..<2_000 {
            let bytes = mutate(base, &generator)
            do {
                let node = try JSONReader.parse(Data(bytes))
                parsed += 1
                // Whatever was accepted must render to JSON that reads back the same.
                let again = try JSONReader.parse(JSONWriter.render(node))
                XCTAssertEqual(stripped(again), stripped(node), "round \(round)")
            } catch {
                refused += 1
                XCTAssertFalse(error.message.isEmpty)
                XCTAssertEqual(error.message.first?.isUppercase, false, "round \(round): \(error.message)")
                XCTAssertGreaterThanOrEqual(error.location.line, 1, "round \(round)")
                XCTAssertGreaterThanOrEqual(error.location.column, 1, "round \(round)")
                XCTAssertLessThanOrEqual(error.location.line, lineCount + 80, "round \(round)")
            }
            // The String form of valid UTF-8 agrees with the Data form.
            if let text = String(validating: bytes, as: UTF8.self) {
                let fromString = Result { () throws(JSONSyntaxError) in try JSONReader.parse(text) }
                let fromData = Result { () throws(JSONSyntaxError) in try JSONReader.parse(Data(bytes)) }
                XCTAssertEqual(fromString, fromData, "round \(round)")
            }
        }
        print("JSONTests: fuzz parsed \(parsed), refused \(refused)")
        XCTAssertGreaterThan(parsed, 100, "the mutations should leave some documents valid")
        XCTAssertGreaterThan(refused, 1_000, "most mutations should be refused")
        // Every prefix of the sample: all but the whole text are refused.
        for length in 0..<base.count {
            XCTAssertThrowsError(try JSONReader.parse(Data(base[..<length])), "prefix of length \(length)")
        }
    }

    func testOneMegabyteParsesQuickly() throws {
        var text = "{\"rows\": [\n"
        var generator = Generator(seed: 5)
        var row = 0
        while text.utf8.count < 1_000_000 {
            let numbers = (0..<16).map { _ in numberText(generator.nextNormal()) }
            text += "  {\"id\": \(row), \"name\": \"row \\u00e9 \(row)\", \"weights\": [" + numbers.joined(separator: ", ") + "]},\n"
            row += 1
        }
        text += "  null\n]}\n"
        let start = Date()
        let root = try JSONReader.parse(text)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(root.member("rows")?.value.value.elements?.count, row + 1)
        XCTAssertLessThan(seconds, 1.0, "1 MB took \(seconds) s")
        print("JSONTests: parsed \(text.utf8.count) bytes in \(String(format: "%.3f", seconds)) s")
    }
}
