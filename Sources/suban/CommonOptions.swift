import ArgumentParser
import BlockingIO
import Foundation
import Logging
import NIOPosix
import Postgres
import Redis
import ServiceLifecycle
import SubanAPI
import SubanStore
import SubanWorkers

/// Flags every role takes; each falls back to its environment variable.
struct CommonOptions: ParsableArguments {
    @Option(help: "Redis URL (env REDIS_URL).")
    var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "PostgreSQL URL (env DATABASE_URL).")
    var databaseURL: String = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgresql://suban@127.0.0.1:5432/suban"

    @Option(help: "trace, debug, info, notice, warning, error, critical (env LOG_LEVEL).")
    var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    @Option(help: "Database connections in this process (env DATABASE_POOL_SIZE).")
    var databasePoolSize: Int = Int(ProcessInfo.processInfo.environment["DATABASE_POOL_SIZE"] ?? "") ?? 8

    @Option(help: "text, or json: one JSON object a line (env LOG_FORMAT).")
    var logFormat: String = ProcessInfo.processInfo.environment["LOG_FORMAT"] ?? "text"

    @Option(help: "Serve Prometheus metrics at /metrics on this port, 0 for none; the HTTP roles serve them on their own port (env METRICS_PORT).")
    var metricsPort: Int = ProcessInfo.processInfo.environment["METRICS_PORT"].flatMap(Int.init) ?? 0

    /// Sets up logging and metrics for the process, and returns the role's logger.
    func logger(role: String) -> Logger {
        Observability.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, json: logFormat == "json")
        var logger = Logger(label: "suban.\(role)")
        logger[metadataKey: "role"] = "\(role)"
        return logger
    }

    /// A worker role's `/metrics` server when `--metrics-port` is set.
    func metricsServer(logger: Logger) -> [any Service] {
        guard metricsPort > 0 else { return [] }
        return [buildMetricsApplication(host: ProcessInfo.processInfo.environment["HOST"] ?? "127.0.0.1", port: metricsPort,
                                        render: Observability.render, logger: logger)]
    }

    /// The clients one process shares: a blocking thread pool sized for every
    /// pooled connection at once plus blocking stream reads, and the two clients.
    func infrastructure() throws -> Infrastructure {
        let redisConfiguration = try RedisConfiguration(url: redisURL)
        let threadPool = BlockingThreadPool.make(threads: databasePoolSize + redisConfiguration.maxConnections + 2)
        let redis = RedisClient(configuration: redisConfiguration, threadPool: threadPool)
        let postgres = PostgresClient(url: databaseURL, maxConnections: databasePoolSize, threadPool: threadPool)
        return Infrastructure(threadPool: threadPool, redis: redis, postgres: postgres, publisher: OutboxPublisher(redis: redis, postgres: postgres))
    }
}

extension CommonOptions {
    /// For one-shot commands (keys, calendar, status, dead-letters): logging, the clients for `body`, then a clean shutdown.
    func withInfrastructure<T: Sendable>(role: String, _ body: (Infrastructure) async throws -> T) async throws -> T {
        _ = logger(role: role)
        let infrastructure = try infrastructure()
        do {
            let value = try await body(infrastructure)
            await infrastructure.shutdown()
            return value
        } catch {
            await infrastructure.shutdown()
            throw error
        }
    }

    /// One database connection for `body`.
    func withDatabase<T: Sendable>(role: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withInfrastructure(role: role) { try await $0.postgres.withConnection(body) }
    }
}

struct Infrastructure {
    let threadPool: NIOThreadPool
    let redis: RedisClient
    let postgres: PostgresClient
    let publisher: OutboxPublisher

    /// The working-day calendar with operators' loaded notices, read now and refreshed while the role runs.
    func calendars(logger: Logger) async throws -> CalendarSource {
        let source = CalendarSource(postgres: postgres, logger: logger)
        try await source.reload()
        return source
    }

    func shutdown() async {
        await redis.close()
        await postgres.close()
        try? await threadPool.shutdownGracefully()
    }
}
