import Foundation
import Postgres
import SubanCore
import Synchronization

/// A row of a batch sent to PostgreSQL as one JSON array parameter and unpacked with
/// `jsonb_to_recordset`: any batch size in one parameterized statement. Its stored
/// properties are the columns, named in snake case (`placeKeys` is `place_keys`) and typed
/// by their Swift types, so a column is named once, in Swift, and the statement takes its
/// definition list from `RecordSet.columns`.
///
/// Column types: `String` and text enumerations `text`, `Bool` `boolean`, `Int` and `Int64`
/// `bigint`, `Double` `float8`, `UUID` `uuid`, `Date` `timestamptz`, `LocalDay` `date`, `[String]` `text[]`;
/// `JSONValue` and nested rows `jsonb`. Optionals are nullable columns of the same type.
protocol RecordRow: Encodable {}

enum RecordSet {
    /// The batch as the JSON array parameter.
    static func encode<Row: RecordRow>(_ rows: [Row]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(rows.count * 256)
        RecordEncoder.write(rows, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The definition list for `jsonb_to_recordset($1::jsonb) AS x(<list>)`. The types come
    /// from the properties' static types, so any row of the batch gives the same list.
    static func columns<Row: RecordRow>(of row: Row) -> String {
        let type = ObjectIdentifier(Row.self)
        if let known = knownColumns.withLock({ $0[type] }) { return known }
        let list = RecordEncoder.definitions(of: row).map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        knownColumns.withLock { $0[type] = list }
        return list
    }

    /// A type's list, made once: batches on the write path ask for it every time.
    private static let knownColumns = Mutex<[ObjectIdentifier: String]>([:])
}

/// A jsonb column holding rows of its own, unpacked with a `jsonb_to_recordset` of their own.
protocol NestedRecords {
    func write(to out: inout [UInt8])
}

extension Array: NestedRecords where Element: RecordRow {
    func write(to out: inout [UInt8]) { RecordEncoder.write(self, to: &out) }
}

/// Walks one row's properties: each becomes a member of the row's JSON object, written
/// straight into the batch's buffer, and, when asked for, a typed column.
fileprivate final class RecordEncoder: Encoder {
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    /// The batch written so far; the row's members are appended to it.
    var out: [UInt8] = []
    private var members = 0
    /// Column names by position, as an earlier row of the type produced them; nil for the first.
    private let knownNames: [ColumnName]?
    private var learnedNames: [ColumnName] = []
    /// Filled only when asked for: a batch's rows need their values, the statement one list.
    private let typed: Bool
    private(set) var definitions: [(name: String, type: String)] = []

    /// A property's name and its column's: snake-casing every member of every row cost a
    /// tenth of a batch's encoding.
    struct ColumnName {
        var property: String
        var column: String
    }
    private static let columnNames = Mutex<[ObjectIdentifier: [ColumnName]]>([:])

    private init(knownNames: [ColumnName]?, typed: Bool) {
        self.knownNames = knownNames
        self.typed = typed
    }

    static func write<Row: RecordRow>(_ rows: [Row], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (position, row) in rows.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            write(row, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    static func write<Row: RecordRow>(_ row: Row, to out: inout [UInt8]) {
        let type = ObjectIdentifier(Row.self)
        let names = columnNames.withLock { $0[type] }
        let encoder = RecordEncoder(knownNames: names, typed: false)
        swap(&encoder.out, &out)
        encoder.encodeObject(row)
        swap(&encoder.out, &out)
        if names == nil { columnNames.withLock { $0[type] = encoder.learnedNames } }
    }

    static func definitions(of row: some RecordRow) -> [(name: String, type: String)] {
        let encoder = RecordEncoder(knownNames: nil, typed: true)
        encoder.encodeObject(row)
        return encoder.definitions
    }

    private func encodeObject(_ row: some RecordRow) {
        out.append(UInt8(ascii: "{"))
        do {
            try row.encode(to: self)
        } catch {
            preconditionFailure("record row \(type(of: row)) does not encode: \(error)")
        }
        out.append(UInt8(ascii: "}"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Columns<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("a record row is a struct of columns, not a list")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("a record row is a struct of columns, not a single value")
    }

    /// Starts the member for `key`: a separator, the column's name and a colon; the caller writes the value.
    func member(_ key: any CodingKey, as type: Any.Type) {
        let property = key.stringValue
        let name: String
        if let known = knownNames, members < known.count, known[members].property == property {
            name = known[members].column
        } else {
            name = Self.snakeCase(property)
            learnedNames.append(ColumnName(property: property, column: name))
        }
        if members > 0 { out.append(UInt8(ascii: ",")) }
        members += 1
        JSONValue.writeString(name, to: &out)
        out.append(UInt8(ascii: ":"))
        if typed { definitions.append((name, Self.postgresType(type))) }
    }

    static func postgresType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is any PostgresTextEnum.Type: "text"
        case is Bool.Type: "boolean"
        case is Int.Type, is Int64.Type: "bigint"
        case is Double.Type: "float8"
        case is UUID.Type: "uuid"
        case is Date.Type: "timestamptz"
        case is LocalDay.Type: "date"
        case is [String].Type: "text[]"
        case is JSONValue.Type, is any RecordRow.Type, is any NestedRecords.Type: "jsonb"
        default: preconditionFailure("no column type for \(type) in a record row")
        }
    }

    /// Values of the generic columns (the typed overloads take strings, flags and numbers).
    func write(_ value: Any) {
        switch value {
        case let id as UUID: JSONValue.writeString(id.postgresText, to: &out)
        case let date as Date: JSONValue.writeString(date.postgresText, to: &out)
        case let day as LocalDay: JSONValue.writeString(day.description, to: &out)
        case let value as any PostgresTextEnum: JSONValue.writeString(value.postgresText, to: &out)
        case let texts as [String]: JSONValue.array(texts.map(JSONValue.string)).write(to: &out)
        case let json as JSONValue: json.write(to: &out)
        case let row as any RecordRow: Self.write(row, to: &out)
        case let rows as any NestedRecords: rows.write(to: &out)
        case let text as String: JSONValue.writeString(text, to: &out)
        case let flag as Bool: JSONValue.bool(flag).write(to: &out)
        case let number as Double: JSONValue.number(number).write(to: &out)
        case let number as Int: JSONValue.number(Double(number)).write(to: &out)
        case let number as Int64: JSONValue.number(Double(number)).write(to: &out)
        default: preconditionFailure("no JSON for \(type(of: value)) in a record row")
        }
    }

    /// `placeKeys` → `place_keys`, `parentID` → `parent_id` (Swift property names are ASCII).
    static func snakeCase(_ name: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + 4)
        var afterLowerOrDigit = false
        for byte in name.utf8 {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                if afterLowerOrDigit { bytes.append(UInt8(ascii: "_")) }
                bytes.append(byte + 32)
                afterLowerOrDigit = false
            } else {
                bytes.append(byte)
                afterLowerOrDigit = (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every property, optional or not, becomes a column: a nil one is a SQL NULL, not a missing member.
    struct Columns<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: RecordEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws {
            preconditionFailure("a record row's nil column \(key.stringValue) needs its type: encode it with encodeIfPresent")
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            encoder.member(key, as: T.self)
            encoder.write(value)
        }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            encoder.member(key, as: T.self)
            if let value { encoder.write(value) } else { JSONValue.null.write(to: &encoder.out) }
        }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), as: Bool.self, key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), as: String.self, key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(.number(value), as: Double.self, key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.number(Double(value)), as: Int.self, key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(.number(Double(value)), as: Int64.self, key) }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { put(value.map(JSONValue.bool) ?? .null, as: Bool.self, key) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { put(JSONValue(value), as: String.self, key) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { put(JSONValue(value), as: Double.self, key) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { put(JSONValue(value.map(Double.init)), as: Int.self, key) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { put(JSONValue(value.map(Double.init)), as: Int64.self, key) }

        private func put(_ value: JSONValue, as type: Any.Type, _ key: Key) {
            encoder.member(key, as: type)
            value.write(to: &encoder.out)
        }
        // Types a column never has.
        mutating func encode(_ value: Float, forKey key: Key) throws { unsupported(Float.self, key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { unsupported(Int8.self, key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { unsupported(Int16.self, key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { unsupported(Int32.self, key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { unsupported(UInt.self, key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { unsupported(UInt8.self, key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { unsupported(UInt16.self, key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { unsupported(UInt32.self, key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { unsupported(UInt64.self, key) }

        func unsupported(_ type: Any.Type, _ key: Key) -> Never {
            preconditionFailure("record row column \(key.stringValue): use Int, Int64 or Double, not \(type)")
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            preconditionFailure("record row column \(key.stringValue): a nested value is a RecordRow or a JSONValue")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("record row column \(key.stringValue): a list is [String] or [RecordRow]")
        }
        mutating func superEncoder() -> any Encoder { preconditionFailure("record rows have no superclass") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("record rows have no superclass") }
    }
}

extension JSONValue {
    init(_ text: String?) { self = text.map(JSONValue.string) ?? .null }
    init(_ number: Double?) { self = number.map(JSONValue.number) ?? .null }

    /// A flat object of strings, as outbox rows hold stream fields.
    var stringFields: [String: String]? {
        guard case .object(let members) = self else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else { return nil }
            fields[key] = text
        }
        return fields
    }
}
