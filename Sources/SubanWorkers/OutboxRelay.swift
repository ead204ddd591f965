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
        /// Rows a pass takes; a row holds one change's entries (a dispatch batch's are a few hundred).
        public var batchSize = 20
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
            try await runOnce().rows == configuration.batchSize
        }
    }

    /// One pass; returns what it published.
    @discardableResult
    public func runOnce() async throws -> OutboxPublisher.Relayed {
        let published = try await publisher.relayStale(olderThan: configuration.minimumAge, limit: configuration.batchSize)
        if published.rows > 0 {
            StageMetrics.published("relay").increment(by: Int64(published.entries))
            logger.info("relayed outbox rows", metadata: ["rows": "\(published.rows)", "entries": "\(published.entries)"])
        }
        return published
    }
}
