import BlockingIO
import NIOPosix

/// The async face of PostgreSQL: a small pool of libpq connections whose
/// calls run on the blocking thread pool.
public final class PostgresClient: Sendable {
    public let url: String
    private let pool: ConnectionPool<PostgresConnection>

    public init(url: String, maxConnections: Int = 8, threadPool: NIOThreadPool, backoff: Backoff = Backoff()) {
        self.url = url
        self.pool = ConnectionPool(maxConnections: maxConnections, threadPool: threadPool, backoff: backoff) {
            try PostgresConnection(url: url)
        }
    }

    /// Runs blocking work with one connection, off the cooperative pool.
    public func withConnection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Result) async throws -> Result {
        try await pool.withConnection(body)
    }

    /// Runs `body` in one transaction on one connection.
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> Result) async throws -> Result {
        try await pool.withConnection { try $0.transaction(body) }
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> PostgresRows {
        try await pool.withConnection { try $0.query(sql, parameters) }
    }

    public func close() async { await pool.close() }
}
