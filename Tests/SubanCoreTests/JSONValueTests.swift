import Foundation
import Testing
@testable import SubanCore

@Suite struct JSONValueTests {
    @Test(arguments: [
        (#"{"a":[1,-2.5,3e2,true,false,null],"b":{"c":"d"}}"#,
         JSONValue.object(["a": .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null]), "b": .object(["c": .string("d")])])),
        (#" "\"\\\/\b\f\n\r\t" "#, .string("\"\\/\u{08}\u{0C}\n\r\t")),
        (#""\u9f99\u534e\ud83d\ude00""#, .string("龙华😀")),
        (#""龙华街道 U+3000　""#, .string("龙华街道 U+3000　")),
        ("[]", .array([])),
        ("{}", .object([:])),
        ("0", .number(0)),
    ])
    func parsesValidJSON(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(text.utf8) == expected)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "{a:1}", "01", "1.", "-", "1e", "tru", "\"abc", "\"a\u{01}b\"", #""\x""#, #""\ud83d""#,
        "1 2", "[1] x", "NaN", "1e999",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(text.utf8) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse([0x22, 0xff, 0xfe, 0x22]) }
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONValue.ParseError.self) { try JSONValue.parse(deep.utf8) }
        let fine = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        #expect(throws: Never.self) { try JSONValue.parse(fine.utf8) }
    }

    @Test func writerRoundTrips() throws {
        let value = JSONValue.object([
            "text": .string("引号\"反斜杠\\换行\n控制\u{01}😀"), "n": .number(42), "x": .number(22.5), "list": .array([.null, .bool(true)]),
        ])
        #expect(try JSONValue.parse(value.serialized.utf8) == value)
        // Foundation agrees it is JSON.
        #expect(try JSONSerialization.jsonObject(with: Data(value.serialized.utf8)) is [String: Any])
    }

    @Test func trimsUnicodeWhitespace() {
        #expect("\u{3000} 龙华 \n".trimmedOfWhitespace == "龙华")
        #expect("   ".trimmedOfWhitespace == "")
        #expect("a b".trimmedOfWhitespace == "a b")
    }
}
