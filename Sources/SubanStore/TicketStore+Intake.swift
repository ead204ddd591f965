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

public struct IdempotencyKey: Sendable, Hashable, RecordRow {
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
        let rows = tickets.sorted { ($0.appeal.channel.rawValue, $0.appeal.channelRef) < ($1.appeal.channel.rawValue, $1.appeal.channelRef) }
            .map(AppealRow.init)
        guard let first = rows.first else { return ([:], []) }
        let outbox = try OutboxPublisher.messages(in: connection.query(
            recordAppealsQuery.sql(["ticket_columns": RecordSet.columns(of: first), "insert_messages": OutboxMessage.insertMessages]),
            [RecordSet.encode(rows), StreamNames.newTickets, StreamNames.events]))

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
        let keys = existing.map(\.idempotencyKey)
        for row in try connection.query("""
            SELECT t.id, t.tracking_code, t.status, t.channel, t.channel_ref, t.appeal_digest
            FROM tickets t JOIN jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: keys[0]))) USING (channel, channel_ref)
            """, [RecordSet.encode(keys)]) {
            let key = IdempotencyKey(channel: try row.decode("channel"), channelRef: try row.decode("channel_ref"))
            stored[key] = StoredTicket(ticketID: try row.decode("id"), trackingCode: try row.decode("tracking_code"), status: try row.decode("status"),
                                       appealDigest: try row.decodeIfPresent("appeal_digest"))
        }
        return (stored, outbox)
    }

    static let recordAppealsQuery = StoredQuery("record-appeals")

    /// One appeal as `record-appeals.sql` unpacks it.
    struct AppealRow: RecordRow {
        struct Attachment: RecordRow {
            var url: String
            var media: MediaType
        }

        var id: UUID
        var trackingCode: String
        var channel: Channel
        var channelRef: String
        var type: AppealType
        var urgent: Bool
        var text: String
        var districtCode: String?
        var streetCode: String?
        var community: String?
        var address: String?
        var latitude: Double?
        var longitude: Double?
        var anonymous: Bool
        var attachments: [Attachment]
        var phone: String?
        var phoneVerified: Bool
        var receivedAt: Date
        var dispatchDueAt: Date
        var replyDueAt: Date
        var replyDueProvisional: Bool
        var interveneDueAt: Date?
        var appealDigest: String
        var requestedItem: String?

        init(_ ticket: NewTicket) {
            let appeal = ticket.appeal
            id = ticket.id
            trackingCode = ticket.trackingCode
            channel = appeal.channel
            channelRef = appeal.channelRef
            type = appeal.type
            urgent = appeal.urgent
            text = appeal.text
            districtCode = appeal.location.districtCode
            streetCode = appeal.location.streetCode
            community = appeal.location.community
            address = appeal.location.address
            latitude = appeal.location.coordinates?.latitude
            longitude = appeal.location.coordinates?.longitude
            anonymous = appeal.contact.anonymous
            attachments = appeal.attachments.map { Attachment(url: $0.url, media: $0.media) }
            phone = appeal.contact.phone
            phoneVerified = appeal.contact.verified ?? false
            receivedAt = ticket.receivedAt
            dispatchDueAt = SLAPolicy.dispatchDeadline(receivedAt: ticket.receivedAt, urgent: appeal.urgent)
            replyDueAt = ticket.replyDeadline.at
            replyDueProvisional = ticket.replyDeadline.provisional
            interveneDueAt = SLAPolicy.interventionDeadline(receivedAt: ticket.receivedAt, urgent: appeal.urgent)
            appealDigest = ticket.appealDigest
            requestedItem = appeal.requestedItem
        }
    }
}
