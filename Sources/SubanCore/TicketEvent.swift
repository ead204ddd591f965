import Foundation

/// Every kind of step on a ticket's timeline: `ticket_events.kind`, and the `event` field of
/// the events stream every worker reads.
public enum TicketEventKind: String, Sendable, Hashable, CaseIterable, Codable {
    case received, dispatched, linked, triaged, assigned
    case duplicateLinked = "duplicate_linked"
    case urgencyRaised = "urgency_raised"
    case unlinked
    case accepted, returned, arbitrated, extended, staged
    case milestoneDone = "milestone_done"
    case unitReplied = "unit_replied"
    case replied
    case evaluationRequested = "evaluation_requested"
    case rated
    case linkedReportRated = "linked_report_rated"
    case visited
    case dissatisfactionReturn = "dissatisfaction_return"
    case specialSupervision = "special_supervision"
    case closed
    case slaWarning = "sla_warning"
    case slaOverdue = "sla_overdue"
    case slaEscalation = "sla_escalation"

    /// Dispatch's decision on a ticket: the first step a ticket's category and item are known at.
    public var isDispatchDecision: Bool { [.dispatched, .linked, .triaged].contains(self) }
}

/// One entry of the events stream, as callback, analytics and the tools read it. The store
/// writes these entries in SQL (with the outbox); `fields` is the same shape, for tests and tools.
public struct TicketEvent: Sendable, Hashable {
    public var kind: TicketEventKind
    public var ticketID: UUID
    /// The timeline row, for events that have one (not intake's and dispatch's own entries).
    public var eventID: Int64?
    /// The unit the step concerns; empty for steps of the whole ticket.
    public var department: String
    /// The rating round the step belongs to (1 until a dissatisfied rating sends the ticket back).
    public var round: Int
    /// When it happened, as PostgreSQL wrote it (`2026-11-23 10:00:00.123+00`).
    public var at: String
    /// `dispatch` on the entries dispatch writes for its decision.
    public var source: String?

    public init(kind: TicketEventKind, ticketID: UUID, eventID: Int64? = nil, department: String = "", round: Int = 1, at: String,
                source: String? = nil) {
        self.kind = kind
        self.ticketID = ticketID
        self.eventID = eventID
        self.department = department
        self.round = round
        self.at = at
        self.source = source
    }

    /// What a stream entry is to a reader.
    public enum Reading: Sendable, Hashable {
        case event(TicketEvent)
        /// A kind this version does not know (a newer producer's): nothing here acts on it.
        case unknownKind(String)
        /// No event kind or no ticket: nothing can act on it.
        case unreadable
    }

    public static func read(_ fields: [String: String]) -> Reading {
        if let event = TicketEvent(fields: fields) { return .event(event) }
        if let kind = fields["event"], fields["ticket"].flatMap(UUID.init(uuidString:)) != nil { return .unknownKind(kind) }
        return .unreadable
    }

    /// Reads a stream entry's fields; nil when the entry is not a ticket event this version knows.
    public init?(fields: [String: String]) {
        guard let kind = fields["event"].flatMap(TicketEventKind.init(rawValue:)),
              let ticketID = fields["ticket"].flatMap(UUID.init(uuidString:)) else { return nil }
        self.init(kind: kind, ticketID: ticketID, eventID: fields["event_id"].flatMap { Int64($0) }, department: fields["department"] ?? "",
                  round: fields["round"].flatMap { Int($0) } ?? 1, at: fields["at"] ?? "", source: fields["source"])
    }

    /// The stream entry's fields.
    public var fields: [String: String] {
        var fields = ["event": kind.rawValue, "ticket": ticketID.uuidString.lowercased(), "department": department, "round": String(round), "at": at]
        if let eventID { fields["event_id"] = String(eventID) }
        if let source { fields["source"] = source }
        return fields
    }
}
