import Foundation
import Testing
@testable import SubanCore

/// JSONValue's parser against Foundation's on generated texts, valid and broken: both accept
/// the same texts and read the same values. The texts come from a seeded generator, so a
/// disagreement is reproducible from its seed.
@Suite struct JSONValueDifferentialTests {
    /// SplitMix64: small, fast and the same on every machine.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A JSON text of up to `depth` levels, with the spacing, escapes and numbers clients send.
    static func text(depth: Int, _ random: inout Generator) -> String {
        let space = [" ", "", "", "\n", "\t", "\r\n"]
        func pad() -> String { space.randomElement(using: &random)! }
        switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &random) {
        case 0: return ["null", "true", "false"].randomElement(using: &random)!
        case 1, 2:
            let numbers = ["0", "-0", "7", "-12", "3.25", "1e3", "2E-2", "-4.5e+1", "123456789012", "0.000001", "1.5E300", "22.5", "100"]
            return numbers.randomElement(using: &random)!
        case 3, 4, 5:
            let pieces = ["龙华", "a", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u9f99", "\\ud83d\\ude00", "😀", " ", "U+3000　", "\\b", "\\f", "\\r", "x y"]
            return "\"" + (0..<Int.random(in: 0...4, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined() + "\""
        case 6, 7:
            let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in pad() + text(depth: depth - 1, &random) + pad() }
            return "[" + items.joined(separator: ",") + "]"
        default:
            let keys = ["a", "b", "区", "text", "a"]   // "a" twice: the last of duplicate keys wins in both
            let members = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                pad() + "\"" + keys.randomElement(using: &random)! + "\"" + pad() + ":" + pad() + text(depth: depth - 1, &random) + pad()
            }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    /// One edit a broken client or a truncated body makes.
    static func mutate(_ text: String, _ random: inout Generator) -> [UInt8] {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return [UInt8(ascii: "}")] }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        let junk: [UInt8] = Array(",:]}[{\"\\-.e0x\u{01} ".utf8) + [0xFF, 0xC3]
        switch Int.random(in: 0..<4, using: &random) {
        case 0: bytes.remove(at: at)
        case 1: bytes.insert(junk.randomElement(using: &random)!, at: at)
        case 2: bytes[at] = junk.randomElement(using: &random)!
        default: bytes = Array(bytes[..<at])
        }
        return bytes
    }

    /// Foundation's reading as a JSONValue; nil when Foundation refuses the text.
    static func foundation(_ bytes: [UInt8]) -> JSONValue? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        return convert(object)
    }

    /// What Foundation takes and this parser refuses on purpose: a trailing comma ("[1,]"), which
    /// RFC 8259 does not allow, and a number beyond a Double ("1e999"), which it lets a parser refuse.
    static func refusedOnPurpose(_ bytes: [UInt8]) -> Bool {
        var inString = false, escaped = false, comma = false
        var number: [UInt8] = []
        func numberOutOfRange() -> Bool {
            defer { number = [] }
            return !number.isEmpty && Double(String(decoding: number, as: UTF8.self)).map { !$0.isFinite } ?? false
        }
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            if Array("-+.eE0123456789".utf8).contains(byte) {
                number.append(byte)
                comma = false
                continue
            }
            if numberOutOfRange() { return true }
            switch byte {
            case UInt8(ascii: "\""): inString = true; comma = false
            case UInt8(ascii: ","): comma = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"): if comma { return true }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default: comma = false
            }
        }
        return numberOutOfRange()
    }

    static func convert(_ object: Any) -> JSONValue {
        switch object {
        case is NSNull: return .null
        case let string as String: return .string(string)
        case let number as NSNumber:
            // JSON's true and false come back as NSNumbers made from Bools.
            return String(cString: number.objCType) == "c" ? .bool(number.boolValue) : .number(number.doubleValue)
        case let array as [Any]: return .array(array.map(convert))
        case let object as [String: Any]: return .object(object.mapValues(convert))
        default: return .string("unexpected \(type(of: object))")
        }
    }

    @Test(arguments: 0..<8)
    func agreesWithFoundation(_ seed: UInt64) {
        var random = Generator(state: seed)
        var accepted = 0, refused = 0
        for case_ in 0..<5_000 {
            let valid = Self.text(depth: 4, &random)
            let bytes = case_ % 2 == 0 ? Array(valid.utf8) : Self.mutate(valid, &random)
            let ours = try? JSONValue.parse(bytes)
            let theirs = Self.refusedOnPurpose(bytes) ? nil : Self.foundation(bytes)
            #expect(ours == theirs, "seed \(seed) case \(case_): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            if ours == nil { refused += 1 } else { accepted += 1 }
        }
        // Both halves were exercised: the generator makes valid texts and its edits break some.
        #expect(accepted > 2_500 && refused > 500)
    }
}
