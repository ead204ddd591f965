import Foundation

/// Where a ticket is in the closed loop (收集—分拨—处置—反馈—评价). Stored as text.
public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    /// Stored by intake, waiting for dispatch.
    case received
    /// Dispatch could not decide; a human dispatcher must.
    case triage
    /// On the queue of every unit it was assigned to.
    case dispatched
    /// Another citizen's open ticket already holds this incident: that parent is
    /// handled, and this citizen follows its progress and hears its reply.
    case linked
    /// The lead unit took it up.
    case accepted
    /// The lead unit filed a staged-completion plan (阶段性办结); milestones are tracked.
    case staged
    /// The lead and every co-handler have replied.
    case replied
    /// The citizen was asked to evaluate (and, for complaints and reports, a callback visit is open).
    case callback
    /// Rated satisfied; waiting for the callback visit to confirm the problem is solved.
    case rated
    /// Sent back to the lead unit after a dissatisfied rating or an unsolved visit (不满意回退).
    case reopened
    case closed
}

/// Where one unit's part of a ticket is.
public enum AssignmentStatus: String, Sendable, Codable, CaseIterable {
    case queued, accepted
    /// The unit says the duty is not its own; arbitration decides, the unit stays responsible meanwhile.
    case disputed
    case staged, replied
    /// Arbitration moved the duty to another unit.
    case released
}

/// One unit's part, as the state machine sees it.
public struct LifecycleAssignment: Sendable, Hashable {
    public var id: Int64
    public var department: String
    public var role: AssignmentRole
    public var status: AssignmentStatus

    public init(id: Int64, department: String, role: AssignmentRole, status: AssignmentStatus) {
        self.id = id
        self.department = department
        self.role = role
        self.status = status
    }
}

/// A ticket as the state machine sees it.
public struct LifecycleTicket: Sendable, Hashable {
    public var status: TicketStatus
    public var type: AppealType
    public var urgent: Bool
    /// 1 at first; 2 after a dissatisfaction return; 3 under special supervision.
    public var round: Int
    public var extensions: Int
    public var replyDueAt: Date?
    /// A callback visit is required and has not confirmed the problem solved yet.
    public var visitOpen: Bool
    public var assignments: [LifecycleAssignment]

    public init(status: TicketStatus, type: AppealType, urgent: Bool = false, round: Int = 1, extensions: Int = 0,
                replyDueAt: Date? = nil, visitOpen: Bool = false, assignments: [LifecycleAssignment] = []) {
        self.status = status
        self.type = type
        self.urgent = urgent
        self.round = round
        self.extensions = extensions
        self.replyDueAt = replyDueAt
        self.visitOpen = visitOpen
        self.assignments = assignments
    }

    /// Assignments still carrying a duty (not moved away by arbitration).
    public var active: [LifecycleAssignment] { assignments.filter { $0.status != .released } }
    public var lead: LifecycleAssignment? { active.first { $0.role == .lead } }
}

/// A dated step of a staged-completion plan.
public struct Milestone: Sendable, Hashable, Codable {
    public var title: String
    public var dueAt: Date

    public init(title: String, dueAt: Date) {
        self.title = title
        self.dueAt = dueAt
    }
}

/// What a unit, a dispatcher, the callback worker or a citizen asks of a ticket.
public enum TicketCommand: Sendable, Hashable {
    /// `leader` names the unit leader in charge; required once the ticket was returned by a citizen.
    case accept(department: String, leader: String?)
    case returnAsNotDuty(department: String, reason: String)
    case requestExtension(department: String, reason: String, workingDays: Int)
    case fileStagedPlan(department: String, milestones: [Milestone])
    case completeMilestone(department: String, index: Int)
    case reply(department: String, text: String)
    /// Arbitration of a disputed assignment: keep it with its unit, or move the duty.
    case arbitrate(assignment: Int64, moveTo: String?)
    /// A human dispatcher decides a triage ticket.
    case assignFromTriage(units: [RoutedUnit])
    /// The callback worker told the citizen of the reply and asked for an evaluation.
    case requestEvaluation
    case rate(Rating)
    /// The citizen of `reporter`, a report linked to this ticket, rates its handling: any
    /// reporter's dissatisfaction is the incident's (不满意回退), a satisfied one closes nothing.
    case rateForLinkedReport(reporter: UUID, rating: Rating)
    case recordVisit(solved: Bool)
    /// A dispatcher finds a linked report is not the parent's incident: it goes to manual triage on its own.
    case unlink(reason: String)

    public var name: String {
        switch self {
        case .accept: "accept"
        case .returnAsNotDuty: "return"
        case .requestExtension: "extension"
        case .fileStagedPlan: "staged-plan"
        case .completeMilestone: "milestone"
        case .reply: "reply"
        case .arbitrate: "arbitrate"
        case .assignFromTriage: "triage-assign"
        case .requestEvaluation: "request-evaluation"
        case .rate: "rate"
        case .rateForLinkedReport: "rate-for-linked-report"
        case .recordVisit: "visit"
        case .unlink: "unlink"
        }
    }
}

/// The citizen's evaluation in the four dimensions of seed 004, each 1–5.
public struct Rating: Sendable, Hashable, Codable {
    public var speed: Int
    public var effect: Int
    public var service: Int
    public var quality: Int
    /// The citizen's words, kept with the rating; not part of the verdict.
    public var comment: String?

    public init(speed: Int, effect: Int, service: Int, quality: Int, comment: String? = nil) {
        self.speed = speed
        self.effect = effect
        self.service = service
        self.quality = quality
        self.comment = comment
    }

    public var dimensions: [(name: String, score: Int)] {
        [("speed", speed), ("effect", effect), ("service", service), ("quality", quality)]
    }

    /// The one rule for "unsatisfied": any dimension at 2 or below. A citizen who
    /// says the problem is not solved (effect) cannot be outvoted by a polite reply.
    public var isSatisfied: Bool { dimensions.allSatisfy { $0.score >= 3 } }

    /// The timeline's record of it.
    public func timelineDetail(round: Int) -> [String: JSONValue] {
        ["speed": .number(Double(speed)), "effect": .number(Double(effect)), "service": .number(Double(service)),
         "quality": .number(Double(quality)), "satisfied": .bool(isSatisfied), "round": .number(Double(round))]
    }
}

/// An SLA effect of a transition, for the store to apply to its clocks.
public enum ClockChange: Sendable, Hashable {
    case stopDispatch
    case stopIntervention
    /// A reply clock for the assignment (an id, or the new assignment for a department).
    case startReply(assignment: AssignmentKey, dueAt: Date)
    case stopReply(assignment: AssignmentKey)
    /// Every open reply clock of the ticket now ends at `dueAt`.
    case moveReplies(dueAt: Date)
    case startMilestones(assignment: Int64, milestones: [Milestone])
    case stopMilestone(assignment: Int64, index: Int)
    case stopMilestones(assignment: Int64)
}

public enum AssignmentKey: Sendable, Hashable {
    case existing(Int64)
    case new(department: String)
}

/// A record of supervision (督办) a transition opens.
public enum SupervisionKind: String, Sendable, Hashable, Codable {
    case overdue, escalated, milestone
    /// A second dissatisfied rating: the supervision office follows the ticket (专项督办).
    case special
}

/// One timeline row a transition writes.
public struct TimelineEntry: Sendable, Hashable {
    public var kind: TicketEventKind
    public var department: String?
    public var detail: [String: JSONValue]

    public init(_ kind: TicketEventKind, department: String? = nil, _ detail: [String: JSONValue] = [:]) {
        self.kind = kind
        self.department = department
        self.detail = detail
    }
}

/// Everything one legal command changes.
public struct Transition: Sendable, Hashable {
    public var status: TicketStatus
    public var round: Int
    public var extensions: Int
    public var replyDueAt: Date?
    public var visitOpen: Bool
    public var assignmentStatus: [Int64: AssignmentStatus] = [:]
    /// Units to assign and queue.
    public var newAssignments: [RoutedUnit] = []
    /// Existing assignments to put back on their unit's queue.
    public var requeue: [Int64] = []
    public var events: [TimelineEntry] = []
    public var clocks: [ClockChange] = []
    public var supervision: SupervisionKind?
    /// When set, the ticket left the loop with this outcome.
    public var closedOutcome: String?

    init(from ticket: LifecycleTicket) {
        status = ticket.status
        round = ticket.round
        extensions = ticket.extensions
        replyDueAt = ticket.replyDueAt
        visitOpen = ticket.visitOpen
    }
}

/// Why a command was refused.
public enum LifecycleError: Error, Sendable, Hashable {
    /// The command does not apply in the current state (HTTP 409).
    case illegal(command: String, ticketStatus: TicketStatus, assignmentStatus: AssignmentStatus?)
    /// The department holds no part of this ticket (HTTP 404: nothing to see).
    case notAssigned(department: String)
    /// A field of the command is wrong (HTTP 422).
    case invalid(field: String, reason: String)
    /// A limit of the rules is reached (HTTP 409), e.g. the third extension.
    case limitReached(String)
}

/// The one place that decides every transition of a ticket and its assignments.
public enum Lifecycle {
    /// At most this many extensions per ticket (seed 003).
    public static let maxExtensions = 2
    public static let maxExtensionDays = 15
    public static let maxMilestones = 12

    public static func apply(
        _ command: TicketCommand, to ticket: LifecycleTicket, now: Date, calendar: WorkingCalendar
    ) -> Result<Transition, LifecycleError> {
        do {
            return .success(try transition(command, ticket, now, calendar))
        } catch let error as LifecycleError {
            return .failure(error)
        } catch {
            preconditionFailure("only LifecycleError is thrown")
        }
    }

    private static func transition(
        _ command: TicketCommand, _ ticket: LifecycleTicket, _ now: Date, _ calendar: WorkingCalendar
    ) throws -> Transition {
        var step = Step(command: command, ticket: ticket, now: now, calendar: calendar)
        switch command {
        case .accept(let department, let leader): try step.accept(department, leader)
        case .returnAsNotDuty(let department, let reason): try step.returnAsNotDuty(department, reason)
        case .arbitrate(let assignmentID, let moveTo): try step.arbitrate(assignmentID, moveTo)
        case .assignFromTriage(let units): try step.assignFromTriage(units)
        case .requestExtension(let department, let reason, let days): try step.requestExtension(department, reason, days)
        case .fileStagedPlan(let department, let milestones): try step.fileStagedPlan(department, milestones)
        case .completeMilestone(let department, let index): try step.completeMilestone(department, index)
        case .reply(let department, let text): try step.reply(department, text)
        case .requestEvaluation: try step.requestEvaluation()
        case .rate(let rating): try step.rate(rating)
        case .rateForLinkedReport(let reporter, let rating): try step.rateForLinkedReport(reporter, rating)
        case .recordVisit(let solved): try step.recordVisit(solved)
        case .unlink(let reason): try step.unlink(reason)
        }
        return step.next
    }

    static func check(_ rating: Rating) throws {
        for (name, score) in rating.dimensions where !(1...5).contains(score) {
            throw LifecycleError.invalid(field: name, reason: "an integer from 1 to 5")
        }
    }

    static func close(_ next: inout Transition, outcome: String) {
        next.status = .closed
        next.closedOutcome = outcome
        next.events.append(TimelineEntry(.closed, ["outcome": .string(outcome)]))
    }

    /// The first dissatisfaction returns the ticket to its lead unit with a shorter
    /// limit and a leader named at acceptance; the second puts it under special
    /// supervision; after that the supervision office owns the case and the loop closes.
    static func returnForDissatisfaction(_ ticket: LifecycleTicket, _ next: inout Transition, now: Date, calendar: WorkingCalendar, why: String) {
        guard ticket.round < 3, let lead = ticket.lead else {
            close(&next, outcome: "unsatisfied")
            return
        }
        let due = calendar.deadline(addingWorkingDays: SLAPolicy.returnLimit(ticket.type), to: now)
        next.round = ticket.round + 1
        next.status = .reopened
        next.visitOpen = false
        next.replyDueAt = due.at
        next.assignmentStatus[lead.id] = .queued
        next.requeue = [lead.id]
        next.clocks.append(.startReply(assignment: .existing(lead.id), dueAt: due.at))
        if next.round == 3 {
            next.supervision = .special
            next.events.append(TimelineEntry(.specialSupervision, department: lead.department, ["due_at": .date(due.at), "because": .string(why)]))
        } else {
            next.events.append(TimelineEntry(.dissatisfactionReturn, department: lead.department, ["due_at": .date(due.at), "because": .string(why)]))
        }
    }
}
