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
public enum SupervisionKind: String, Sendable, Hashable {
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
        var next = Transition(from: ticket)
        func illegal(_ assignment: LifecycleAssignment? = nil) -> LifecycleError {
            .illegal(command: command.name, ticketStatus: ticket.status, assignmentStatus: assignment?.status)
        }
        func part(of department: String) throws -> LifecycleAssignment {
            guard let part = ticket.active.first(where: { $0.department == department }) else { throw LifecycleError.notAssigned(department: department) }
            return part
        }
        func required(_ field: String, _ text: String, max: Int = 2000) throws -> String {
            let trimmed = text.trimmedOfWhitespace
            guard !trimmed.isEmpty else { throw LifecycleError.invalid(field: field, reason: "required") }
            guard trimmed.count <= max else { throw LifecycleError.invalid(field: field, reason: "at most \(max) characters") }
            return trimmed
        }
        let handling: Set<TicketStatus> = [.dispatched, .accepted, .staged, .reopened]

        switch command {
        case .accept(let department, let leader):
            let part = try part(of: department)
            guard handling.contains(ticket.status), part.status == .queued else { throw illegal(part) }
            var detail: [String: JSONValue] = ["role": .string(part.role.rawValue), "round": .number(Double(ticket.round))]
            if ticket.round > 1 && part.role == .lead {
                guard let leader else { throw LifecycleError.invalid(field: "leader", reason: "a returned ticket needs the unit leader in charge") }
                detail["leader"] = .string(try required("leader", leader, max: 100))
            }
            next.assignmentStatus[part.id] = .accepted
            if part.role == .lead {
                next.status = .accepted
                if ticket.urgent && ticket.round == 1 { next.clocks.append(.stopIntervention) }
            }
            next.events.append(TimelineEntry(.accepted, department: department, detail))

        case .returnAsNotDuty(let department, let reason):
            let part = try part(of: department)
            guard handling.contains(ticket.status), ticket.round == 1, [.queued, .accepted].contains(part.status) else { throw illegal(part) }
            next.assignmentStatus[part.id] = .disputed
            next.events.append(TimelineEntry(.returned, department: department, ["reason": .string(try required("reason", reason))]))

        case .arbitrate(let assignmentID, let moveTo):
            guard let part = ticket.active.first(where: { $0.id == assignmentID }), part.status == .disputed else {
                throw illegal(ticket.assignments.first { $0.id == assignmentID })
            }
            if let moveTo, moveTo != part.department {
                guard !ticket.active.contains(where: { $0.department == moveTo }) else {
                    throw LifecycleError.invalid(field: "department", reason: "\(moveTo) already holds a part of this ticket")
                }
                next.assignmentStatus[part.id] = .released
                next.newAssignments = [RoutedUnit(departmentCode: moveTo, role: part.role)]
                next.clocks.append(.stopReply(assignment: .existing(part.id)))
                if let due = ticket.replyDueAt { next.clocks.append(.startReply(assignment: .new(department: moveTo), dueAt: due)) }
                if part.role == .lead && ticket.status == .accepted { next.status = .dispatched }
                next.events.append(TimelineEntry(.arbitrated, department: part.department, ["moved_to": .string(moveTo)]))
            } else {
                next.assignmentStatus[part.id] = .queued
                next.requeue = [part.id]
                if part.role == .lead && ticket.status == .accepted { next.status = .dispatched }
                next.events.append(TimelineEntry(.arbitrated, department: part.department, ["kept": .bool(true)]))
            }

        case .assignFromTriage(let units):
            guard ticket.status == .triage else { throw illegal() }
            guard units.filter({ $0.role == .lead }).count == 1 else { throw LifecycleError.invalid(field: "departments", reason: "exactly one lead unit") }
            guard Set(units.map(\.departmentCode)).count == units.count else { throw LifecycleError.invalid(field: "departments", reason: "a unit is listed twice") }
            next.status = .dispatched
            next.newAssignments = units
            next.clocks.append(.stopDispatch)
            if let due = ticket.replyDueAt {
                next.clocks += units.map { .startReply(assignment: .new(department: $0.departmentCode), dueAt: due) }
            }
            next.events.append(TimelineEntry(.dispatched, ["by": .string("dispatcher")]))

        case .requestExtension(let department, let reason, let days):
            let part = try part(of: department)
            guard part.role == .lead, [.accepted, .reopened].contains(ticket.status), part.status == .accepted else { throw illegal(part) }
            guard ticket.extensions < maxExtensions else { throw LifecycleError.limitReached("at most \(maxExtensions) extensions per ticket") }
            guard (1...maxExtensionDays).contains(days) else { throw LifecycleError.invalid(field: "working_days", reason: "between 1 and \(maxExtensionDays)") }
            let reasonText = try required("reason", reason)
            guard let due = ticket.replyDueAt else { throw illegal(part) }
            guard due > now else { throw LifecycleError.limitReached("the deadline has passed; an extension is asked for before it") }
            // The new deadline counts working days on from the old one.
            let moved = calendar.deadline(addingWorkingDays: days, to: due.addingTimeInterval(-1))
            next.extensions += 1
            next.replyDueAt = moved.at
            next.clocks.append(.moveReplies(dueAt: moved.at))
            next.events.append(TimelineEntry(.extended, department: department, [
                "reason": .string(reasonText), "working_days": .number(Double(days)), "due_at": .date(moved.at),
                "extension": .number(Double(next.extensions)), "provisional": .bool(moved.provisional),
            ]))

        case .fileStagedPlan(let department, let milestones):
            let part = try part(of: department)
            guard part.role == .lead, ticket.status == .accepted, part.status == .accepted else { throw illegal(part) }
            guard (1...maxMilestones).contains(milestones.count) else {
                throw LifecycleError.invalid(field: "milestones", reason: "between 1 and \(maxMilestones) milestones")
            }
            for (index, milestone) in milestones.enumerated() {
                _ = try required("milestones[\(index)].title", milestone.title, max: 200)
                guard milestone.dueAt > now else { throw LifecycleError.invalid(field: "milestones[\(index)].due_at", reason: "must be in the future") }
                if index > 0, milestone.dueAt <= milestones[index - 1].dueAt {
                    throw LifecycleError.invalid(field: "milestones[\(index)].due_at", reason: "must come after the previous milestone")
                }
            }
            next.status = .staged
            next.assignmentStatus[part.id] = .staged
            next.clocks += [.stopReply(assignment: .existing(part.id)), .startMilestones(assignment: part.id, milestones: milestones)]
            next.events.append(TimelineEntry(.staged, department: department, [
                "milestones": .array(milestones.map { .object(["title": .string($0.title), "due_at": .date($0.dueAt)]) }),
            ]))

        case .completeMilestone(let department, let index):
            let part = try part(of: department)
            guard ticket.status == .staged, part.status == .staged else { throw illegal(part) }
            next.clocks.append(.stopMilestone(assignment: part.id, index: index))
            next.events.append(TimelineEntry(.milestoneDone, department: department, ["index": .number(Double(index))]))

        case .reply(let department, let text):
            let part = try part(of: department)
            guard handling.contains(ticket.status), [.accepted, .staged, .disputed].contains(part.status) else { throw illegal(part) }
            next.assignmentStatus[part.id] = .replied
            next.clocks.append(.stopReply(assignment: .existing(part.id)))
            if part.status == .staged { next.clocks.append(.stopMilestones(assignment: part.id)) }
            next.events.append(TimelineEntry(.unitReplied, department: department, [
                "role": .string(part.role.rawValue), "text": .string(try required("text", text, max: 4000)), "round": .number(Double(ticket.round)),
            ]))
            // Replied once the lead and every co-handler have sent their part.
            let done = ticket.active.allSatisfy { $0.id == part.id || $0.status == .replied }
            if done {
                next.status = .replied
                next.visitOpen = [.complaint, .report].contains(ticket.type)
                next.events.append(TimelineEntry(.replied, ["round": .number(Double(ticket.round))]))
            }

        case .requestEvaluation:
            guard ticket.status == .replied else { throw illegal() }
            next.status = .callback
            next.events.append(TimelineEntry(.evaluationRequested, ["visit": .bool(ticket.visitOpen)]))

        case .rate(let rating):
            guard [.replied, .callback].contains(ticket.status) else { throw illegal() }
            try check(rating)
            next.events.append(TimelineEntry(.rated, rating.timelineDetail(round: ticket.round)))
            if rating.isSatisfied {
                if ticket.visitOpen {
                    next.status = .rated
                } else {
                    close(&next, outcome: "satisfied")
                }
            } else {
                returnForDissatisfaction(ticket, &next, now: now, calendar: calendar, why: "rating")
            }

        case .rateForLinkedReport(let reporter, let rating):
            // Until the ticket closes: its own citizen may have rated already, the visit may still be open.
            guard [.replied, .callback, .rated].contains(ticket.status) else { throw illegal() }
            try check(rating)
            var detail = rating.timelineDetail(round: ticket.round)
            detail["report"] = .string(reporter.uuidString.lowercased())
            next.events.append(TimelineEntry(.linkedReportRated, detail))
            if !rating.isSatisfied { returnForDissatisfaction(ticket, &next, now: now, calendar: calendar, why: "linked report's rating") }

        case .recordVisit(let solved):
            guard ticket.visitOpen, [.replied, .callback, .rated].contains(ticket.status) else { throw illegal() }
            next.visitOpen = false
            next.events.append(TimelineEntry(.visited, ["solved": .bool(solved)]))
            if !solved {
                returnForDissatisfaction(ticket, &next, now: now, calendar: calendar, why: "visit")
            } else if ticket.status == .rated {
                close(&next, outcome: "satisfied")
            }

        case .unlink(let reason):
            guard ticket.status == .linked else { throw illegal() }
            next.status = .triage
            next.events.append(TimelineEntry(.unlinked, ["reason": .string(try required("reason", reason, max: 500))]))
        }
        return next
    }

    private static func check(_ rating: Rating) throws {
        for (name, score) in rating.dimensions where !(1...5).contains(score) {
            throw LifecycleError.invalid(field: name, reason: "an integer from 1 to 5")
        }
    }

    private static func close(_ next: inout Transition, outcome: String) {
        next.status = .closed
        next.closedOutcome = outcome
        next.events.append(TimelineEntry(.closed, ["outcome": .string(outcome)]))
    }

    /// The first dissatisfaction returns the ticket to its lead unit with a shorter
    /// limit and a leader named at acceptance; the second puts it under special
    /// supervision; after that the supervision office owns the case and the loop closes.
    private static func returnForDissatisfaction(_ ticket: LifecycleTicket, _ next: inout Transition, now: Date, calendar: WorkingCalendar, why: String) {
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
