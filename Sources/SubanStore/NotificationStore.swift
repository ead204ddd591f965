import Foundation
import Postgres
import SubanCore

/// Outgoing citizen and channel messages. Planned rows are unique per
/// (event, recipient), so an event delivered twice is one message; senders
/// claim due rows with `SKIP LOCKED` and a lease, so replicas never send a row at once.
public enum NotificationStore {
    /// How many new rows were stored, and how many of those are SMS over their number's cap.
    public struct Planned: Sendable, Hashable {
        public var stored = 0
        public var capped = 0
    }

    /// SMS to one number in 24 hours beyond which more are stored `capped` and not sent: a
    /// submission could otherwise make the platform text anyone. A number its channel verified
    /// is not capped (its SMS still count towards the cap of the unverified ones).
    public static let defaultSMSDailyCap = 10

    /// Plans and stores the messages for `events`.
    /// A ticket's reports linked to it hear of the events they follow, each under its own tracking code.
    @discardableResult
    public static func plan(_ events: [TicketEvent], webhookChannels: Set<String>, smsDailyCap: Int = defaultSMSDailyCap,
                            on connection: PostgresConnection) throws -> Planned {
        guard !events.isEmpty else { return Planned() }
        let ids = "{" + Set(events.map(\.ticketID.postgresText)).joined(separator: ",") + "}"
        var tickets: [UUID: CitizenNotice.Ticket] = [:]
        var linkedReports: [UUID: [UUID]] = [:]
        for row in try connection.query("""
            SELECT t.id, t.parent_id, t.tracking_code, t.channel, t.channel_ref, t.status,
                   EXISTS (SELECT 1 FROM citizen_contacts c WHERE c.ticket_id = t.id) AS has_phone,
                   (SELECT d.name FROM assignments a JOIN departments d ON d.code = a.department_code
                    WHERE a.ticket_id = t.id AND a.role = 'lead' AND a.status <> 'released' ORDER BY a.id DESC LIMIT 1) AS lead
            FROM tickets t WHERE t.id = ANY($1::uuid[]) OR t.parent_id = ANY($1::uuid[])
            """, [ids]) {
            let id: UUID = try row.decode("id")
            tickets[id] = CitizenNotice.Ticket(
                trackingCode: try row.decode("tracking_code"), channel: try row.decode("channel"), channelRef: try row.decode("channel_ref"),
                status: try row.decode("status"), hasPhone: try row.decode("has_phone"), leadUnit: try row.decodeIfPresent("lead"))
            if let parent: UUID = try row.decodeIfPresent("parent_id") { linkedReports[parent, default: []].append(id) }
        }
        let tokens = events.contains { $0.kind == .evaluationRequested } ? try RatingTokens.load(on: connection) : nil
        var rows: [NotificationRow] = []
        for event in events {
            let followers = CitizenNotice.followedEvents.contains(event.kind) ? linkedReports[event.ticketID] ?? [] : []
            for recipientTicket in [event.ticketID] + followers {
                guard let ticket = tickets[recipientTicket] else { continue }
                // Each citizen's own token: a linked report's rates the parent's round under the report's own ticket.
                let token = tokens?.token(ticketID: recipientTicket, round: event.round)
                for planned in CitizenNotice.plan(event: event.kind, at: event.at, ticket: ticket, webhookChannels: webhookChannels,
                                                  ratingToken: token) {
                    rows.append(NotificationRow(
                        n: rows.count + 1, ticket: recipientTicket, dedupeKey: "\(event.kind.rawValue):\(recipientTicket.postgresText):\(event.round)",
                        recipient: planned.recipient, transport: planned.transport, payload: .object(planned.payload)))
                }
            }
        }
        guard let first = rows.first else { return Planned() }
        let stored = try connection.query(planNotificationsQuery.sql(["notification_columns": RecordSet.columns(of: first)]),
                                          [RecordSet.encode(rows), smsDailyCap])
        return Planned(stored: stored.count, capped: try stored.filter { try $0.decode("status", as: String.self) == "capped" }.count)
    }

    /// A message due to be sent, with what sending needs.
    public struct Outgoing: Sendable, Hashable {
        public var id: Int64
        public var ticketID: UUID
        public var transport: CitizenNotice.Transport
        public var recipient: String
        public var payload: String
        public var attempts: Int
        public var dedupeKey: String
        /// SMS only: the citizen's number, read at send time and never stored elsewhere.
        public var phone: String?
    }

    public static func claimDue(limit: Int, lease: Duration, on connection: PostgresConnection) throws -> [Outgoing] {
        try connection.query("""
            UPDATE notifications n SET claimed_until = now() + make_interval(secs => $2), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM notifications
                WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING n.id, n.ticket_id, n.transport, n.recipient, n.payload::text AS payload, n.attempts, n.dedupe_key,
                      (SELECT phone FROM citizen_contacts c WHERE c.ticket_id = n.ticket_id) AS phone
            """, [limit, lease.seconds]).map { row in
            Outgoing(id: try row.decode("id"), ticketID: try row.decode("ticket_id"), transport: try row.decode("transport"),
                     recipient: try row.decode("recipient"), payload: try row.decode("payload"), attempts: try row.decode("attempts"),
                     dedupeKey: try row.decode("dedupe_key"), phone: try row.decodeIfPresent("phone"))
        }
    }

    public static func markSent(_ ids: [Int64], on connection: PostgresConnection) throws {
        guard !ids.isEmpty else { return }
        try connection.query("""
            UPDATE notifications SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = NULL WHERE id = ANY($1::bigint[])
            """, ["{" + ids.map(String.init).joined(separator: ",") + "}"])
    }

    /// A failed attempt: retry at `retryAt`, or give up (dead) when it is nil.
    public static func markFailed(_ id: Int64, error: String, retryAt: Date?, on connection: PostgresConnection) throws {
        try connection.query("""
            UPDATE notifications SET status = CASE WHEN $3::timestamptz IS NULL THEN 'dead' ELSE 'pending' END,
                next_attempt_at = coalesce($3, next_attempt_at), claimed_until = NULL, last_error = $2
            WHERE id = $1
            """, [id, String(error.prefix(500)), retryAt])
    }

    static let planNotificationsQuery = StoredQuery("plan-notifications")

    /// A planned notice as `plan-notifications.sql` stores it; `n` orders the batch's SMS to one number.
    struct NotificationRow: RecordRow {
        var n: Int
        var ticket: UUID
        var dedupeKey: String
        var recipient: String
        var transport: CitizenNotice.Transport
        var payload: JSONValue
    }
}
