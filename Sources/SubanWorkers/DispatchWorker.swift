import BlockingIO
import Foundation
import Logging
import Postgres
import Redis
import ServiceLifecycle
import SubanCore
import SubanStore

/// One consumer of the dispatch group on the new-tickets stream.
///
/// 1. Read up to `batchSize` new entries (blocking briefly, so shutdown is noticed);
///    every `claimInterval`, first take over entries a dead consumer left pending
///    longer than `claimIdle`.
/// 2. Load those tickets from PostgreSQL, decide each one that is still
///    `received` (classify, place, route), and record the assignments, the
///    timeline and the outbox rows in one transaction.
/// 3. Publish the outbox rows (department queues, events), then `XACK`. A
///    redelivered entry finds its ticket already dispatched and records nothing.
public struct DispatchWorker: Service {
    public struct Configuration: Sendable {
        public var consumer: String
        public var batchSize = 100
        public var block: Duration = .seconds(2)
        public var claimIdle: Duration = .seconds(30)
        public var claimInterval: Duration = .seconds(5)
        /// How often the catalog is re-read, so operators' edits apply without a restart.
        public var catalogRefresh: Duration = .seconds(60)
        public var triageThreshold = 0.35

        public init(consumer: String) {
            self.consumer = consumer
        }
    }

    let configuration: Configuration
    let redis: RedisClient
    let postgres: PostgresClient
    let publisher: OutboxPublisher
    let logger: Logger

    public init(configuration: Configuration, redis: RedisClient, postgres: PostgresClient, publisher: OutboxPublisher, logger: Logger) {
        self.configuration = configuration
        self.redis = redis
        self.postgres = postgres
        self.publisher = publisher
        var logger = logger
        logger[metadataKey: "consumer"] = "\(configuration.consumer)"
        self.logger = logger
    }

    public func run() async throws {
        let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        var failures = 0
        var dispatcher: Dispatcher?
        var loadedAt = ContinuousClock.now
        var claimedAt = ContinuousClock.now - configuration.claimInterval
        var groupReady = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !groupReady {
                    try await redis.createGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup)
                    groupReady = true
                }
                if dispatcher == nil || ContinuousClock.now - loadedAt > configuration.catalogRefresh {
                    dispatcher = try await loadDispatcher()
                    loadedAt = .now
                }
                var entries: [StreamEntry] = []
                if ContinuousClock.now - claimedAt >= configuration.claimInterval {
                    entries = try await redis.autoClaim(StreamNames.newTickets, group: StreamNames.dispatchGroup, consumer: configuration.consumer,
                                                        minIdle: configuration.claimIdle, count: configuration.batchSize).entries
                    claimedAt = .now
                    if !entries.isEmpty { logger.info("reclaimed pending tickets", metadata: ["count": "\(entries.count)"]) }
                }
                if entries.isEmpty {
                    entries = try await redis.readGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup, consumer: configuration.consumer,
                                                        count: configuration.batchSize, block: configuration.block)
                }
                if !entries.isEmpty, let dispatcher { try await process(entries, with: dispatcher) }
                failures = 0
            } catch {
                failures += 1
                if let redisError = error as? RedisError, redisError.serverCode == "NOGROUP" { groupReady = false }
                logger.warning("dispatch pass failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                try? await Task.sleep(for: backoff.delay(afterFailures: failures))
            }
        }
    }

    func loadDispatcher() async throws -> Dispatcher {
        let (catalog, departments) = try await postgres.withConnection { try CatalogStore.load(on: $0) }
        logger.info("catalog loaded", metadata: ["items": "\(catalog.items.count)", "departments": "\(departments.count)"])
        return Dispatcher(catalog: catalog, departments: departments, triageThreshold: configuration.triageThreshold)
    }

    /// Steps 2 and 3 for one batch of stream entries.
    func process(_ entries: [StreamEntry], with dispatcher: Dispatcher) async throws {
        var ids: [UUID] = []
        for entry in entries {
            if let id = entry.fields["ticket"].flatMap(UUID.init(uuidString:)) {
                ids.append(id)
            } else {
                logger.error("malformed new-ticket entry acknowledged", metadata: ["entry": "\(entry.id)"])
            }
        }
        let ticketIDs = ids
        let outbox = try await postgres.transaction { connection in
            let outcomes = try TicketStore.dispatchCandidates(ticketIDs, on: connection)
                .filter { $0.status == TicketStatus.received.rawValue }
                .map { TicketStore.DispatchOutcome(ticketID: $0.id, decision: dispatcher.decide($0.input)) }
            return try TicketStore.recordDispatch(outcomes, on: connection)
        }
        do {
            try await publisher.publish(outbox)
        } catch {
            logger.warning("outbox publish deferred to relay", metadata: ["error": "\(error)", "rows": "\(outbox.count)"])
        }
        try await redis.ack(StreamNames.newTickets, group: StreamNames.dispatchGroup, ids: entries.map(\.id))
        logger.debug("dispatched batch", metadata: ["entries": "\(entries.count)", "published": "\(outbox.count)"])
    }
}
