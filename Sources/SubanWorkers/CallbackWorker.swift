import Foundation
import Logging
import Postgres
import Redis
import ServiceLifecycle
import SubanCore
import SubanStore

/// One consumer of the callback group on the events stream (`suban callback`).
///
/// 1. A ticket whose units have all replied is moved on to the citizen's
///    evaluation (`requestEvaluation`), which opens a callback visit for complaints
///    and reports.
/// 2. Every event a citizen or a channel should hear of becomes stored
///    notifications, unique per (event, recipient), in one transaction; then `XACK`.
///    `NotificationSender` delivers them.
public struct CallbackWorker: Service {
    let consumer: StreamConsumer
    let postgres: PostgresClient
    let publisher: OutboxPublisher
    let webhookChannels: Set<String>
    let smsDailyCap: Int
    let calendar: WorkingCalendar
    let logger: Logger

    public init(consumer: String, redis: RedisClient, postgres: PostgresClient, publisher: OutboxPublisher,
                webhookChannels: Set<String>, smsDailyCap: Int = NotificationStore.defaultSMSDailyCap, calendar: WorkingCalendar = .china, logger: Logger) {
        self.consumer = StreamConsumer(configuration: .init(stream: StreamNames.events, group: StreamNames.callbackGroup, consumer: consumer),
                                       redis: redis, logger: logger, probe: postgres.isReachable)
        self.postgres = postgres
        self.publisher = publisher
        self.webhookChannels = webhookChannels
        self.smsDailyCap = smsDailyCap
        self.calendar = calendar
        self.logger = self.consumer.logger
    }

    public func run() async throws {
        await consumer.run { entries in try await process(entries) }
    }

    func process(_ entries: [StreamEntry]) async throws {
        var readable: [TicketEvent] = []
        var unreadable: [StreamEntry] = []
        for entry in entries {
            switch TicketEvent.read(entry.fields) {
            case .event(let event): readable.append(event)
            case .unknownKind(let kind): logger.debug("event of a kind this version does not know", metadata: ["event": "\(kind)", "entry": "\(entry.id)"])
            case .unreadable: unreadable.append(entry)
            }
        }
        let events = readable
        let replied = events.filter { $0.kind == .replied }.map(\.ticketID)
        let (calendar, channels, cap) = (calendar, webhookChannels, smsDailyCap)
        let (outbox, planned) = try await postgres.transaction { connection in
            var outbox: [OutboxMessage] = []
            for ticket in replied {
                // A redelivered "replied" finds the ticket already past it; the rules refuse and nothing changes.
                do {
                    outbox += try LifecycleStore.perform(.requestEvaluation, ticketID: ticket, calendar: calendar, on: connection).outbox
                } catch is LifecycleError {
                } catch is LifecycleStore.NotFound {}
            }
            return (outbox, try NotificationStore.plan(events, webhookChannels: channels, smsDailyCap: cap, on: connection))
        }
        if planned.capped > 0 {
            StageMetrics.notification(CitizenNotice.Transport.sms.rawValue, "capped").increment(by: planned.capped)
            logger.warning("SMS over their number's daily cap kept unsent", metadata: ["capped": "\(planned.capped)", "cap": "\(cap)"])
        }
        await publisher.publishOrLeaveToRelay(outbox, logger: logger)
        // Burying acknowledges; acknowledging a buried entry again changes nothing.
        try await consumer.bury(unreadable, reason: "unreadable event: no event kind or ticket id")
        try await consumer.ack(entries)
    }
}
