import Foundation
import Postgres
import SubanCore

/// The queues platform staff empty: manual triage, linked reports to review, arbitration of disputed parts, callback visits.
/// Staff refer to tickets by id: a tracking code is the citizen's own (it reads their timeline and rates the reply).
public enum OperatorQueues {
    public struct TriageItem: Sendable, Codable, Hashable {
        public var ticketId: String
        public var type: String
        public var urgent: Bool
        public var text: String
        public var address: String?
        public var receivedAt: Date
        public var dispatchDueAt: Date
        /// The dispatcher's item when only the place was missing; nil when it could not choose.
        public var item: String?
        /// Why dispatch could not decide, and its best candidates.
        public var reason: JSONValue
    }

    public struct DisputedPart: Sendable, Codable, Hashable {
        public var assignmentId: Int64
        public var ticketId: String
        public var department: String
        public var role: String
        public var reason: String?
        public var text: String
        public var since: Date
    }

    /// A report dispatch linked to an open ticket, for a dispatcher to confirm or undo.
    public struct LinkedReport: Sendable, Codable, Hashable {
        public var ticketId: String
        public var text: String
        public var address: String?
        public var receivedAt: Date
        public var parentId: String
        public var parentText: String
        public var parentStatus: String
        /// The place names both reports gave and how alike their problems are.
        public var evidence: JSONValue
    }

    public struct OpenVisit: Sendable, Codable, Hashable {
        public var ticketId: String
        public var round: Int
        public var type: String
        public var openedAt: Date
    }

    public static func linked(limit: Int, on connection: PostgresConnection) throws -> [LinkedReport] {
        try connection.query("""
            SELECT t.id, t.text, t.address, t.received_at, p.id AS parent_id, p.text AS parent_text, p.status AS parent_status,
                   coalesce((SELECT e.detail::text FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = $2 ORDER BY e.id DESC LIMIT 1), '{}') AS evidence
            FROM tickets t JOIN tickets p ON p.id = t.parent_id
            WHERE t.status = 'linked' ORDER BY t.received_at DESC LIMIT $1
            """, [limit, TicketEventKind.linked]).map { row in
            LinkedReport(ticketId: try row.decode("id", as: UUID.self).postgresText,
                         text: try row.decode("text"), address: try row.decodeIfPresent("address"), receivedAt: try row.decode("received_at"),
                         parentId: try row.decode("parent_id", as: UUID.self).postgresText, parentText: try row.decode("parent_text"),
                         parentStatus: try row.decode("parent_status"), evidence: try JSONValue.parse(try row.decode("evidence", as: String.self).utf8))
        }
    }

    public static func triage(limit: Int, on connection: PostgresConnection) throws -> [TriageItem] {
        try connection.query("""
            SELECT t.id, t.type, t.urgent, t.text, t.address, t.received_at, t.dispatch_due_at, t.item_code,
                   coalesce((SELECT e.detail::text FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = $2 ORDER BY e.id DESC LIMIT 1), '{}') AS reason
            FROM tickets t WHERE t.status = 'triage' ORDER BY t.urgent DESC, t.received_at LIMIT $1
            """, [limit, TicketEventKind.triaged]).map { row in
            TriageItem(ticketId: try row.decode("id", as: UUID.self).postgresText, type: try row.decode("type"),
                       urgent: try row.decode("urgent"), text: try row.decode("text"), address: try row.decodeIfPresent("address"),
                       receivedAt: try row.decode("received_at"), dispatchDueAt: try row.decode("dispatch_due_at"),
                       item: try row.decodeIfPresent("item_code"), reason: try JSONValue.parse(try row.decode("reason", as: String.self).utf8))
        }
    }

    /// Checks a dispatcher's choice and records the catalog item before the triage transition.
    public static func prepareTriage(ticketID: UUID, item: String?, departments: [String], on connection: PostgresConnection) throws {
        try requireDepartments(departments, field: { "departments[\($0)].code" }, on: connection)
        if let item { try correctItem(ticketID: ticketID, item: item, source: .triage, on: connection) }
    }

    /// Checks an arbitration's departments and item before the transition: naming the item the
    /// appeal really is (a duty moved to a unit the dispatcher's item did not route to) teaches the model.
    public static func prepareArbitration(ticketID: UUID, moveTo: String?, item: String?, on connection: PostgresConnection) throws {
        if let moveTo { try requireDepartments([moveTo], field: { _ in "move_to" }, on: connection) }
        if let item { try correctItem(ticketID: ticketID, item: item, source: moveTo == nil ? .arbitration : .returnUpheld, on: connection) }
    }

    /// Sets an operator's catalog item on a ticket and records it as a labelled example: the
    /// operator's choice is the best label the city has, and the next `suban train` learns from it.
    static func correctItem(ticketID: UUID, item: String, source: ModelStore.CorrectionSource, on connection: PostgresConnection) throws {
        guard let category: String = try connection.query("SELECT category_code FROM catalog_items WHERE code = $1 AND active", [item])
            .first?.decode("category_code") else {
            throw LifecycleError.invalid(field: "item", reason: "no active catalog item '\(item)'")
        }
        let corrected = try connection.query("""
            UPDATE tickets SET item_code = $2, category_code = $3, confidence = 1 WHERE id = $1 RETURNING text, urgent
            """, [ticketID, item, category])
        if let ticket = corrected.first {
            try ModelStore.recordCorrection(ticketID: ticketID, text: try ticket.decode("text"), itemCode: item, urgent: try ticket.decode("urgent"),
                                            source: source, operator: nil, on: connection)
        }
    }

    public static func requireDepartments(_ codes: [String], field: (Int) -> String, on connection: PostgresConnection) throws {
        let list = JSONValue.array(codes.map(JSONValue.string)).serialized
        let known = Set(try connection.query("SELECT code FROM departments WHERE code IN (SELECT jsonb_array_elements_text($1::jsonb)) AND active", [list])
            .map { try $0.decode("code", as: String.self) })
        if let index = codes.firstIndex(where: { !known.contains($0) }) {
            throw LifecycleError.invalid(field: field(index), reason: "no active department '\(codes[index])'")
        }
    }

    public static func disputed(limit: Int, on connection: PostgresConnection) throws -> [DisputedPart] {
        try connection.query("""
            SELECT a.id, a.ticket_id, a.department_code, a.role, a.updated_at, left(t.text, 120) AS text,
                   (SELECT e.detail->>'reason' FROM ticket_events e WHERE e.ticket_id = a.ticket_id AND e.kind = $2
                    AND e.department_code = a.department_code ORDER BY e.id DESC LIMIT 1) AS reason
            FROM assignments a JOIN tickets t ON t.id = a.ticket_id WHERE a.status = 'disputed' ORDER BY a.updated_at LIMIT $1
            """, [limit, TicketEventKind.returned]).map { row in
            DisputedPart(assignmentId: try row.decode("id"), ticketId: try row.decode("ticket_id", as: UUID.self).postgresText, department: try row.decode("department_code"),
                         role: try row.decode("role"), reason: try row.decodeIfPresent("reason"), text: try row.decode("text"),
                         since: try row.decode("updated_at"))
        }
    }

    public static func ticket(ofAssignment id: Int64, on connection: PostgresConnection) throws -> UUID? {
        try connection.query("SELECT ticket_id FROM assignments WHERE id = $1", [id]).first?.decode("ticket_id")
    }

    public static func openVisits(limit: Int, on connection: PostgresConnection) throws -> [OpenVisit] {
        try connection.query("""
            SELECT v.ticket_id, v.round, t.type, v.opened_at FROM callback_visits v JOIN tickets t ON t.id = v.ticket_id
            WHERE v.done_at IS NULL ORDER BY v.opened_at LIMIT $1
            """, [limit]).map { row in
            OpenVisit(ticketId: try row.decode("ticket_id", as: UUID.self).postgresText, round: try row.decode("round"),
                      type: try row.decode("type"), openedAt: try row.decode("opened_at"))
        }
    }
}
