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
    public var status: String
    /// The digest of the appeal that made it; nil for tickets recorded before digests were kept.
    public var appealDigest: String?
}

/// What intake answers one submission.
public struct IntakeReceipt: Sendable, Hashable {
    public var ticketID: UUID
    public var trackingCode: String
    public var status: String
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

/// Ticket writes and reads. Every method runs on a connection the caller
/// holds, so callers choose the transaction around them.
public enum TicketStore {
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
                stored[ticket.idempotencyKey] = StoredTicket(ticketID: ticket.id, trackingCode: ticket.trackingCode, status: TicketStatus.received.rawValue,
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
            stored[key] = StoredTicket(ticketID: try row.decode("id"), trackingCode: try row.decode("tracking_code"), status: try row.decode("status"),
                                       appealDigest: try row.decodeIfPresent("appeal_digest"))
        }
        return (stored, outbox)
    }

    /// A ticket as dispatch needs it.
    public struct DispatchCandidate: Sendable, Hashable {
        public var id: UUID
        public var status: String
        public var receivedAt: Date
        public var input: Dispatcher.Input
    }

    public static func dispatchCandidates(_ ids: [UUID], on connection: PostgresConnection) throws -> [DispatchCandidate] {
        guard !ids.isEmpty else { return [] }
        let list = "{" + ids.map(\.postgresText).joined(separator: ",") + "}"
        return try connection.query("""
            SELECT id, status, received_at, text, type, urgent, district_code, street_code, community, address, latitude, longitude, requested_item
            FROM tickets WHERE id = ANY($1::uuid[])
            """, [list]).map { row in
            let latitude: Double? = try row.decodeIfPresent("latitude"), longitude: Double? = try row.decodeIfPresent("longitude")
            let coordinates = latitude.flatMap { latitude in longitude.map { Coordinates(latitude: latitude, longitude: $0) } }
            return DispatchCandidate(
                id: try row.decode("id"), status: try row.decode("status"), receivedAt: try row.decode("received_at"),
                input: Dispatcher.Input(
                    text: try row.decode("text"), urgentFlag: try row.decode("urgent"),
                    location: Location(districtCode: try row.decodeIfPresent("district_code"), streetCode: try row.decodeIfPresent("street_code"),
                                       community: try row.decodeIfPresent("community"), address: try row.decodeIfPresent("address"),
                                       coordinates: coordinates),
                    requestedItem: try row.decodeIfPresent("requested_item"), type: AppealType(rawValue: try row.decode("type"))))
        }
    }

    /// What dispatch decided for one ticket.
    public struct DispatchOutcome: Sendable, Hashable {
        public struct Unit: Sendable, Hashable {
            public var department: String
            public var role: String
            public var stream: String
        }

        public var id: UUID
        public var status: String
        public var itemCode: String?
        public var categoryCode: String?
        public var confidence: Double
        public var urgent: Bool
        public var districtCode: String?
        public var streetCode: String?
        public var units: [Unit]
        /// The open ticket this report joined (status `linked`).
        public var parentID: UUID?
        public var candidates: [Classification.Candidate]
        /// The keys of the places it names (not house numbers): what a later report must
        /// name for `openParents` to offer this ticket as its parent.
        public var placeKeys: [String] = []
        /// The house and block numbers it names: a report naming other numbers is another place.
        public var placeNumbers: [String] = []
        /// An urgent report joined the calm ticket `parentID`, which becomes urgent (set by `link`).
        public var escalatesParent = false
        /// Why: reason, candidates and urgency signals, kept in the timeline.
        public var detail: [String: JSONValue]

        public init(ticketID: UUID, decision: Dispatcher.Decision) {
            id = ticketID
            parentID = nil
            switch decision {
            case .assign(let assignment):
                candidates = assignment.classification.candidates
                status = TicketStatus.dispatched.rawValue
                itemCode = assignment.item.code
                categoryCode = assignment.item.categoryCode
                confidence = assignment.classification.confidence
                urgent = assignment.urgent
                districtCode = assignment.place.districtCode
                streetCode = assignment.place.streetCode
                units = assignment.units.map {
                    Unit(department: $0.departmentCode, role: $0.role.rawValue, stream: StreamNames.departmentQueue($0.departmentCode))
                }
                detail = [
                    "item": .string(assignment.item.code), "item_name": .string(assignment.item.name),
                    "confidence": .number(assignment.classification.confidence),
                    "urgent_signals": .array(assignment.urgentSignals.map(JSONValue.string)),
                    "place": .string(assignment.placeReason),
                ]
            case .triage(let reason, let classification, let urgent, let item):
                candidates = classification.candidates
                status = TicketStatus.triage.rawValue
                itemCode = item?.code
                categoryCode = item?.categoryCode
                confidence = classification.confidence
                self.urgent = urgent
                units = []
                detail = [
                    "reason": .string(reason),
                    "candidates": .array(classification.candidates.map { .string($0.itemCode) }),
                ]
                if let item { detail["item"] = .string(item.code) }
            }
        }

        /// Joins the open ticket `match` names instead of going to any unit: the parent is handled once.
        /// A triaged report that joins a ticket takes its likeliest item and its place from `report`.
        public mutating func link(_ match: DuplicateDetector.Match, as report: DuplicateDetector.Report) {
            if status == TicketStatus.triage.rawValue {
                itemCode = report.itemCode
                categoryCode = report.categoryCode
                districtCode = report.districtCode
                streetCode = report.streetCode
            }
            status = TicketStatus.linked.rawValue
            parentID = match.parentID
            escalatesParent = match.escalates
            units = []
            detail["shared_places"] = .array(match.sharedPlaces.map(JSONValue.string))
            detail["problem_similarity"] = .number((match.problemSimilarity * 100).rounded() / 100)
        }

        var row: [String: JSONValue] {
            [
                "id": .string(id.postgresText), "status": .string(status), "item_code": JSONValue(itemCode),
                "parent_id": JSONValue(parentID?.postgresText),
                "candidates": .array(candidates.map { .object(["item": .string($0.itemCode), "p": .number($0.probability)]) }),
                "category_code": JSONValue(categoryCode), "confidence": .number(confidence), "urgent": .bool(urgent),
                "district_code": JSONValue(districtCode), "street_code": JSONValue(streetCode), "detail": .object(detail),
                "place_keys": .array(placeKeys.map(JSONValue.string)), "place_numbers": .array(placeNumbers.map(JSONValue.string)),
                "escalates_parent": .bool(escalatesParent),
                "units": .array(units.map { .object(["department": .string($0.department), "role": .string($0.role), "stream": .string($0.stream)]) }),
            ]
        }
    }

    /// Records dispatch outcomes in the caller's transaction. Only tickets still
    /// `received` change, so a redelivered message records nothing twice; the
    /// returned outbox rows hold one queue entry per new assignment and the events.
    public static func recordDispatch(_ outcomes: [DispatchOutcome], on connection: PostgresConnection) throws -> [OutboxMessage] {
        guard !outcomes.isEmpty else { return [] }
        return try OutboxPublisher.messages(in: connection.query("""
            WITH d AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
                    id uuid, status text, item_code text, category_code text, confidence real, urgent boolean,
                    district_code text, street_code text, units jsonb, detail jsonb, parent_id uuid, candidates jsonb, place_keys jsonb, place_numbers jsonb,
                    escalates_parent boolean)
            ), updated AS (
                UPDATE tickets t SET status = d.status, item_code = d.item_code, category_code = d.category_code,
                    confidence = d.confidence, urgent = d.urgent, parent_id = d.parent_id, item_candidates = d.candidates,
                    place_keys = ARRAY(SELECT jsonb_array_elements_text(d.place_keys)),
                    place_numbers = ARRAY(SELECT jsonb_array_elements_text(d.place_numbers)),
                    district_code = coalesce(t.district_code, d.district_code), street_code = coalesce(t.street_code, d.street_code),
                    dispatched_at = CASE WHEN d.status = 'dispatched' THEN now() END,
                    intervene_due_at = CASE WHEN d.urgent THEN t.received_at + interval '24 hours' END, updated_at = now()
                -- Found by primary key: joined on status instead, a backlog of thousands of received
                -- tickets was scanned by every batch.
                FROM d WHERE t.id = ANY(ARRAY(SELECT id FROM d)) AND t.id = d.id AND t.status = 'received'
                RETURNING t.id, t.status, t.urgent, t.item_code, t.reply_due_at, t.intervene_due_at, t.parent_id
            ), escalated AS (
                -- An urgent report joined a calm ticket: the incident is urgent, intervention within 24 hours.
                -- A parent decided in this batch is made urgent by the caller (one row is updated once a statement).
                UPDATE tickets p SET urgent = true, intervene_due_at = now() + interval '24 hours', updated_at = now()
                FROM (SELECT DISTINCT u.parent_id FROM updated u JOIN d USING (id) WHERE d.escalates_parent) e
                WHERE p.id = e.parent_id AND NOT p.urgent AND p.id <> ALL (ARRAY(SELECT id FROM d))
                RETURNING p.id, p.intervene_due_at, p.status
            ), dispatch_clocks AS (
                -- A linked report is placed too: its parent's clocks run for it.
                UPDATE sla_clocks c SET stopped_at = now(), next_at = NULL
                FROM updated u WHERE c.ticket_id = u.id AND u.status IN ('dispatched', 'linked') AND c.kind = 'dispatch' AND c.stopped_at IS NULL
            ), units AS (
                SELECT u.id AS ticket_id, x.department, x.role, x.stream
                FROM updated u JOIN d USING (id), jsonb_to_recordset(d.units) AS x(department text, role text, stream text)
            ), assigned AS (
                INSERT INTO assignments (ticket_id, department_code, role)
                SELECT ticket_id, department, role FROM units
                ON CONFLICT (ticket_id, department_code) DO NOTHING
                RETURNING id, ticket_id, department_code, role
            ), clocks AS (
                INSERT INTO sla_clocks (ticket_id, assignment_id, department_code, kind, starts_at, due_at, next_at)
                SELECT a.ticket_id, a.id, a.department_code, 'reply', now(), u.reply_due_at, now()
                FROM assigned a JOIN updated u ON u.id = a.ticket_id WHERE u.reply_due_at IS NOT NULL
                UNION ALL
                SELECT u.id, NULL, NULL, 'intervention', now(), u.intervene_due_at, now()
                FROM updated u WHERE u.status = 'dispatched' AND u.intervene_due_at IS NOT NULL
                UNION ALL
                SELECT e.id, NULL, NULL, 'intervention', now(), e.intervene_due_at, now()
                FROM escalated e WHERE e.status IN ('dispatched', 'accepted', 'staged', 'reopened')
            ), timeline AS (
                INSERT INTO ticket_events (ticket_id, kind, department_code, detail)
                SELECT u.id, CASE u.status WHEN 'dispatched' THEN 'dispatched' WHEN 'linked' THEN 'linked' ELSE 'triaged' END, NULL, d.detail
                FROM updated u JOIN d USING (id)
                UNION ALL
                SELECT ticket_id, 'assigned', department_code, jsonb_build_object('role', role, 'assignment', id) FROM assigned
                UNION ALL
                SELECT u.parent_id, 'duplicate_linked', NULL, '{}'::jsonb FROM updated u WHERE u.parent_id IS NOT NULL
                UNION ALL
                SELECT id, 'urgency_raised', NULL, jsonb_build_object('reason', 'an urgent report of the incident joined') FROM escalated
            ), messages AS (
                SELECT stream, fields, row_number() OVER () AS n FROM (
                    SELECT un.stream, jsonb_build_object('assignment', a.id::text, 'ticket', a.ticket_id::text, 'department', a.department_code,
                                                         'role', a.role, 'urgent', u.urgent::text, 'item', coalesce(u.item_code, '')) AS fields
                    FROM assigned a JOIN units un ON un.ticket_id = a.ticket_id AND un.department = a.department_code
                                    JOIN updated u ON u.id = a.ticket_id
                    UNION ALL
                    SELECT $2, jsonb_build_object('event', CASE u.status WHEN 'dispatched' THEN 'dispatched' WHEN 'linked' THEN 'linked' ELSE 'triaged' END,
                                                  'ticket', u.id::text, 'at', now()::text, 'source', 'dispatch')
                               || CASE WHEN u.parent_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('parent', u.parent_id::text) END
                    FROM updated u
                    UNION ALL
                    SELECT $2, jsonb_build_object('event', 'assigned', 'ticket', a.ticket_id::text, 'department', a.department_code,
                                                  'role', a.role, 'assignment', a.id::text, 'at', now()::text)
                    FROM assigned a) m
            )
            \(OutboxMessage.insertMessages)
            """, [RecordSet.encode(outcomes.map(\.row)), StreamNames.events]))
    }
}

extension TicketStore {
    /// A duplicate scope: reports can only join within one category on one street office,
    /// and only when they share a place name — so the lock is per place, and dispatchers
    /// deciding reports of other places on the same street do not wait for each other.
    public struct DuplicateScope: Sendable, Hashable {
        public var category: String
        public var street: String
        /// A place key the report names (`PlaceMentions.keys`).
        public var place: String
        /// A house or block number the report names there; nil: the place as a whole.
        public var number: String?
        /// Held shared: a report naming numbers holds its place so, and each number exclusively.
        public var shared: Bool

        public init(category: String, street: String, place: String, number: String? = nil, shared: Bool = false) {
            self.category = category
            self.street = street
            self.place = place
            self.number = number
            self.shared = shared
        }

        /// The scopes a report locks; none for a report without a street, a site or a place. Reports
        /// naming other numbers of one place are never linked (the detector's rule), so they
        /// hold the place shared and only their numbers exclusively, and are decided in
        /// parallel; a report naming no number may join any of them, so it holds the place
        /// exclusively and waits for them all.
        public static func of(_ report: DuplicateDetector.Report) -> [DuplicateScope] {
            let numbers = report.places.numbers
            // Every category and scope it may join a ticket in: two dispatchers must not both open a parent there.
            return report.categories.sorted().flatMap { category in
                report.scopes.flatMap { street in report.places.keys.map { (street, $0) } }.flatMap { street, place in
                    numbers.isEmpty
                        ? [DuplicateScope(category: category, street: street, place: place)]
                        : [DuplicateScope(category: category, street: street, place: place, shared: true)]
                            + numbers.map { DuplicateScope(category: category, street: street, place: place, number: $0) }
                }
            }
        }

        var key: String { [category, street, place, number].compactMap { $0 }.joined(separator: "|") }
    }

    /// Serialises duplicate decisions per scope until the caller's transaction ends,
    /// so two dispatchers deciding two reports of one incident at once do not both
    /// make a parent: the second waits, then finds the first's. A scope some report of the
    /// batch wants exclusively is held exclusively. Sorted, so two batches wanting
    /// overlapping scopes cannot deadlock. (Two reports that share a place only as a name one
    /// of them writes without its suffix take no common lock: such a race can leave them
    /// unlinked, never wrongly linked.)
    public static func lockDuplicateScopes(_ scopes: Set<DuplicateScope>, on connection: PostgresConnection) throws {
        guard !scopes.isEmpty else { return }
        let rows = scopes.map { ["key": JSONValue.string($0.key), "shared": .bool($0.shared)] }
        try connection.query("""
            SELECT count(CASE WHEN shared THEN pg_advisory_xact_lock_shared(h)::text ELSE pg_advisory_xact_lock(h)::text END)
            FROM (SELECT hashtextextended(key, 0) AS h, bool_and(shared) AS shared
                  FROM jsonb_to_recordset($1::jsonb) AS s(key text, shared boolean) GROUP BY 1 ORDER BY 1) x
            """, [RecordSet.encode(rows)])
    }

    /// The open tickets in the reports' scopes, within the window, that could be one of
    /// the reports' parent. Only tickets that share a place name with a report come back:
    /// a report's place key in the ticket's words, or one of the ticket's keys in the
    /// report's — the detector needs a shared place, and a busy street holds hundreds of
    /// open tickets elsewhere; and none naming other house or block numbers than the
    /// report's. Tickets dispatched before place keys were kept all come back.
    public static func openParents(for reports: [DuplicateDetector.Report], within window: Duration,
                                   on connection: PostgresConnection) throws -> [DuplicateDetector.Report] {
        let rows = reports.compactMap { report -> [String: JSONValue]? in
            guard !report.scopes.isEmpty else { return nil }
            return ["categories": .array(report.categories.sorted().map(JSONValue.string)), "street": JSONValue(report.streetCode),
                    "district": JSONValue(report.districtCode),
                    "words": .string(report.places.words),
                    "keys": .array(report.places.keys.map(JSONValue.string)), "numbers": .array(report.places.numbers.map(JSONValue.string))]
        }
        guard !rows.isEmpty else { return [] }
        // The report's keys and numbers arrive as arrays: unpacking its JSON for every pair of
        // report and open ticket made this statement 4–5 times dearer once thousands were open.
        return try connection.query("""
            WITH matched AS (
                SELECT DISTINCT c.id
                FROM jsonb_to_recordset($1::jsonb) AS r(categories text[], street text, district text, words text, keys text[], numbers text[])
                CROSS JOIN LATERAL (
                    SELECT t.id FROM tickets t
                    WHERE t.category_code = ANY (r.categories)
                      -- The report's scopes: its street; its district where either street is unknown (the detector asks both to name a site).
                      AND (t.street_code = r.street OR ((r.street IS NULL OR t.street_code IS NULL) AND t.district_code = r.district))
                      AND t.parent_id IS NULL AND t.status IN ('dispatched', 'accepted', 'staged', 'reopened')
                      AND t.received_at > now() - make_interval(secs => $2)
                      -- Both name house or block numbers and share none: two places (the detector's own rule).
                      AND (cardinality(r.numbers) = 0 OR coalesce(cardinality(t.place_numbers), 0) = 0 OR t.place_numbers && r.numbers)
                      AND (t.place_keys IS NULL OR t.place_keys && r.keys
                           OR EXISTS (SELECT 1 FROM unnest(r.keys) k WHERE strpos(coalesce(t.address, '') || '。' || t.text, k) > 0)
                           OR EXISTS (SELECT 1 FROM unnest(t.place_keys) k WHERE strpos(r.words, k) > 0))
                ) c
            )
            SELECT t.id, t.category_code, t.item_code, t.item_candidates::text AS candidates, t.street_code, t.district_code, t.urgent, t.received_at,
                   t.address, t.text,
                   to_jsonb(coalesce(t.place_keys, '{}'))::text AS place_keys
            FROM matched JOIN tickets t USING (id)
            """, [RecordSet.encode(rows), window.seconds]).map { row in
            var candidates: [Classification.Candidate] = []
            if let text: String = try row.decodeIfPresent("candidates"), case .array(let entries) = try JSONValue.parse(Array(text.utf8)) {
                for case .object(let entry) in entries {
                    if case .string(let item) = entry["item"], case .number(let probability) = entry["p"] {
                        candidates.append(Classification.Candidate(itemCode: item, probability: probability))
                    }
                }
            }
            return DuplicateDetector.Report(
                id: try row.decode("id"), categoryCode: try row.decode("category_code"), itemCode: try row.decode("item_code"), candidates: candidates,
                streetCode: try row.decodeIfPresent("street_code"), urgent: try row.decode("urgent"), receivedAt: try row.decode("received_at"),
                address: try row.decodeIfPresent("address"), text: try row.decode("text"), districtCode: try row.decodeIfPresent("district_code"),
                // The keys it was stored with carry the gazetteer's names of its places.
                alsoNamed: PlaceMentions.canonicalNames(in: try JSONDecoder().decode([String].self, from: Data(try row.decode("place_keys", as: String.self).utf8))))
        }
    }
}
