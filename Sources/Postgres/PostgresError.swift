/// An error from libpq or from the server.
///
/// `description` is safe to show and log; the statement and detail are in `debugDescription`.
public struct PostgresError: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Could not connect, or the connection broke mid-call.
        case connection
        /// The server rejected the statement; `sqlState` says why.
        case server
        /// A value could not be decoded into the requested Swift type.
        case decoding
    }

    public var kind: Kind
    public var message: String
    /// The five-character SQLSTATE, e.g. `23505` unique violation, `40001` serialization failure.
    public var sqlState: String?
    public var detail: String?
    public var constraint: String?
    public var statement: String?

    public init(kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, constraint: String? = nil, statement: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraint = constraint
        self.statement = statement
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// Worth retrying the whole transaction: serialization failure or deadlock.
    public var isTransient: Bool { sqlState == "40001" || sqlState == "40P01" || kind == .connection }
}

extension PostgresError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        if let sqlState { return "postgres \(sqlState): \(message)" }
        return "postgres: \(message)"
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += " detail: \(detail)" }
        if let constraint { text += " constraint: \(constraint)" }
        if let statement { text += " statement: \(statement)" }
        return text
    }
}
