import Foundation
import Postgres
import SubanCore

/// A ticket as a handling unit sees it: the appeal, its own part and the other
/// units' parts, the deadlines, the timeline — and the citizen only as a masked
/// number or, for anonymous citizens, a virtual number.
public struct DepartmentTicket: Sendable, Codable, Hashable {
    public struct Part: Sendable, Codable, Hashable {
        public var assignmentId: Int64
        public var department: String
        public var name: String
        public var role: AssignmentRole
        public var status: AssignmentStatus
    }

    public struct Contact: Sendable, Codable, Hashable {
        public var anonymous: Bool
        /// Named citizens: "138****5678".
        public var phoneMasked: String?
        /// Anonymous citizens: a privacy number that reaches them; units never see the real one.
        public var virtualNumber: String?
    }

    public struct Clock: Sendable, Codable, Hashable {
        public var kind: String
        public var milestone: Int?
        public var title: String?
        public var dueAt: Date
        public var fired: [String]
    }

    /// The ticket by id only: its tracking code is the citizen's own (it rates the unit's reply).
    public var ticketId: String
    public var status: TicketStatus
    public var round: Int
    public var type: AppealType
    public var urgent: Bool
    public var channel: Channel
    public var text: String
    public var category: String?
    public var item: String?
    public var district: String?
    public var street: String?
    public var address: String?
    public var receivedAt: Date
    public var replyDueAt: Date?
    public var extensions: Int
    public var contact: Contact
    public var parts: [Part]
    public var openClocks: [Clock]
    public var timeline: [CitizenView.Step]
    /// Other citizens' reports of this incident, linked to it: handled with it, their words may help.
    public var linkedReports: [LinkedReport]

    public struct LinkedReport: Sendable, Codable, Hashable {
        public var text: String
        public var address: String?
        public var receivedAt: Date
    }
}

/// One row of a department's workbench list.
public struct DepartmentQueueItem: Sendable, Codable, Hashable {
    public var ticketId: String
    public var assignmentId: Int64
    public var role: AssignmentRole
    public var assignmentStatus: AssignmentStatus
    public var ticketStatus: TicketStatus
    public var type: AppealType
    public var urgent: Bool
    public var item: String?
    public var summary: String
    public var assignedAt: Date
    public var replyDueAt: Date?
}

extension TicketStore {
    /// The ticket if `department` holds a part of it (any part, even one arbitration moved away); nil otherwise.
    public static func departmentTicket(_ ticketID: UUID, department: String, on connection: PostgresConnection) throws -> DepartmentTicket? {
        guard try !connection.query("SELECT 1 FROM assignments WHERE ticket_id = $1 AND department_code = $2", [ticketID, department]).isEmpty,
              let ticket = try connection.query("""
                SELECT t.status, t.round, t.type, t.urgent, t.channel, t.text, t.category_code, t.item_code,
                       t.district_code, t.street_code, t.address, t.received_at, t.reply_due_at, t.extensions, t.anonymous,
                       c.phone IS NOT NULL AS has_phone, c.phone
                FROM tickets t LEFT JOIN citizen_contacts c ON c.ticket_id = t.id WHERE t.id = $1
                """, [ticketID]).first else { return nil }
        let anonymous: Bool = try ticket.decode("anonymous")
        var contact = DepartmentTicket.Contact(anonymous: anonymous)
        if let phone: String = try ticket.decodeIfPresent("phone") {
            if anonymous {
                contact.virtualNumber = try virtualNumber(for: ticketID, on: connection)
            } else {
                contact.phoneMasked = PhoneNumber.masked(phone)
            }
        }
        let parts = try connection.query("""
            SELECT a.id, a.department_code, d.name, a.role, a.status FROM assignments a JOIN departments d ON d.code = a.department_code
            WHERE a.ticket_id = $1 ORDER BY a.id
            """, [ticketID]).map { row in
            DepartmentTicket.Part(assignmentId: try row.decode("id"), department: try row.decode("department_code"), name: try row.decode("name"),
                                  role: try row.decode("role"), status: try row.decode("status"))
        }
        let clocks = try connection.query("""
            SELECT kind, milestone, title, due_at, array_to_string(fired, ',') AS fired FROM sla_clocks
            WHERE ticket_id = $1 AND stopped_at IS NULL AND (department_code IS NULL OR department_code = $2) ORDER BY due_at
            """, [ticketID, department]).map { row in
            DepartmentTicket.Clock(kind: try row.decode("kind"), milestone: try row.decodeIfPresent("milestone"), title: try row.decodeIfPresent("title"),
                                   dueAt: try row.decode("due_at"),
                                   fired: try row.decode("fired", as: String.self).split(separator: ",").map(String.init))
        }
        let linked = try connection.query("SELECT text, address, received_at FROM tickets WHERE parent_id = $1 ORDER BY received_at", [ticketID]).map { row in
            DepartmentTicket.LinkedReport(text: try row.decode("text"), address: try row.decodeIfPresent("address"), receivedAt: try row.decode("received_at"))
        }
        return DepartmentTicket(
            ticketId: ticketID.postgresText, status: try ticket.decode("status"), round: try ticket.decode("round"),
            type: try ticket.decode("type"), urgent: try ticket.decode("urgent"), channel: try ticket.decode("channel"), text: try ticket.decode("text"),
            category: try ticket.decodeIfPresent("category_code"), item: try ticket.decodeIfPresent("item_code"),
            district: try ticket.decodeIfPresent("district_code"), street: try ticket.decodeIfPresent("street_code"),
            address: try ticket.decodeIfPresent("address"), receivedAt: try ticket.decode("received_at"),
            replyDueAt: try ticket.decodeIfPresent("reply_due_at"), extensions: try ticket.decode("extensions"),
            contact: contact, parts: parts, openClocks: clocks, timeline: try timeline(ticketID, on: connection), linkedReports: linked)
    }

    /// The privacy number of an anonymous citizen's ticket, allocated on first use. The pool
    /// holds ten million numbers and the sequence goes round it: a number still bound to an
    /// open ticket, or to one closed within `numberQuarantine`, is skipped; one bound to a ticket
    /// closed longer ago is taken back (its citizen is no longer reached through it).
    public static func virtualNumber(for ticketID: UUID, on connection: PostgresConnection) throws -> String {
        if let number: String = try connection.query("SELECT number FROM virtual_numbers WHERE ticket_id = $1", [ticketID]).first?.decode("number") {
            return number
        }
        for _ in 0..<1000 {
            let allocated = try connection.query("""
                WITH candidate AS (SELECT '1700' || lpad((nextval('virtual_number_seq') % 10000000)::text, 7, '0') AS number),
                released AS (
                    DELETE FROM virtual_numbers v USING candidate c, tickets t
                    WHERE v.number = c.number AND t.id = v.ticket_id AND t.status = 'closed' AND t.closed_at < now() - make_interval(days => $1)
                    RETURNING v.number)
                SELECT c.number, NOT EXISTS (SELECT 1 FROM virtual_numbers v WHERE v.number = c.number)
                                 OR EXISTS (SELECT 1 FROM released) AS free
                FROM candidate c
                """, [numberQuarantine])
            guard let row = allocated.first, try row.decode("free", as: Bool.self) else { continue }
            let number: String = try row.decode("number")
            // Another transaction may have bound the number or this ticket meanwhile: then try again.
            if try !connection.query("""
                INSERT INTO virtual_numbers (ticket_id, number) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING number
                """, [ticketID, number]).isEmpty { return number }
            if let number: String = try connection.query("SELECT number FROM virtual_numbers WHERE ticket_id = $1", [ticketID]).first?.decode("number") {
                return number
            }
        }
        throw VirtualNumbersExhausted()
    }

    /// Days a closed ticket keeps its privacy number before the pool takes it back: a citizen
    /// may still call back about it.
    public static let numberQuarantine = 30

    public struct VirtualNumbersExhausted: Error, CustomStringConvertible {
        public var description: String { "no free virtual number in a thousand tries: the pool is nearly all bound to open tickets" }
    }

    /// The department's parts, newest first, optionally of some statuses.
    public static func departmentQueue(
        _ department: String, statuses: [AssignmentStatus], limit: Int, on connection: PostgresConnection
    ) throws -> [DepartmentQueueItem] {
        let filter = statuses.isEmpty ? AssignmentStatus.allCases.filter { $0 != .released } : statuses
        return try connection.query("""
            SELECT a.ticket_id, a.id, a.role, a.status AS assignment_status, t.status AS ticket_status, t.type, t.urgent, t.item_code,
                   left(t.text, 60) AS summary, a.assigned_at, t.reply_due_at
            FROM assignments a JOIN tickets t ON t.id = a.ticket_id
            WHERE a.department_code = $1 AND a.status = ANY($2::text[])
            ORDER BY t.urgent DESC, t.reply_due_at NULLS LAST, a.id LIMIT $3
            """, [department, "{" + filter.map(\.rawValue).joined(separator: ",") + "}", limit]).map { row in
            DepartmentQueueItem(ticketId: try row.decode("ticket_id", as: UUID.self).postgresText, assignmentId: try row.decode("id"), role: try row.decode("role"),
                                assignmentStatus: try row.decode("assignment_status"), ticketStatus: try row.decode("ticket_status"),
                                type: try row.decode("type"), urgent: try row.decode("urgent"), item: try row.decodeIfPresent("item_code"),
                                summary: try row.decode("summary"), assignedAt: try row.decode("assigned_at"), replyDueAt: try row.decodeIfPresent("reply_due_at"))
        }
    }

    static func timeline(_ ticketID: UUID, on connection: PostgresConnection) throws -> [CitizenView.Step] {
        try connection.query("""
            SELECT e.kind, e.department_code, d.name, e.detail::text AS detail, e.at
            FROM ticket_events e LEFT JOIN departments d ON d.code = e.department_code
            WHERE e.ticket_id = $1 ORDER BY e.id
            """, [ticketID]).map { row in
            let kind: TicketEventKind = try row.decode("kind")
            let departmentName: String? = try row.decodeIfPresent("name")
            let detail = try JSONValue.parse(try row.decode("detail", as: String.self).utf8)
            return CitizenView.Step(kind: kind, department: try row.decodeIfPresent("department_code"), departmentName: departmentName,
                                    at: try row.decode("at"), detail: detail,
                                    text: TimelineWording.describe(kind: kind, unit: departmentName, detail: detail))
        }
    }
}
