import Foundation

/// The counts one day holds for one cell of day × category × item × district ×
/// street × department × channel. Rates are derived from them when read, so cells
/// add up: a city's on-time rate is the sum of on-time replies over the sum of replies.
public struct DailyFigures: Sendable, Hashable, Codable {
    public var received = 0
    /// Assignments made: one per unit a ticket went to.
    public var dispatched = 0
    public var replied = 0
    public var closed = 0
    public var overdue = 0
    /// A unit sent the ticket back as not its duty (disputed, 退回).
    public var returned = 0
    /// A dissatisfied rating sent the ticket back to its unit (不满意回退).
    public var dissatisfactionReturns = 0
    /// Working days from receipt to reply, summed over `replied`.
    public var handlingDays = 0.0
    public var onTime = 0
    public var rated = 0
    public var satisfied = 0
    /// Each rating dimension's scores (1–5), summed over `rated`.
    public var speed = 0, effect = 0, service = 0, quality = 0
    /// Closed tickets whose first dispatch was right: no unit sent them back.
    public var firstTimeRight = 0

    public init() {}

    public static func + (a: DailyFigures, b: DailyFigures) -> DailyFigures {
        var sum = a
        sum.received += b.received; sum.dispatched += b.dispatched; sum.replied += b.replied; sum.closed += b.closed
        sum.overdue += b.overdue; sum.returned += b.returned; sum.dissatisfactionReturns += b.dissatisfactionReturns
        sum.handlingDays += b.handlingDays; sum.onTime += b.onTime; sum.rated += b.rated; sum.satisfied += b.satisfied
        sum.speed += b.speed; sum.effect += b.effect; sum.service += b.service; sum.quality += b.quality
        sum.firstTimeRight += b.firstTimeRight
        return sum
    }

    /// Average working days from receipt to reply.
    public var averageHandlingDays: Double? { replied == 0 ? nil : handlingDays / Double(replied) }
    public var onTimeRate: Double? { replied == 0 ? nil : Double(onTime) / Double(replied) }
    public var satisfactionRate: Double? { rated == 0 ? nil : Double(satisfied) / Double(rated) }
    /// Mean score per rating dimension.
    public var dimensionMeans: [String: Double]? {
        guard rated > 0 else { return nil }
        let n = Double(rated)
        return ["speed": Double(speed) / n, "effect": Double(effect) / n, "service": Double(service) / n, "quality": Double(quality) / n]
    }
    public var firstTimeRightRate: Double? { closed == 0 ? nil : Double(firstTimeRight) / Double(closed) }
}

/// One cell's coordinates. An empty string is "none": a ticket not yet classified,
/// or a figure that belongs to no unit (received).
public struct FigureCell: Sendable, Hashable, Codable {
    public var day: LocalDay
    public var category: String
    public var item: String
    public var district: String
    public var street: String
    public var department: String
    public var channel: String

    public init(day: LocalDay, category: String, item: String, district: String, street: String, department: String, channel: String) {
        self.day = day
        self.category = category
        self.item = item
        self.district = district
        self.street = street
        self.department = department
        self.channel = channel
    }
}

/// What analytics needs to know of the ticket an event is about.
public struct TicketFacts: Sendable, Hashable {
    public var category: String
    public var item: String
    public var district: String
    public var street: String
    public var channel: String
    public var receivedAt: Date
    public var replyDueAt: Date?
    /// The lead unit now holding the ticket; empty before dispatch.
    public var leadDepartment: String
    /// A unit sent it back as not its duty at some point.
    public var everReturned: Bool
    /// The place it names, for hot places and class cases.
    public var place: AppealPlace?

    public init(category: String, item: String, district: String, street: String, channel: String, receivedAt: Date,
                replyDueAt: Date?, leadDepartment: String, everReturned: Bool, place: AppealPlace? = nil) {
        self.category = category
        self.item = item
        self.district = district
        self.street = street
        self.channel = channel
        self.receivedAt = receivedAt
        self.replyDueAt = replyDueAt
        self.leadDepartment = leadDepartment
        self.everReturned = everReturned
        self.place = place
    }
}

/// A ticket event as analytics reads it off the events stream.
public struct TicketEventFact: Sendable, Hashable {
    /// What the event counts as (`Analytics.countedKind`).
    public var kind: TicketEventKind
    /// The unit the event is about, when it is about one.
    public var department: String
    public var at: Date
    /// Set on `rated`.
    public var rating: Rating?

    public init(kind: TicketEventKind, department: String = "", at: Date, rating: Rating? = nil) {
        self.kind = kind
        self.department = department
        self.at = at
        self.rating = rating
    }
}

public enum Analytics {
    /// The kinds of event that change a figure, as `countedKind` names them.
    public static let countedKinds: Set<TicketEventKind> = [.received, .assigned, .replied, .closed, .slaOverdue, .returned, .dissatisfactionReturn, .rated]

    /// What an events-stream entry counts as, if anything. A ticket counts as received
    /// when dispatch first decides it (dispatched, linked or triaged: `source` dispatch),
    /// so its category and item are known; intake's own `received` entry comes before
    /// them and is not counted.
    public static func countedKind(_ event: TicketEvent) -> TicketEventKind? {
        if event.kind.isDispatchDecision { return event.source == "dispatch" ? .received : nil }
        return event.kind != .received && countedKinds.contains(event.kind) ? event.kind : nil
    }

    /// The cell and the figures one event adds, counted on the day (China time) it happened
    /// (a receipt on the day the ticket was received).
    /// Ticket-level events (reply, close, rating) count for the lead unit.
    public static func contribution(of event: TicketEventFact, ticket: TicketFacts, calendar: WorkingCalendar) -> (FigureCell, DailyFigures)? {
        var figures = DailyFigures()
        var department = ticket.leadDepartment
        var day = LocalDay(containing: event.at)
        switch event.kind {
        case .received:
            figures.received = 1
            department = ""
            day = LocalDay(containing: ticket.receivedAt)
        case .assigned:
            figures.dispatched = 1
            department = event.department
        case .replied:
            figures.replied = 1
            figures.handlingDays = calendar.workingDays(from: ticket.receivedAt, to: event.at)
            figures.onTime = ticket.replyDueAt.map { event.at <= $0 } ?? true ? 1 : 0
        case .closed:
            figures.closed = 1
            figures.firstTimeRight = ticket.everReturned ? 0 : 1
        case .slaOverdue:
            figures.overdue = 1
            if !event.department.isEmpty { department = event.department }
        case .returned:
            figures.returned = 1
            department = event.department
        case .dissatisfactionReturn:
            figures.dissatisfactionReturns = 1
        case .rated:
            guard let rating = event.rating else { return nil }
            figures.rated = 1
            figures.satisfied = rating.isSatisfied ? 1 : 0
            (figures.speed, figures.effect, figures.service, figures.quality) = (rating.speed, rating.effect, rating.service, rating.quality)
        default:
            return nil
        }
        let cell = FigureCell(day: day, category: ticket.category, item: ticket.item, district: ticket.district,
                              street: ticket.street, department: department, channel: ticket.channel)
        return (cell, figures)
    }
}
