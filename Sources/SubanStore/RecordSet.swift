import Foundation
import Postgres
import SubanCore

/// Rows sent to PostgreSQL as one JSON array parameter and unpacked with
/// `jsonb_to_recordset`: any batch size in one parameterized statement.
enum RecordSet {
    static func encode(_ rows: [[String: JSONValue]]) -> String {
        JSONValue.array(rows.map(JSONValue.object)).serialized
    }
}

extension JSONValue {
    init(_ text: String?) { self = text.map(JSONValue.string) ?? .null }
    init(_ number: Double?) { self = number.map(JSONValue.number) ?? .null }
    init(_ date: Date) { self = .string(date.postgresText) }

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
