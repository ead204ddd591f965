import Foundation
import Logging
import Postgres
import ServiceLifecycle
import SubanCore
import SubanStore

/// The statutory clock's watchman (`suban sla-sweeper`): warnings, overdue
/// events with supervision records, escalations, for dispatch, intervention,
/// reply and milestone clocks.
///
/// 1. Every `interval`, lock up to `batchSize` clocks whose next look is due
///    (`SKIP LOCKED`: replicas split them), fire their stages and store what fired
///    in the same transaction — a stage fires once however many replicas run.
/// 2. Publish the events; a full batch means a backlog (after downtime): go again at once.
public struct SLASweeper: Service {
    public struct Configuration: Sendable {
        public var interval: Duration = .seconds(5)
        public var batchSize = 500
        public var policy = SweepPolicy()
        public init() {}
    }

    let configuration: Configuration
    let postgres: PostgresClient
    let publisher: OutboxPublisher
    let logger: Logger

    public init(configuration: Configuration = Configuration(), postgres: PostgresClient, publisher: OutboxPublisher, logger: Logger) {
        self.configuration = configuration
        self.postgres = postgres
        self.publisher = publisher
        self.logger = logger
    }

    public func run() async throws {
        await PollingLoop(interval: configuration.interval, name: "sla sweep", logger: logger).run {
            try await sweepOnce().examined == configuration.batchSize
        }
    }

    /// One pass at the current time.
    @discardableResult
    public func sweepOnce(now: Date = Date()) async throws -> SLAStore.Pass {
        let configuration = configuration
        let pass = try await postgres.transaction {
            try SLAStore.sweep(policy: configuration.policy, now: now, limit: configuration.batchSize, on: $0)
        }
        if !pass.firings.isEmpty {
            let counts = Dictionary(grouping: pass.firings, by: { "\($0.kind.rawValue).\($0.stage.rawValue)" }).mapValues(\.count)
            logger.info("sla stages fired", metadata: ["fired": "\(counts)", "examined": "\(pass.examined)"])
        }
        await publisher.publishOrLeaveToRelay(pass.outbox, logger: logger)
        return pass
    }
}
