import Foundation
import Postgres
import SubanCore

extension TicketStore {
    /// A ticket as dispatch needs it.
    public struct DispatchCandidate: Sendable, Hashable {
        public var id: UUID
        public var status: TicketStatus
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
                id: try row.decode("id"), status: try LifecycleStore.enumValue(row, "status"), receivedAt: try row.decode("received_at"),
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
        public var status: TicketStatus
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
                status = .dispatched
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
                status = .triage
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
            if status == .triage {
                itemCode = report.itemCode
                categoryCode = report.categoryCode
                districtCode = report.districtCode
                streetCode = report.streetCode
            }
            status = .linked
            parentID = match.parentID
            escalatesParent = match.escalates
            units = []
            detail["shared_places"] = .array(match.sharedPlaces.map(JSONValue.string))
            detail["problem_similarity"] = .number((match.problemSimilarity * 100).rounded() / 100)
        }

        var row: [String: JSONValue] {
            [
                "id": .string(id.postgresText), "status": .string(status.rawValue), "item_code": JSONValue(itemCode),
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
