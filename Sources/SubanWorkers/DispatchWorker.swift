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
/// 1. Read a batch of new entries (a `StreamConsumer`, which also reclaims a dead consumer's).
/// 2. Load those tickets from PostgreSQL, decide each one that is still
///    `received` (classify, place, route), link the reports of an incident an
///    open ticket already holds to that parent (`DuplicateDetector`, under a lock
///    per category and street), and record the assignments, the links, the
///    timeline and the outbox rows in one transaction.
/// 3. Publish the outbox rows (department queues, events), then `XACK`. A
///    redelivered entry finds its ticket already dispatched and records nothing.
public struct DispatchWorker: Service {
    public struct Configuration: Sendable {
        public var consumer: StreamConsumer.Configuration
        /// How often the catalog is re-read, so operators' edits apply without a restart.
        public var catalogRefresh: Duration = .seconds(60)
        public var triageThreshold = 0.2
        public var duplicates = DuplicateDetector.Parameters()

        public init(consumer: String) {
            self.consumer = StreamConsumer.Configuration(stream: StreamNames.newTickets, group: StreamNames.dispatchGroup, consumer: consumer)
        }
    }

    let configuration: Configuration
    let consumer: StreamConsumer
    let postgres: PostgresClient
    let publisher: OutboxPublisher
    let logger: Logger

    public init(configuration: Configuration, redis: RedisClient, postgres: PostgresClient, publisher: OutboxPublisher, logger: Logger) {
        self.configuration = configuration
        self.consumer = StreamConsumer(configuration: configuration.consumer, redis: redis, logger: logger, probe: postgres.isReachable)
        self.postgres = postgres
        self.publisher = publisher
        self.logger = consumer.logger
    }

    public func run() async throws {
        var dispatcher: Dispatcher?
        var loadedAt = ContinuousClock.now
        await consumer.run { entries in
            if dispatcher == nil || ContinuousClock.now - loadedAt > configuration.catalogRefresh {
                dispatcher = try await loadDispatcher()
                loadedAt = .now
            }
            try await process(entries, with: dispatcher!)
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
        let detector = DuplicateDetector(parameters: configuration.duplicates)
        let started = ContinuousClock.now
        let logger = logger
        let (outbox, deciding) = try await postgres.transaction { connection in
            let tickets = try TicketStore.dispatchCandidates(ticketIDs, on: connection).filter { $0.status == TicketStatus.received.rawValue }
            var outcomes: [TicketStore.DispatchOutcome] = []
            var reports: [DuplicateDetector.Report] = []
            let decideStart = ContinuousClock.now
            for ticket in tickets {
                let decision = dispatcher.decide(ticket.input)
                outcomes.append(TicketStore.DispatchOutcome(ticketID: ticket.id, decision: decision))
                if let report = DuplicateDetector.Report(id: ticket.id, decision: decision, input: ticket.input, receivedAt: ticket.receivedAt) {
                    reports.append(report)
                }
            }
            let scopes = Set(reports.flatMap(TicketStore.DuplicateScope.of))
            try TicketStore.lockDuplicateScopes(scopes, on: connection)
            let deciding = ContinuousClock.now - decideStart
            let links = detector.link(reports, recent: try TicketStore.openParents(for: reports, within: detector.parameters.window, on: connection))
            let places = Dictionary(reports.map { ($0.id, $0.places) }, uniquingKeysWith: { first, _ in first })
            for index in outcomes.indices {
                outcomes[index].placeKeys = places[outcomes[index].id]?.keys ?? []
                outcomes[index].placeNumbers = places[outcomes[index].id]?.numbers ?? []
                if let match = links[outcomes[index].id] { outcomes[index].link(match) }
                logger.debug("ticket decided", metadata: ["ticket": "\(outcomes[index].id.postgresText)", "linked": "\(links[outcomes[index].id] != nil)"])
            }
            return (try TicketStore.recordDispatch(outcomes, on: connection), deciding)
        }
        StageMetrics.dispatchStage("decide").recordNanoseconds(deciding.wholeNanoseconds)
        StageMetrics.time(StageMetrics.dispatchStage("record"), since: started)
        let publishing = ContinuousClock.now
        await publisher.publishOrLeaveToRelay(outbox, logger: logger)
        StageMetrics.time(StageMetrics.dispatchStage("publish"), since: publishing)
        try await consumer.ack(entries)
        logger.debug("dispatched batch", metadata: ["entries": "\(entries.count)", "published": "\(outbox.count)"])
    }
}
