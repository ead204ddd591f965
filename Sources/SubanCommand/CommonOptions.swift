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
public struct CommonOptions: ParsableArguments {
    public init() {}

    @Option(help: "Redis URL (env REDIS_URL).")
    public var redisURL: String = ProcessInfo.processInfo.environment["REDIS_URL"] ?? "redis://127.0.0.1:6379"

    @Option(help: "PostgreSQL URL (env DATABASE_URL).")
    public var databaseURL: String = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "postgresql://suban@127.0.0.1:5432/suban"

    @Option(help: "trace, debug, info, notice, warning, error, critical (env LOG_LEVEL).")
    public var logLevel: String = ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info"

    @Option(help: "Database connections in this process (env DATABASE_POOL_SIZE).")
    public var databasePoolSize: Int = Int(ProcessInfo.processInfo.environment["DATABASE_POOL_SIZE"] ?? "") ?? 8

    @Option(help: "text, or json: one JSON object a line (env LOG_FORMAT).")
    public var logFormat: String = ProcessInfo.processInfo.environment["LOG_FORMAT"] ?? "text"

    @Option(help: "Serve Prometheus metrics at /metrics on this port, 0 for none; the HTTP roles serve them on their own port (env METRICS_PORT).")
    public var metricsPort: Int = ProcessInfo.processInfo.environment["METRICS_PORT"].flatMap(Int.init) ?? 0

    /// Sets up logging and metrics for the process, and returns the role's logger.
    public func logger(role: String) -> Logger {
        Observability.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, json: logFormat == "json")
        var logger = Logger(label: "suban.\(role)")
        logger[metadataKey: "role"] = "\(role)"
        return logger
    }

    /// A worker role's `/metrics` server when `--metrics-port` is set.
    public func metricsServer(logger: Logger) -> [any Service] {
        guard metricsPort > 0 else { return [] }
        return [buildMetricsApplication(host: ProcessInfo.processInfo.environment["HOST"] ?? "127.0.0.1", port: metricsPort,
                                        render: Observability.render, logger: logger)]
    }

    /// The clients one process shares: a blocking thread pool sized for every
    /// pooled connection at once plus blocking stream reads, and the two clients.
    public func infrastructure() throws -> Infrastructure {
        let redisConfiguration = try RedisConfiguration(url: redisURL)
        let threadPool = BlockingThreadPool.make(threads: databasePoolSize + redisConfiguration.maxConnections + 2)
        let redis = RedisClient(configuration: redisConfiguration, threadPool: threadPool)
        let postgres = PostgresClient(url: databaseURL, maxConnections: databasePoolSize, threadPool: threadPool)
        return Infrastructure(threadPool: threadPool, redis: redis, postgres: postgres, publisher: OutboxPublisher(redis: redis, postgres: postgres))
    }
}

extension CommonOptions {
    /// For one-shot commands (keys, calendar, status, dead-letters): logging, the clients for `body`, then a clean shutdown.
    public func withInfrastructure<T: Sendable>(role: String, _ body: (Infrastructure) async throws -> T) async throws -> T {
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
    public func withDatabase<T: Sendable>(role: String, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withInfrastructure(role: role) { try await $0.postgres.withConnection(body) }
    }
}

extension CommonOptions {
    /// How long a role's services have to stop after SIGTERM or SIGINT before what is left
    /// is cancelled; a second more for cancellation. Orchestrators wait 10 s before SIGKILL.
    public static let shutdownBound: Duration = .seconds(8)

    /// Runs one role: its services (with the metrics server when `servesMetrics`: worker roles)
    /// in one group that starts them in order and, on SIGTERM or SIGINT, stops them in reverse
    /// within `shutdownBound`; then the clients close.
    public func runRole(_ services: [any Service], infrastructure: Infrastructure, logger: Logger, servesMetrics: Bool = true) async throws {
        let all = services + (servesMetrics ? metricsServer(logger: logger) : [])
        var configuration = ServiceGroupConfiguration(services: all.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = Self.shutdownBound
        configuration.maximumCancellationDuration = .seconds(1)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            await infrastructure.shutdown()
            throw error
        }
        await infrastructure.shutdown()
    }
}

public struct Infrastructure {
    public let threadPool: NIOThreadPool
    public let redis: RedisClient
    public let postgres: PostgresClient
    public let publisher: OutboxPublisher

    /// The working-day calendar with operators' loaded notices, read now and refreshed while the role runs.
    public func calendars(logger: Logger) async throws -> CalendarSource {
        let source = CalendarSource(postgres: postgres, logger: logger)
        try await source.reload()
        return source
    }

    public func shutdown() async {
        await redis.close()
        await postgres.close()
        try? await threadPool.shutdownGracefully()
    }
}

/// Settings read from the environment where a flag's default is not enough.
public enum Environment {
    public static func string(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }
    public static func int(_ name: String) -> Int? { string(name).flatMap(Int.init) }
}
