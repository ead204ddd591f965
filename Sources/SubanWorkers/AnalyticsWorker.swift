import Foundation
import Logging
import Postgres
import Redis
import ServiceLifecycle
import SubanCore
import SubanStore

/// One consumer of the analytics group on the events stream (`suban analytics`).
///
/// 1. Read a batch of events; keep those that change a figure (`Analytics.countedKind`).
/// 2. Load their tickets' facts (cell, clocks, lead unit) and the ratings of `rated`
///    events, and work out each entry's contribution (`Analytics.contribution`).
/// 3. Add them in one statement that first records the entry ids: a redelivered
///    entry adds nothing (`AnalyticsStore.apply`). Then `XACK`.
public struct AnalyticsWorker: Service {
    let consumer: StreamConsumer
    let postgres: PostgresClient
    let calendar: CalendarSource
    let logger: Logger
    /// How long applied entry ids are kept, far past any redelivery.
    let keepApplied: Duration = .seconds(7 * 86_400)

    public init(consumer: String, redis: RedisClient, postgres: PostgresClient, calendar: CalendarSource, logger: Logger) {
        self.consumer = StreamConsumer(configuration: .init(stream: StreamNames.events, group: StreamNames.analyticsGroup, consumer: consumer),
                                       redis: redis, logger: logger, probe: postgres.isReachable)
        self.postgres = postgres
        self.calendar = calendar
        self.logger = self.consumer.logger
    }

    public func run() async throws {
        var prunedAt = ContinuousClock.now
        await consumer.run { entries in
            try await process(entries)
            if ContinuousClock.now - prunedAt > .seconds(3600) {
                let keep = keepApplied
                try await postgres.withConnection { try AnalyticsStore.pruneApplied(olderThan: keep, on: $0) }
                prunedAt = .now
            }
        }
    }

    /// Counts `entries` once each and acknowledges them; returns how many changed a figure.
    @discardableResult
    public func process(_ entries: [StreamEntry]) async throws -> Int {
        var readable: [(entry: String, ticket: UUID, eventID: Int64?, fact: TicketEventFact)] = []
        var unreadable: [StreamEntry] = []
        for entry in entries {
            // Events the figures do not count are read and let go; an entry that is no event, or a counted one without its time, is buried.
            let event: TicketEvent
            switch TicketEvent.read(entry.fields) {
            case .event(let read): event = read
            case .unknownKind: continue
            case .unreadable: unreadable.append(entry); continue
            }
            guard let kind = Analytics.countedKind(event) else { continue }
            guard let at = try? Date(postgresText: event.at) else {
                unreadable.append(entry)
                continue
            }
            readable.append((entry.id, event.ticketID, event.eventID, TicketEventFact(kind: kind, department: event.department, at: at)))
        }
        let events = readable
        let calendar = await calendar.current
        let counted = try await postgres.transaction { connection -> Int in
            let facts = try AnalyticsStore.facts(of: Array(Set(events.map(\.ticket))), on: connection)
            let ratings = try AnalyticsStore.ratings(ofEvents: events.filter { $0.fact.kind == .rated }.compactMap(\.eventID), on: connection)
            let contributions = events.compactMap { event -> AnalyticsStore.Contribution? in
                var fact = event.fact
                fact.rating = event.eventID.flatMap { ratings[$0] }
                guard let ticket = facts[event.ticket], let (cell, figures) = Analytics.contribution(of: fact, ticket: ticket, calendar: calendar) else { return nil }
                let placed = figures.received == 1 && !ticket.item.isEmpty ? ticket.place.map { (event.ticket, ticket.receivedAt, $0) } : nil
                return AnalyticsStore.Contribution(entry: event.entry, cell: cell, figures: figures, placed: placed)
            }
            return try AnalyticsStore.apply(contributions, on: connection)
        }
        // Burying acknowledges; acknowledging a buried entry again changes nothing.
        try await consumer.bury(unreadable, reason: "unreadable event: no event kind, ticket id or time")
        try await consumer.ack(entries)
        return counted
    }
}
