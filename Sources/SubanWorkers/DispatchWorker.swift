import BlockingIO
import Foundation
import Logging
import Postgres
import Redis
import ServiceLifecycle
import SubanCore
import SubanData
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
        public var triageThreshold = Dispatcher.defaultTriageThreshold
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
        var dispatchers: Dispatchers?
        var loadedAt = ContinuousClock.now
        await consumer.run { entries in
            if dispatchers == nil || ContinuousClock.now - loadedAt > configuration.catalogRefresh {
                dispatchers = try await loadDispatchers(reusing: dispatchers)
                loadedAt = .now
            }
            try await process(entries, with: dispatchers!.active, shadow: dispatchers!.shadow)
        }
    }

    /// The dispatcher that acts, and the shadow one that only decides and logs.
    struct Dispatchers {
        var active: Dispatcher
        var activeVersion: Int?
        var shadow: Dispatcher?
        var shadowVersion: Int?
        /// When the city's gazetteer and boundaries were loaded: the resolver is rebuilt only when they change.
        var placeVersions: [PlaceDataStore.Kind: Date]
    }

    func loadDispatcher() async throws -> Dispatcher { try await loadDispatchers(reusing: nil).active }

    /// The catalog as operators left it, with the active model from PostgreSQL (the
    /// shipped one until `suban train` stored one); a model is decoded again only when
    /// its version changed, so a promotion takes effect within `catalogRefresh`.
    func loadDispatchers(reusing previous: Dispatchers?) async throws -> Dispatchers {
        let (catalog, departments, versions, placeVersions) = try await postgres.withConnection { connection in
            let (catalog, departments) = try CatalogStore.load(on: connection)
            return (catalog, departments, try ModelStore.current(on: connection), try PlaceDataStore.versions(on: connection))
        }
        let places: PlaceResolver
        if let previous, previous.placeVersions == placeVersions {
            places = previous.active.places
        } else {
            places = try await postgres.withConnection { try PlaceResolver.stored(on: $0) }
            logger.info("places loaded", metadata: ["gazetteer": "\(places.gazetteer.entries.count)", "boundaries": "\(places.boundaries.areas.count)"])
        }
        var decoded = false
        func model(_ version: Int?, previous: (version: Int?, dispatcher: Dispatcher?)) async throws -> AppealModel? {
            guard let version else { return nil }
            if previous.version == version, let dispatcher = previous.dispatcher { return dispatcher.model }
            decoded = true
            guard let stored = try await postgres.withConnection({ try ModelStore.model(version, on: $0) }) else { return nil }
            let model = try AppealModel(encoded: stored.bytes, lexicon: ShippedData.shippedLexicon)
            logger.info("dispatch model loaded", metadata: ["version": "\(version)", "bytes": "\(stored.bytes.count)"])
            return model
        }
        let active = try await model(versions.active, previous: (previous?.activeVersion, previous?.active)) ?? ShippedData.trainedModel
        let shadow = try await model(versions.shadow, previous: (previous?.shadowVersion, previous?.shadow))
        // Decoding reads the stored bytes and builds the arrays beside them; hand the freed
        // megabytes back to the system, or a dispatcher keeps the peak as its resident size.
        if decoded { releaseFreedMemory() }
        logger.info("catalog loaded", metadata: ["items": "\(catalog.items.count)", "departments": "\(departments.count)",
                                                 "model": "\(versions.active.map(String.init) ?? "shipped")"])
        let threshold = configuration.triageThreshold
        return Dispatchers(active: Dispatcher(catalog: catalog, departments: departments, model: active, places: places, triageThreshold: threshold),
                           activeVersion: versions.active,
                           shadow: shadow.map { Dispatcher(catalog: catalog, departments: departments, model: $0, places: places, triageThreshold: threshold) },
                           shadowVersion: versions.shadow, placeVersions: placeVersions)
    }

    /// Steps 2 and 3 for one batch of stream entries.
    func process(_ entries: [StreamEntry], with dispatcher: Dispatcher, shadow: Dispatcher? = nil) async throws {
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
            let tickets = try TicketStore.dispatchCandidates(ticketIDs, on: connection).filter { $0.status == .received }
            var outcomes: [TicketStore.DispatchOutcome] = []
            var reports: [DuplicateDetector.Report] = []
            let decideStart = ContinuousClock.now
            for ticket in tickets {
                let decision = dispatcher.decide(ticket.input)
                if let shadow { Self.compare(decision, with: shadow.decide(ticket.input), ticket: ticket.id, logger: logger) }
                outcomes.append(TicketStore.DispatchOutcome(ticketID: ticket.id, decision: decision))
                if let report = dispatcher.duplicateReport(id: ticket.id, decision: decision, input: ticket.input, receivedAt: ticket.receivedAt) {
                    reports.append(report)
                }
            }
            let scopes = Set(reports.flatMap(TicketStore.DuplicateScope.of))
            try TicketStore.lockDuplicateScopes(scopes, on: connection)
            let deciding = ContinuousClock.now - decideStart
            let links = detector.link(reports, recent: try TicketStore.openParents(for: reports, within: detector.parameters.window, on: connection))
            let reportByID = Dictionary(reports.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for index in outcomes.indices {
                let report = reportByID[outcomes[index].id]
                outcomes[index].placeKeys = report?.places.keys ?? []
                outcomes[index].placeNumbers = report?.places.numbers ?? []
                if let match = links[outcomes[index].id], let report { outcomes[index].link(match, as: report) }
                logger.debug("ticket decided", metadata: ["ticket": "\(outcomes[index].id.postgresText)", "linked": "\(links[outcomes[index].id] != nil)"])
            }
            // A parent decided in this batch is made urgent here; recordDispatch raises those already open.
            for match in links.values where match.escalates {
                if let parent = outcomes.firstIndex(where: { $0.id == match.parentID }) { outcomes[parent].urgent = true }
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

    /// Shadow mode: the candidate model's decision is logged and counted beside the one that acted, never used.
    static func compare(_ decision: Dispatcher.Decision, with shadow: Dispatcher.Decision, ticket: UUID, logger: Logger) {
        func summary(_ decision: Dispatcher.Decision) -> (item: String, urgent: Bool) {
            switch decision {
            case .assign(let assignment): (assignment.item.code, assignment.urgent)
            case .triage(_, _, let urgent, _): ("triage", urgent)
            }
        }
        let (active, candidate) = (summary(decision), summary(shadow))
        let agreed = active == candidate
        StageMetrics.shadowDecision(agreed: agreed).increment()
        if !agreed {
            logger.info("shadow model disagrees", metadata: ["ticket": "\(ticket.postgresText)", "active": "\(active.item)\(active.urgent ? " urgent" : "")",
                                                            "shadow": "\(candidate.item)\(candidate.urgent ? " urgent" : "")"])
        }
    }
}

#if os(Linux)
/// glibc's `malloc_trim` and `mallopt` (in `<malloc.h>`, which the Glibc module does not export).
@_silgen_name("malloc_trim") private func mallocTrim(_ pad: Int) -> Int32
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private func releaseFreedMemory() { _ = mallocTrim(0) }

/// Two malloc arenas instead of glibc's eight a core: each of dispatch's many threads (libpq's and
/// hiredis's pool, NIO's, Swift's) would keep an arena of freed memory resident. Measured with
/// `scripts/dispatch-memory.sh`: 62.2 → 59.2 MB after 300 appeals. Call before threads start.
public func limitMallocArenas() { _ = mallopt(-8 /* M_ARENA_MAX */, 2) }
#else
private func releaseFreedMemory() {}
public func limitMallocArenas() {}
#endif
