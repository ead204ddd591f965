import Crypto
import Foundation
import Postgres
import SubanCore

/// A ticket intake is about to record: ids chosen before the write so a batch
/// needs no round trip to learn them.
public struct NewTicket: Sendable, Hashable {
    public var id: UUID
    public var trackingCode: String
    public let appeal: Appeal
    /// SHA-256 of the validated appeal with sorted keys: two submissions are one appeal retried
    /// only when their digests agree (key order and whitespace of the request do not matter).
    public let appealDigest: String
    public var receivedAt: Date
    /// The statutory reply deadline, from the working-day calendar.
    public var replyDeadline: Deadline

    public init(id: UUID = UUID(), trackingCode: String = TrackingCode.generate(), appeal: Appeal, receivedAt: Date = Date(),
                calendar: WorkingCalendar = .china) {
        self.id = id
        self.trackingCode = trackingCode
        self.appeal = appeal
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        appealDigest = SHA256.hash(data: (try? encoder.encode(appeal)) ?? Data()).map { String(format: "%02x", $0) }.joined()
        self.receivedAt = receivedAt
        self.replyDeadline = SLAPolicy.replyDeadline(appeal.type, receivedAt: receivedAt, calendar: calendar)
    }

    public var idempotencyKey: IdempotencyKey { IdempotencyKey(channel: appeal.channel.rawValue, channelRef: appeal.channelRef) }
}

public struct IdempotencyKey: Sendable, Hashable {
    public var channel: String
    public var channelRef: String
}

/// The ticket that holds an appeal after intake's write: the new one, or the
/// one an earlier submission with the same (channel, channel_ref) made.
public struct StoredTicket: Sendable, Hashable {
    public var ticketID: UUID
    public var trackingCode: String
    public var status: TicketStatus
    /// The digest of the appeal that made it; nil for tickets recorded before digests were kept.
    public var appealDigest: String?
}

/// What intake answers one submission.
public struct IntakeReceipt: Sendable, Hashable {
    public var ticketID: UUID
    public var trackingCode: String
    public var status: TicketStatus
    /// True when another submission with the same (channel, channel_ref) made this ticket.
    public var duplicate: Bool
    /// True when that submission's appeal was another one: the channel reused a ref, and the
    /// ticket (and its tracking code, the citizen's own) must not be handed out.
    public var conflict: Bool

    public init(_ stored: StoredTicket, for ticket: NewTicket) {
        ticketID = stored.ticketID
        trackingCode = stored.trackingCode
        status = stored.status
        duplicate = stored.ticketID != ticket.id
        conflict = duplicate && stored.appealDigest.map { $0 != ticket.appealDigest } ?? false
    }
}

extension TicketStore {
    /// Records a batch of appeals in the caller's transaction: the tickets, their
    /// contacts, their `received` events and their outbox rows, in one statement.
    /// Returns the ticket now holding each idempotency key and the outbox rows to publish.
    public static func recordAppeals(
        _ tickets: [NewTicket], on connection: PostgresConnection
    ) throws -> (stored: [IdempotencyKey: StoredTicket], outbox: [OutboxMessage]) {
        // Sorted so concurrent batches take unique-index locks in one order and cannot deadlock.
        let rows = tickets.sorted { ($0.appeal.channel.rawValue, $0.appeal.channelRef) < ($1.appeal.channel.rawValue, $1.appeal.channelRef) }.map { ticket in
            let appeal = ticket.appeal
            let reply = ticket.replyDeadline
            let row: [String: JSONValue] = [
                "id": .string(ticket.id.postgresText), "tracking_code": .string(ticket.trackingCode),
                "channel": .string(appeal.channel.rawValue), "channel_ref": .string(appeal.channelRef), "type": .string(appeal.type.rawValue),
                "urgent": .bool(appeal.urgent), "text": .string(appeal.text), "district_code": JSONValue(appeal.location.districtCode),
                "street_code": JSONValue(appeal.location.streetCode), "community": JSONValue(appeal.location.community),
                "address": JSONValue(appeal.location.address), "latitude": JSONValue(appeal.location.coordinates?.latitude),
                "longitude": JSONValue(appeal.location.coordinates?.longitude), "anonymous": .bool(appeal.contact.anonymous),
                "attachments": .array(appeal.attachments.map { .object(["url": .string($0.url), "media": .string($0.media.rawValue)]) }),
                "phone": JSONValue(appeal.contact.phone), "phone_verified": .bool(appeal.contact.verified ?? false), "received_at": JSONValue(ticket.receivedAt),
                "dispatch_due_at": JSONValue(SLAPolicy.dispatchDeadline(receivedAt: ticket.receivedAt, urgent: appeal.urgent)),
                "reply_due_at": JSONValue(reply.at), "reply_due_provisional": .bool(reply.provisional),
                "intervene_due_at": SLAPolicy.interventionDeadline(receivedAt: ticket.receivedAt, urgent: appeal.urgent).map(JSONValue.init) ?? .null,
                "appeal_digest": .string(ticket.appealDigest), "requested_item": JSONValue(appeal.requestedItem),
            ]
            return row
        }
        let json = RecordSet.encode(rows)
        let outbox = try OutboxPublisher.messages(in: connection.query("""
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
                    id uuid, tracking_code text, channel text, channel_ref text, type text, urgent boolean, text text,
                    district_code text, street_code text, community text, address text, latitude float8, longitude float8,
                    anonymous boolean, attachments jsonb, phone text, phone_verified boolean, received_at timestamptz, dispatch_due_at timestamptz,
                    reply_due_at timestamptz, reply_due_provisional boolean, intervene_due_at timestamptz, appeal_digest text,
                    requested_item text)
            ), inserted AS (
                INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, district_code, street_code,
                                     community, address, latitude, longitude, anonymous, attachments, status, received_at, dispatch_due_at,
                                     reply_due_at, reply_due_provisional, intervene_due_at, appeal_digest, requested_item)
                SELECT id, tracking_code, channel, channel_ref, type, urgent, text, district_code, street_code,
                       community, address, latitude, longitude, anonymous, attachments, 'received', received_at, dispatch_due_at,
                       reply_due_at, reply_due_provisional, intervene_due_at, appeal_digest, requested_item
                FROM input
                ON CONFLICT (channel, channel_ref) DO NOTHING
                RETURNING id, channel, type, urgent, received_at, dispatch_due_at
            ), clocks AS (
                -- next_at = now: the sweeper arms the clock with its warning share on first sight.
                INSERT INTO sla_clocks (ticket_id, kind, starts_at, due_at, next_at)
                SELECT id, 'dispatch', received_at, dispatch_due_at, received_at FROM inserted
            ), contacts AS (
                INSERT INTO citizen_contacts (ticket_id, phone, verified)
                SELECT input.id, input.phone, input.phone_verified FROM inserted JOIN input USING (id) WHERE input.phone IS NOT NULL
            ), timeline AS (
                INSERT INTO ticket_events (ticket_id, kind, detail, at)
                SELECT id, 'received', jsonb_build_object('channel', channel, 'type', type, 'urgent', urgent), received_at FROM inserted
            ), messages AS (
                SELECT stream, fields, row_number() OVER () AS n FROM (
                    SELECT $2 AS stream, jsonb_build_object('ticket', id::text) AS fields FROM inserted
                    UNION ALL
                    SELECT $3, jsonb_build_object('event', 'received', 'ticket', id::text, 'channel', channel, 'type', type,
                                                  'urgent', urgent::text, 'at', received_at::text)
                    FROM inserted) m
            )
            \(OutboxMessage.insertMessages)
            """, [json, StreamNames.newTickets, StreamNames.events]))

        // New tickets are known from their own outbox rows; only keys that an earlier
        // submission already held need a look-up.
        let inserted = Set(outbox.compactMap { $0.stream == StreamNames.newTickets ? $0.fields["ticket"] : nil })
        var stored: [IdempotencyKey: StoredTicket] = [:]
        var existing: [NewTicket] = []
        for ticket in tickets {
            if inserted.contains(ticket.id.postgresText) {
                stored[ticket.idempotencyKey] = StoredTicket(ticketID: ticket.id, trackingCode: ticket.trackingCode, status: .received,
                                                             appealDigest: ticket.appealDigest)
            } else {
                existing.append(ticket)
            }
        }
        guard !existing.isEmpty else { return (stored, outbox) }
        let keys = RecordSet.encode(existing.map { ["channel": .string($0.appeal.channel.rawValue), "channel_ref": .string($0.appeal.channelRef)] })
        for row in try connection.query("""
            SELECT t.id, t.tracking_code, t.status, t.channel, t.channel_ref, t.appeal_digest
            FROM tickets t JOIN jsonb_to_recordset($1::jsonb) AS x(channel text, channel_ref text) USING (channel, channel_ref)
            """, [keys]) {
            let key = IdempotencyKey(channel: try row.decode("channel"), channelRef: try row.decode("channel_ref"))
            stored[key] = StoredTicket(ticketID: try row.decode("id"), trackingCode: try row.decode("tracking_code"), status: try LifecycleStore.enumValue(row, "status"),
                                       appealDigest: try row.decodeIfPresent("appeal_digest"))
        }
        return (stored, outbox)
    }
}
