import Foundation
import Postgres

/// Rows sent to PostgreSQL as one JSON array parameter and unpacked with
/// `jsonb_to_recordset`: any batch size in one parameterized statement.
enum RecordSet {
    static func encode<Row: Encodable>(_ rows: [Row]) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.postgresText)
        }
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}
