import CivilDate
import Foundation

/// A Swift value sent as a text-format statement parameter.
public protocol PostgresEncodable: Sendable {
    var postgresText: String { get }
}

/// A Swift value read from a text-format result column.
public protocol PostgresDecodable {
    init(postgresText text: String) throws(PostgresError)
}

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self }
    public init(postgresText text: String) { self = text }
}

/// Numbers travel as their decimal text.
public protocol PostgresNumber: PostgresEncodable, PostgresDecodable, LosslessStringConvertible {}

extension PostgresNumber {
    public var postgresText: String { description }
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = Self(text) else { throw .decoding(text, as: "\(Self.self)") }
        self = value
    }
}

extension Int: PostgresNumber {}
extension Int64: PostgresNumber {}
extension Double: PostgresNumber {}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { self ? "t" : "f" }
    public init(postgresText text: String) throws(PostgresError) {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw .decoding(text, as: "Bool")
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresText: String { uuidString.lowercased() }
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = UUID(uuidString: text) else { throw .decoding(text, as: "UUID") }
        self = value
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    /// Sent as epoch-based ISO 8601 in UTC with microseconds, which `timestamptz` parses exactly.
    public var postgresText: String { PostgresTimestamp.format(self) }
    public init(postgresText text: String) throws(PostgresError) {
        guard let date = PostgresTimestamp.parse(text) else { throw .decoding(text, as: "Date") }
        self = date
    }
}

/// An enumeration stored as its raw text: a `text` column whose CHECK lists the cases.
/// A value this version does not know is a decoding error, not a silent default.
public protocol PostgresTextEnum: PostgresEncodable, PostgresDecodable, RawRepresentable where RawValue == String {}

extension PostgresTextEnum {
    public var postgresText: String { rawValue }
    public init(postgresText text: String) throws(PostgresError) {
        guard let value = Self(rawValue: text) else { throw .decoding(text, as: "\(Self.self)") }
        self = value
    }
}

extension PostgresError {
    static func decoding(_ text: String, as type: String) -> PostgresError {
        PostgresError(kind: .decoding, message: "cannot decode \(type) from '\(text.prefix(64))'")
    }
}

/// `timestamptz` in its text form, `2026-11-23 07:34:24.123456+00` (the session runs in UTC).
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = micros - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (y, m, d) = CivilDate.civil(days: Int(days))
        // Digits written by hand: every row a batch writes carries a few timestamps, and
        // `String(format:)` cost more than the rest of the row.
        var text: [UInt8] = []
        text.reserveCapacity(29)
        func field(_ value: Int64, width: Int, then separator: Unicode.Scalar) {
            appendDigits(value, width: width, to: &text)
            text.append(UInt8(ascii: separator))
        }
        field(Int64(y), width: 4, then: "-")
        field(Int64(m), width: 2, then: "-")
        field(Int64(d), width: 2, then: " ")
        field(secondOfDay / 3600, width: 2, then: ":")
        field(secondOfDay / 60 % 60, width: 2, then: ":")
        field(secondOfDay % 60, width: 2, then: ".")
        field(fraction, width: 6, then: "+")
        text.append(contentsOf: "00".utf8)
        return String(decoding: text, as: UTF8.self)
    }

    /// `value` in decimal, zero-padded to `width` digits, as `%0*lld` writes it.
    static func appendDigits(_ value: Int64, width: Int, to text: inout [UInt8]) {
        if value < 0 { text.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        while magnitude >= 10 { magnitude /= 10; digits += 1 }
        let end = text.count + max(width - (value < 0 ? 1 : 0), digits)
        text.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: end - text.count))
        magnitude = value.magnitude
        var index = end - 1
        repeat {
            text[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
            index -= 1
        } while magnitude > 0
    }

    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { micros = micros * 10 + Int64(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            if digits < 6 { for _ in digits..<6 { micros *= 10 } }
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number(index + 1..<index + 3) else { return nil }
            var minutes: Int64 = 0
            if index + 6 <= bytes.count, bytes[index + 3] == UInt8(ascii: ":") { minutes = number(index + 4..<index + 6) ?? 0 }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        let days = Int64(CivilDate.days(year: Int(year), month: Int(month), day: Int(day)))
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }
}
