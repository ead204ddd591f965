import Logging
import ServiceLifecycle
import SubanStore

/// Publishes outbox rows that their writer did not: it died after COMMIT, or
/// Redis was down. Runs in every intake and dispatch process; replicas split
/// the rows between them with `SKIP LOCKED` claims.
///
/// 1. Every `interval` (jittered, so replicas do not poll in step), claim rows
///    older than `minimumAge` and publish them.
/// 2. A full batch means more are waiting: go again at once.
/// 3. Failures back off exponentially, so a dead Redis is not hammered.
public struct OutboxRelay: Service {
    public struct Configuration: Sendable {
        public var interval: Duration = .seconds(1)
        /// Younger rows are still their writer's to publish.
        public var minimumAge: Duration = .seconds(2)
        public var batchSize = 500
        public init() {}
    }

    let configuration: Configuration
    let publisher: OutboxPublisher
    let logger: Logger

    public init(configuration: Configuration = Configuration(), publisher: OutboxPublisher, logger: Logger) {
        self.configuration = configuration
        self.publisher = publisher
        self.logger = logger
    }

    public func run() async throws {
        await PollingLoop(interval: configuration.interval, name: "outbox relay", logger: logger).run {
            try await runOnce() == configuration.batchSize
        }
    }

    /// One pass; returns how many rows it published.
    @discardableResult
    public func runOnce() async throws -> Int {
        let published = try await publisher.relayStale(olderThan: configuration.minimumAge, limit: configuration.batchSize)
        if published > 0 {
            StageMetrics.published("relay").increment(by: Int64(published))
            logger.info("relayed outbox rows", metadata: ["rows": "\(published)"])
        }
        return published
    }
}
