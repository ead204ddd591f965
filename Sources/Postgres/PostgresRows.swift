/// The rows of one result, copied out of libpq's `PGresult`.
public struct PostgresRows: Sendable, RandomAccessCollection {
    public let columns: [String]
    let values: [[String?]]
    /// Rows inserted, updated or deleted by the statement (`PQcmdTuples`).
    public let affectedRows: Int

    init(columns: [String], values: [[String?]], affectedRows: Int) {
        self.columns = columns
        self.values = values
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { values.count }
    public subscript(position: Int) -> PostgresRow { PostgresRow(columns: columns, values: values[position]) }
}

public struct PostgresRow: Sendable {
    public let columns: [String]
    public let values: [String?]

    /// Decodes a non-null column by name.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T {
        guard let text = try text(column) else {
            throw PostgresError(kind: .decoding, message: "column \(column) is null")
        }
        return try T(postgresText: text)
    }

    /// Decodes a nullable column by name.
    public func decodeIfPresent<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws(PostgresError) -> T? {
        guard let text = try text(column) else { return nil }
        return try T(postgresText: text)
    }

    private func text(_ column: String) throws(PostgresError) -> String? {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresError(kind: .decoding, message: "no column \(column) in result")
        }
        return values[index]
    }
}
