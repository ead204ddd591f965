import Foundation
import Postgres
import SubanCore

/// What a citizen sees by tracking code: status, the units that have the
/// ticket, and every step so far. Never the phone number, never internal ids of people.
public struct CitizenView: Sendable, Codable, Hashable {
    public struct Unit: Sendable, Codable, Hashable {
        public var department: String
        public var name: String
        public var role: String
        public var status: String
        public var assignedAt: Date
    }

    public struct Step: Sendable, Codable, Hashable {
        public var kind: String
        public var department: String?
        public var departmentName: String?
        public var at: Date
        public var detail: JSONValue
    }

    public var trackingCode: String
    public var status: String
    public var type: String
    public var urgent: Bool
    public var channel: String
    public var category: String?
    public var item: String?
    public var itemName: String?
    public var district: String?
    public var street: String?
    public var receivedAt: Date
    public var dispatchDueAt: Date
    public var dispatchedAt: Date?
    /// The statutory limit for the type, in working days from the day after receipt.
    public var replyDueAt: Date?
    /// The deadline assumed plain weekends for a year whose holiday notice is not loaded yet.
    public var replyDueProvisional: Bool
    public var interveneDueAt: Date?
    public var departments: [Unit]
    public var timeline: [Step]
}

extension TicketStore {
    public static func citizenView(trackingCode: String, on connection: PostgresConnection) throws -> CitizenView? {
        guard let ticket = try connection.query("""
            SELECT t.id, t.tracking_code, t.status, t.type, t.urgent, t.channel, t.category_code, t.item_code, i.name AS item_name,
                   t.district_code, t.street_code, t.received_at, t.dispatch_due_at, t.dispatched_at,
                   t.reply_due_at, t.reply_due_provisional, t.intervene_due_at
            FROM tickets t LEFT JOIN catalog_items i ON i.code = t.item_code
            WHERE t.tracking_code = $1
            """, [trackingCode]).first else { return nil }
        let id: UUID = try ticket.decode("id")
        let units = try connection.query("""
            SELECT a.department_code, d.name, a.role, a.status, a.assigned_at
            FROM assignments a JOIN departments d ON d.code = a.department_code
            WHERE a.ticket_id = $1 ORDER BY a.id
            """, [id]).map { row in
            CitizenView.Unit(department: try row.decode("department_code"), name: try row.decode("name"), role: try row.decode("role"),
                             status: try row.decode("status"), assignedAt: try row.decode("assigned_at"))
        }
        let steps = try connection.query("""
            SELECT e.kind, e.department_code, d.name, e.detail::text AS detail, e.at
            FROM ticket_events e LEFT JOIN departments d ON d.code = e.department_code
            WHERE e.ticket_id = $1 ORDER BY e.id
            """, [id]).map { row in
            CitizenView.Step(kind: try row.decode("kind"), department: try row.decodeIfPresent("department_code"),
                             departmentName: try row.decodeIfPresent("name"), at: try row.decode("at"),
                             detail: try JSONValue.parse(try row.decode("detail", as: String.self).utf8))
        }
        return CitizenView(
            trackingCode: try ticket.decode("tracking_code"), status: try ticket.decode("status"), type: try ticket.decode("type"),
            urgent: try ticket.decode("urgent"), channel: try ticket.decode("channel"), category: try ticket.decodeIfPresent("category_code"),
            item: try ticket.decodeIfPresent("item_code"), itemName: try ticket.decodeIfPresent("item_name"),
            district: try ticket.decodeIfPresent("district_code"), street: try ticket.decodeIfPresent("street_code"),
            receivedAt: try ticket.decode("received_at"), dispatchDueAt: try ticket.decode("dispatch_due_at"),
            dispatchedAt: try ticket.decodeIfPresent("dispatched_at"), replyDueAt: try ticket.decodeIfPresent("reply_due_at"),
            replyDueProvisional: try ticket.decode("reply_due_provisional"), interveneDueAt: try ticket.decodeIfPresent("intervene_due_at"),
            departments: units, timeline: steps)
    }
}
