import BlockingIO
import Logging
import NIOPosix

/// The async face of Redis: a small pool of hiredis connections whose calls
/// run on the blocking thread pool.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let pool: ConnectionPool<RedisConnection>

    public init(configuration: RedisConfiguration, threadPool: NIOThreadPool, backoff: Backoff = Backoff()) {
        self.configuration = configuration
        self.pool = ConnectionPool(maxConnections: configuration.maxConnections, threadPool: threadPool, backoff: backoff) {
            try RedisConnection(configuration: configuration)
        }
    }

    /// Sends one command; an error reply is thrown as `RedisError.server`.
    @discardableResult
    public func send(_ command: RedisCommand, timeout: Duration? = nil) async throws -> RedisReply {
        try await pool.withConnection { try $0.send(command, timeout: timeout) }.throwingServerError()
    }

    @discardableResult
    public func send(_ name: String, _ arguments: any RedisArgument...) async throws -> RedisReply {
        try await send(RedisCommand(name, arguments))
    }

    /// Sends every command in one round trip. Error replies stay in place as `.error`,
    /// so one failed command does not hide the others' results.
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        return try await pool.withConnection { try $0.pipeline(commands) }
    }

    public func close() async { await pool.close() }
}
