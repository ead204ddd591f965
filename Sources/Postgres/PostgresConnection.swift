import BlockingIO
import CLibpq

/// One libpq connection. Every method blocks the calling thread.
///
/// `@unchecked Sendable`: the `PGconn` is touched only by the thread that
/// currently holds the connection, and `ConnectionPool` hands a connection to
/// one borrower at a time.
public final class PostgresConnection: BlockingConnection, @unchecked Sendable {
    private var handle: OpaquePointer?
    private var brokenByError = false
    /// The statements this session has prepared, by their text: parsing and planning a batch's
    /// statement cost more than a tenth of running it. Bounded, for callers that build SQL.
    private var prepared: [String: String] = [:]
    private var statementsPrepared = 0
    static let preparedLimit = 256

    /// Connects with a libpq URL or key/value string; the session runs in UTC
    /// and keeps server notices out of stderr.
    public init(url: String) throws(PostgresError) {
        let handle = PQconnectdb(url)
        self.handle = handle
        guard let handle, PQstatus(handle) == CONNECTION_OK else {
            let message = handle.map { Self.errorMessage($0) } ?? "out of memory"
            close()
            throw PostgresError(kind: .connection, message: message)
        }
        do {
            try execute("SET TIME ZONE 'UTC'; SET client_min_messages = warning; SET client_encoding = 'UTF8'")
        } catch {
            close()
            throw error
        }
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    public var isBroken: Bool {
        guard let handle else { return true }
        return brokenByError || PQstatus(handle) != CONNECTION_OK
    }

    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// Runs one parameterized statement (`$1`, `$2`, ... in text format), prepared on its
    /// first use in this session.
    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) throws(PostgresError) -> PostgresRows {
        guard let handle else { throw PostgresError(kind: .connection, message: "connection is closed") }
        let texts = parameters.map { $0?.postgresText }
        do {
            return try run(sql, texts, on: handle)
        } catch where error.sqlState == "0A000" && prepared[sql] != nil {
            // A migration changed what the prepared statement returns: prepare it anew. Within a
            // transaction the error has aborted it, so the caller's retry gets the new statement.
            prepared[sql] = nil
            guard PQtransactionStatus(handle) == PQTRANS_IDLE else { throw error }
            return try run(sql, texts, on: handle)
        }
    }

    private func run(_ sql: String, _ texts: [String?], on handle: OpaquePointer) throws(PostgresError) -> PostgresRows {
        let name = try preparedName(for: sql, on: handle)
        let result = withCStrings(texts) { values in
            if let name {
                PQexecPrepared(handle, name, Int32(texts.count), values, nil, nil, 0)
            } else {
                PQexecParams(handle, sql, Int32(texts.count), nil, values, nil, nil, 0)
            }
        }
        return try consume(result, statement: sql)
    }

    /// The name `sql` is prepared under, preparing it now if this session has not; nil once
    /// the session holds `preparedLimit` statements. (A statement prepared anew after a
    /// migration gets a new name: the old one cannot be deallocated in an aborted transaction.)
    private func preparedName(for sql: String, on handle: OpaquePointer) throws(PostgresError) -> String? {
        if let name = prepared[sql] { return name }
        guard prepared.count < Self.preparedLimit else { return nil }
        let name = "suban_\(statementsPrepared)"
        _ = try consume(PQprepare(handle, name, sql, 0, nil), statement: sql)
        statementsPrepared += 1
        prepared[sql] = name
        return name
    }

    /// Runs statements without parameters (several may be separated by `;`). For migrations
    /// and session settings only: values always go through `query`'s parameters.
    public func execute(_ sql: String) throws(PostgresError) {
        guard let handle else { throw PostgresError(kind: .connection, message: "connection is closed") }
        _ = try consume(PQexec(handle, sql), statement: sql)
    }

    /// Runs `body` between BEGIN and COMMIT; any error rolls back and is rethrown.
    public func transaction<Result>(_ body: (PostgresConnection) throws -> Result) throws -> Result {
        try execute("BEGIN")
        do {
            let result = try body(self)
            try execute("COMMIT")
            return result
        } catch {
            if !isBroken { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// `COPY table (columns) FROM STDIN` in text format: the fastest bulk load.
    /// Values are escaped here; nil is written as `\N`.
    @discardableResult
    public func copy(into table: String, columns: [String], rows: [[String?]]) throws(PostgresError) -> Int {
        guard let handle else { throw PostgresError(kind: .connection, message: "connection is closed") }
        let statement = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
        let start = PQexec(handle, statement)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try consume(start, statement: statement)
            throw PostgresError(kind: .server, message: "COPY did not start", statement: statement)
        }
        PQclear(start)
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 16)
        func flush() -> Bool {
            defer { chunk.removeAll(keepingCapacity: true) }
            return chunk.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32(buffer.count)) } == 1
            }
        }
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { chunk.append(9) }
                if let value { Self.appendCopyEscaped(value, to: &chunk) } else { chunk.append(contentsOf: [92, 78]) }
            }
            chunk.append(10)
            if chunk.count >= 1 << 16, !flush() { break }
        }
        if !chunk.isEmpty { _ = flush() }
        guard PQputCopyEnd(handle, nil) == 1 else {
            brokenByError = true
            throw PostgresError(kind: .connection, message: Self.errorMessage(handle), statement: statement)
        }
        var affected = 0
        while let result = PQgetResult(handle) {
            affected += try consume(result, statement: statement).affectedRows
        }
        return affected
    }

    static func appendCopyEscaped(_ value: String, to buffer: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case 92: buffer.append(contentsOf: [92, 92])
            case 9: buffer.append(contentsOf: [92, 116])
            case 10: buffer.append(contentsOf: [92, 110])
            case 13: buffer.append(contentsOf: [92, 114])
            default: buffer.append(byte)
            }
        }
    }

    private func consume(_ result: OpaquePointer?, statement: String) throws(PostgresError) -> PostgresRows {
        guard let result else {
            brokenByError = true
            throw PostgresError(kind: .connection, message: handle.map { Self.errorMessage($0) } ?? "no result", statement: statement)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.rows(of: result)
        default:
            let sqlState = Self.field(result, "C")
            if sqlState == nil, let handle, PQstatus(handle) != CONNECTION_OK { brokenByError = true }
            throw PostgresError(
                kind: sqlState == nil ? .connection : .server,
                message: Self.field(result, "M") ?? handle.map { Self.errorMessage($0) } ?? "unknown error",
                sqlState: sqlState,
                detail: Self.field(result, "D"),
                constraint: Self.field(result, "n"),
                statement: statement
            )
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let columnCount = Int(PQnfields(result))
        let rowCount = Int(PQntuples(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var values: [[String?]] = []
        values.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var fields: [String?] = []
            fields.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    fields.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: length)
                    fields.append(String(decoding: bytes, as: UTF8.self))
                }
            }
            values.append(fields)
        }
        let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
        return PostgresRows(columns: columns, values: values, affectedRows: affected)
    }

    private static func field(_ result: OpaquePointer, _ code: Character) -> String? {
        guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
        return String(cString: value)
    }

    private static func errorMessage(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingTrailingWhitespace
    }
}

/// Lends `strings` to C as an array of NUL-terminated pointers (nil stays NULL) for one call.
private func withCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    var storage: [[CChar]?] = strings.map { $0.map { Array($0.utf8CString) } }
    func recurse(_ index: Int, _ pointers: inout [UnsafePointer<CChar>?]) -> Result {
        if index == storage.count { return body(pointers) }
        guard storage[index] != nil else {
            pointers.append(nil)
            return recurse(index + 1, &pointers)
        }
        return storage[index]!.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress)
            return recurse(index + 1, &pointers)
        }
    }
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(storage.count)
    defer { storage.removeAll() }
    return recurse(0, &pointers)
}

extension String {
    var trimmingTrailingWhitespace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
