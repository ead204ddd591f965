import BlockingIO
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
        let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var delay = configuration.interval * Double.random(in: 0.8...1.2)
            do {
                let published = try await runOnce()
                failures = 0
                if published == configuration.batchSize { delay = .zero }
            } catch {
                if Task.isCancelled { break }
                failures += 1
                delay = backoff.delay(afterFailures: failures)
                logger.warning("outbox relay failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
            }
            try? await Task.sleep(for: delay)
        }
    }

    /// One pass; returns how many rows it published.
    @discardableResult
    public func runOnce() async throws -> Int {
        let published = try await publisher.relayStale(olderThan: configuration.minimumAge, limit: configuration.batchSize)
        if published > 0 { logger.info("relayed outbox rows", metadata: ["rows": "\(published)"]) }
        return published
    }
}
