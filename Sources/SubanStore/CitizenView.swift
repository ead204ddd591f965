import Foundation
import Postgres
import SubanCore

/// What a citizen sees by tracking code: status, the units that have the
/// ticket, and every step so far. Never the phone number, never internal ids of people.
public struct CitizenView: Sendable, Codable, Hashable {
    public struct Unit: Sendable, Codable, Hashable {
        public var department: String
        public var name: String
        public var role: AssignmentRole
        public var status: AssignmentStatus
        public var assignedAt: Date
    }

    public struct Step: Sendable, Codable, Hashable {
        public var kind: TicketEventKind
        public var department: String?
        public var departmentName: String?
        public var at: Date
        public var detail: JSONValue
        /// The step in words (TimelineWording).
        public var text: String
    }

    /// Who has the ticket now and until when: the parcel-tracking headline.
    public struct Holder: Sendable, Codable, Hashable {
        public var department: String?
        public var name: String
        public var since: Date
        public var dueAt: Date?
    }

    public var trackingCode: String
    public var status: TicketStatus
    public var type: AppealType
    public var urgent: Bool
    public var channel: Channel
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
    /// 1 at first, 2 after a dissatisfaction return, 3 under special supervision.
    public var round: Int
    /// The citizen may rate now (the ticket was replied and this round is not rated yet).
    public var canRate: Bool
    public var holder: Holder
    public var departments: [Unit]
    public var timeline: [Step]
    /// Set when the platform merged this report into another citizen's ticket about
    /// the same incident: holder, units and the later steps are that ticket's.
    public var linked: Linked?

    public struct Linked: Sendable, Codable, Hashable {
        /// Where the handling of the incident is.
        public var status: TicketStatus
        /// How many citizens reported it.
        public var reports: Int
    }
}

extension TicketStore {
    public static func ticketID(trackingCode: String, on connection: PostgresConnection) throws -> UUID? {
        try connection.query("SELECT id FROM tickets WHERE tracking_code = $1", [trackingCode]).first?.decode("id")
    }

    /// The ticket a tracking code rates: its own, and the parent whose handling it rates when it is a linked report.
    public static func ratingTarget(trackingCode: String, on connection: PostgresConnection) throws -> (id: UUID, parent: UUID?)? {
        guard let row = try connection.query("""
            SELECT id, CASE WHEN status = 'linked' THEN parent_id END AS parent FROM tickets WHERE tracking_code = $1
            """, [trackingCode]).first else { return nil }
        return (try row.decode("id"), try row.decodeIfPresent("parent"))
    }

    public static func citizenView(trackingCode: String, on connection: PostgresConnection) throws -> CitizenView? {
        func ticketRow(_ condition: String, _ value: any PostgresEncodable) throws -> PostgresRow? {
            try connection.query("""
                SELECT t.id, t.parent_id, t.tracking_code, t.status, t.type, t.urgent, t.channel, t.category_code, t.item_code, i.name AS item_name,
                       t.district_code, t.street_code, t.received_at, t.dispatch_due_at, t.dispatched_at,
                       t.reply_due_at, t.reply_due_provisional, t.intervene_due_at, t.round, t.updated_at,
                       (SELECT count(*) FROM tickets c WHERE c.parent_id = t.id) AS linked_reports
                FROM tickets t LEFT JOIN catalog_items i ON i.code = t.item_code
                WHERE \(condition)
                """, [value]).first
        }
        guard let ticket = try ticketRow("t.tracking_code = $1", trackingCode) else { return nil }
        let id: UUID = try ticket.decode("id")
        // A linked report follows its parent: the parent's units, holder and steps, never its citizen's own.
        let parent = try ticket.decodeIfPresent("parent_id", as: UUID.self).flatMap { try ticketRow("t.id = $1", $0) }
        let handling = parent ?? ticket
        let handlingID: UUID = try handling.decode("id")
        let units = try connection.query("""
            SELECT a.department_code, d.name, a.role, a.status, a.assigned_at
            FROM assignments a JOIN departments d ON d.code = a.department_code
            WHERE a.ticket_id = $1 ORDER BY a.id
            """, [handlingID]).map { row in
            CitizenView.Unit(department: try row.decode("department_code"), name: try row.decode("name"), role: try row.decode("role"),
                             status: try row.decode("status"), assignedAt: try row.decode("assigned_at"))
        }
        var steps = try timeline(id, on: connection)
        if parent != nil {
            steps += try timeline(handlingID, on: connection).filter { !CitizenView.parentCitizensOwn.contains($0.kind) }
            steps.sort { $0.at < $1.at }
        }
        let status: TicketStatus = try handling.decode("status")
        let updatedAt: Date = try handling.decode("updated_at")
        let lead = units.first { $0.role == .lead && $0.status != .released }
        let holder: CitizenView.Holder = switch status {
        case .received, .triage:
            CitizenView.Holder(department: nil, name: "12345平台", since: try handling.decode("received_at"), dueAt: try handling.decode("dispatch_due_at"))
        case .replied, .callback, .rated, .closed:
            CitizenView.Holder(department: nil, name: "12345平台", since: updatedAt, dueAt: nil)
        default:
            CitizenView.Holder(department: lead?.department, name: lead?.name ?? "承办单位", since: steps.last?.at ?? updatedAt,
                               dueAt: try handling.decodeIfPresent("reply_due_at"))
        }
        let ownStatus: TicketStatus = try ticket.decode("status")
        // A linked report's citizen rates the incident's handling once a round, until the parent closes.
        let round: Int = try handling.decode("round")
        let canRate: Bool
        if parent == nil {
            canRate = [.replied, .callback].contains(ownStatus)
        } else {
            let open = [.replied, .callback, .rated].contains(status)
            canRate = try open && connection.query("SELECT 1 FROM ratings WHERE ticket_id = $1 AND round = $2", [id, round]).isEmpty
        }
        return CitizenView(
            trackingCode: try ticket.decode("tracking_code"), status: ownStatus, type: try ticket.decode("type"),
            urgent: try ticket.decode("urgent"), channel: try ticket.decode("channel"), category: try ticket.decodeIfPresent("category_code"),
            item: try ticket.decodeIfPresent("item_code"), itemName: try ticket.decodeIfPresent("item_name"),
            district: try ticket.decodeIfPresent("district_code"), street: try ticket.decodeIfPresent("street_code"),
            receivedAt: try ticket.decode("received_at"), dispatchDueAt: try ticket.decode("dispatch_due_at"),
            dispatchedAt: try handling.decodeIfPresent("dispatched_at"), replyDueAt: try handling.decodeIfPresent("reply_due_at"),
            replyDueProvisional: try handling.decode("reply_due_provisional"), interveneDueAt: try handling.decodeIfPresent("intervene_due_at"),
            round: round, canRate: canRate, holder: holder, departments: units, timeline: steps,
            linked: try parent.map { CitizenView.Linked(status: status, reports: try $0.decode("linked_reports", as: Int.self) + 1) })
    }
}

extension CitizenView {
    /// The parent's steps that are its citizen's own business, not the incident's.
    static let parentCitizensOwn: Set<TicketEventKind> = [.received, .triaged, .evaluationRequested, .rated, .visited, .duplicateLinked,
                                                          .linkedReportRated]
}
