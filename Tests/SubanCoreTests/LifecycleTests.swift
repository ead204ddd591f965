import Foundation
import Testing
@testable import SubanCore

@Suite struct LifecycleTests {
    static let calendar = WorkingCalendar.china
    /// Monday 2025-09-22, 10:00 Beijing: the National Day holiday (Oct 1–8) lies ahead.
    static let now = WorkingCalendarTests.beijing("2025-09-22", 10)

    static let lead = LifecycleAssignment(id: 1, department: "city:urban-management", role: .lead, status: .queued)
    static let co = LifecycleAssignment(id: 2, department: "futian:housing", role: .coHandler, status: .queued)

    static func ticket(_ status: TicketStatus, type: AppealType = .complaint, lead: AssignmentStatus = .queued, co: AssignmentStatus? = nil,
                       round: Int = 1, extensions: Int = 0, visitOpen: Bool = false, urgent: Bool = false) -> LifecycleTicket {
        var assignments = [LifecycleAssignment(id: 1, department: Self.lead.department, role: .lead, status: lead)]
        if let co { assignments.append(LifecycleAssignment(id: 2, department: Self.co.department, role: .coHandler, status: co)) }
        return LifecycleTicket(status: status, type: type, urgent: urgent, round: round, extensions: extensions,
                               replyDueAt: WorkingCalendarTests.beijing("2025-10-20", 0), visitOpen: visitOpen, assignments: assignments)
    }

    static func apply(_ command: TicketCommand, _ ticket: LifecycleTicket) -> Result<Transition, LifecycleError> {
        Lifecycle.apply(command, to: ticket, now: now, calendar: calendar)
    }

    static let leadDept = lead.department
    static let coDept = co.department
    static let satisfied = Rating(speed: 5, effect: 4, service: 5, quality: 3)
    static let unsatisfied = Rating(speed: 5, effect: 2, service: 5, quality: 5)
    static let reporter = UUID(uuidString: "0b9e4f4e-5d1a-4c36-9a51-2f3b7c1d8e02")!

    /// (command, ticket before, expected ticket status after) for legal transitions.
    @Test(arguments: [
        (TicketCommand.accept(department: leadDept, leader: nil), ticket(.dispatched), TicketStatus.accepted),
        (.accept(department: coDept, leader: nil), ticket(.dispatched, co: .queued), .dispatched),
        (.returnAsNotDuty(department: leadDept, reason: "属市场监管职责"), ticket(.dispatched), .dispatched),
        (.reply(department: leadDept, text: "已处理"), ticket(.accepted, lead: .accepted), .replied),
        (.reply(department: leadDept, text: "已处理"), ticket(.accepted, lead: .accepted, co: .accepted), .accepted),
        (.reply(department: coDept, text: "配合完成"), ticket(.accepted, lead: .replied, co: .accepted), .replied),
        (.reply(department: leadDept, text: "争议期间仍须答复"), ticket(.dispatched, lead: .disputed), .replied),
        (.requestEvaluation, ticket(.replied, lead: .replied), .callback),
        (.rate(satisfied), ticket(.callback, type: .consultation, lead: .replied), .closed),
        (.rate(satisfied), ticket(.callback, lead: .replied, visitOpen: true), .rated),
        (.recordVisit(solved: true), ticket(.rated, lead: .replied, visitOpen: true), .closed),
        (.recordVisit(solved: true), ticket(.callback, lead: .replied, visitOpen: true), .callback),
        (.rate(unsatisfied), ticket(.callback, lead: .replied), .reopened),
        (.recordVisit(solved: false), ticket(.rated, lead: .replied, visitOpen: true), .reopened),
        (.rate(unsatisfied), ticket(.callback, lead: .replied, round: 2), .reopened),
        (.rate(unsatisfied), ticket(.callback, lead: .replied, round: 3), .closed),
        // A linked report's citizen: dissatisfied returns the incident, satisfied closes nothing, even after the ticket's own citizen rated.
        (.rateForLinkedReport(reporter: reporter, rating: unsatisfied), ticket(.callback, lead: .replied), .reopened),
        (.rateForLinkedReport(reporter: reporter, rating: unsatisfied), ticket(.rated, lead: .replied, visitOpen: true), .reopened),
        (.rateForLinkedReport(reporter: reporter, rating: satisfied), ticket(.callback, lead: .replied, visitOpen: true), .callback),
        (.accept(department: leadDept, leader: "王科长"), ticket(.reopened, round: 2), .accepted),
        (.arbitrate(assignment: 1, moveTo: "city:market-supervision"), ticket(.accepted, lead: .disputed), .dispatched),
        (.arbitrate(assignment: 1, moveTo: nil), ticket(.dispatched, lead: .disputed), .dispatched),
        (.assignFromTriage(units: [RoutedUnit(departmentCode: leadDept, role: .lead)]), LifecycleTicket(status: .triage, type: .help), .dispatched),
    ])
    func legalTransitions(_ command: TicketCommand, _ before: LifecycleTicket, _ after: TicketStatus) throws {
        let transition = try Self.apply(command, before).get()
        #expect(transition.status == after, "\(command.name) from \(before.status)")
        #expect(!transition.events.isEmpty, "every transition is a timeline event")
    }

    /// Commands that must be refused, with the error kind.
    @Test(arguments: [
        (TicketCommand.accept(department: leadDept, leader: nil), ticket(.received), "illegal"),
        (.accept(department: leadDept, leader: nil), ticket(.accepted, lead: .accepted), "illegal"),
        (.accept(department: "city:education", leader: nil), ticket(.dispatched), "not-assigned"),
        (.accept(department: leadDept, leader: nil), ticket(.reopened, round: 2), "invalid:leader"),
        (.reply(department: leadDept, text: "x"), ticket(.dispatched), "illegal"),
        (.reply(department: leadDept, text: "   "), ticket(.accepted, lead: .accepted), "invalid:text"),
        (.reply(department: leadDept, text: "again"), ticket(.replied, lead: .replied), "illegal"),
        (.returnAsNotDuty(department: leadDept, reason: ""), ticket(.dispatched), "invalid:reason"),
        (.returnAsNotDuty(department: leadDept, reason: "not ours"), ticket(.reopened, round: 2), "illegal"),
        (.requestExtension(department: leadDept, reason: "案情复杂", workingDays: 5), ticket(.accepted, lead: .accepted, extensions: 2), "limit"),
        (.requestExtension(department: leadDept, reason: "案情复杂", workingDays: 0), ticket(.accepted, lead: .accepted), "invalid:working_days"),
        (.requestExtension(department: coDept, reason: "案情复杂", workingDays: 3), ticket(.accepted, lead: .accepted, co: .accepted), "illegal"),
        (.requestExtension(department: leadDept, reason: "案情复杂", workingDays: 3), ticket(.dispatched), "illegal"),
        (.fileStagedPlan(department: leadDept, milestones: []), ticket(.accepted, lead: .accepted), "invalid:milestones"),
        (.rate(satisfied), ticket(.accepted, lead: .accepted), "illegal"),
        (.rate(Rating(speed: 6, effect: 3, service: 3, quality: 3)), ticket(.callback, lead: .replied), "invalid:speed"),
        (.rate(satisfied), ticket(.closed, lead: .replied), "illegal"),
        (.rateForLinkedReport(reporter: reporter, rating: unsatisfied), ticket(.closed, lead: .replied), "illegal"),
        (.rateForLinkedReport(reporter: reporter, rating: satisfied), ticket(.accepted, lead: .accepted), "illegal"),
        (.recordVisit(solved: true), ticket(.callback, lead: .replied), "illegal"),
        (.requestEvaluation, ticket(.accepted, lead: .accepted), "illegal"),
        (.arbitrate(assignment: 1, moveTo: nil), ticket(.accepted, lead: .accepted), "illegal"),
        (.arbitrate(assignment: 1, moveTo: coDept), ticket(.accepted, lead: .disputed, co: .accepted), "invalid:department"),
        (.assignFromTriage(units: [RoutedUnit(departmentCode: coDept, role: .coHandler)]), LifecycleTicket(status: .triage, type: .help), "invalid:departments"),
        (.assignFromTriage(units: [RoutedUnit(departmentCode: leadDept, role: .lead)]), ticket(.dispatched), "illegal"),
    ])
    func refusedCommands(_ command: TicketCommand, _ before: LifecycleTicket, _ expected: String) {
        let kind: String
        switch Self.apply(command, before) {
        case .success: kind = "success"
        case .failure(.illegal(let name, let status, _)):
            kind = "illegal"
            #expect(name == command.name && status == before.status, "the error carries the current state")
        case .failure(.notAssigned): kind = "not-assigned"
        case .failure(.invalid(let field, _)): kind = "invalid:\(field)"
        case .failure(.limitReached): kind = "limit"
        }
        #expect(kind == expected, "\(command.name) from \(before.status)")
    }

    @Test func extensionCountsWorkingDaysOnFromTheOldDeadlineAcrossNationalDay() throws {
        // Due at the end of Friday 2025-09-26; +5 working days skips the weekend, Oct 1–8 off and counts
        // Sunday Sep 28 (a make-up working day): Sep 28, 29, 30, Oct 9, 10 → end of Friday Oct 10.
        var ticket = Self.ticket(.accepted, lead: .accepted)
        ticket.replyDueAt = WorkingCalendarTests.beijing("2025-09-27", 0)
        let transition = try Self.apply(.requestExtension(department: Self.leadDept, reason: "需要多部门现场核查", workingDays: 5), ticket).get()
        #expect(transition.replyDueAt == WorkingCalendarTests.beijing("2025-10-11", 0))
        #expect(transition.extensions == 1)
        #expect(transition.clocks == [.moveReplies(dueAt: WorkingCalendarTests.beijing("2025-10-11", 0))])
    }

    @Test func extensionAfterTheDeadlineIsRefused() {
        var ticket = Self.ticket(.accepted, lead: .accepted)
        ticket.replyDueAt = Self.now.addingTimeInterval(-60)
        guard case .failure(.limitReached) = Self.apply(.requestExtension(department: Self.leadDept, reason: "晚了", workingDays: 2), ticket) else {
            Issue.record("an extension after the deadline must be refused")
            return
        }
    }

    @Test func dissatisfactionReturnsToTheLeadWithAShorterLimitThenSpecialSupervision() throws {
        let first = try Self.apply(.rate(Self.unsatisfied), Self.ticket(.callback, type: .complaint, lead: .replied, co: .replied)).get()
        #expect(first.round == 2 && first.status == .reopened && first.supervision == nil)
        #expect(first.assignmentStatus == [1: .queued] && first.requeue == [1], "only the lead re-handles")
        // Complaint limit 15 → 7 working days from Monday Sep 22: Sep 23–26, 28, 29, 30 → end of Sep 30.
        #expect(first.replyDueAt == WorkingCalendarTests.beijing("2025-10-01", 0))
        #expect(first.events.map(\.kind) == [.rated, .dissatisfactionReturn])

        let second = try Self.apply(.rate(Self.unsatisfied), Self.ticket(.callback, lead: .replied, round: 2)).get()
        #expect(second.round == 3 && second.supervision == .special)
        #expect(second.events.map(\.kind) == [.rated, .specialSupervision])
    }

    @Test func staysRepliedOnlyWhenEveryCoHandlerAnswered() throws {
        var ticket = Self.ticket(.accepted, lead: .accepted, co: .accepted)
        let leadPart = try Self.apply(.reply(department: Self.leadDept, text: "主办答复"), ticket).get()
        #expect(leadPart.status == .accepted)
        ticket.assignments[0].status = .replied
        let coPart = try Self.apply(.reply(department: Self.coDept, text: "协办意见"), ticket).get()
        #expect(coPart.status == .replied && coPart.visitOpen, "a complaint's reply opens a callback visit")
        #expect(coPart.events.map(\.kind) == [.unitReplied, .replied])
    }

    @Test func stagedPlanStopsTheReplyClockAndTracksMilestones() throws {
        let milestones = [Milestone(title: "完成加装电梯意见征集", dueAt: Self.now.addingTimeInterval(86_400 * 30)),
                          Milestone(title: "电梯安装完成", dueAt: Self.now.addingTimeInterval(86_400 * 120))]
        let transition = try Self.apply(.fileStagedPlan(department: Self.leadDept, milestones: milestones), Self.ticket(.accepted, lead: .accepted)).get()
        #expect(transition.status == .staged)
        #expect(transition.clocks == [.stopReply(assignment: .existing(1)), .startMilestones(assignment: 1, milestones: milestones)])
        let backwards = [milestones[1], milestones[0]]
        guard case .failure(.invalid(let field, _)) = Self.apply(.fileStagedPlan(department: Self.leadDept, milestones: backwards),
                                                                 Self.ticket(.accepted, lead: .accepted)) else {
            Issue.record("milestones out of order must be refused")
            return
        }
        #expect(field == "milestones[1].due_at")
    }

    @Test func urgentAcceptanceStopsTheInterventionClock() throws {
        let transition = try Self.apply(.accept(department: Self.leadDept, leader: nil), Self.ticket(.dispatched, urgent: true)).get()
        #expect(transition.clocks == [.stopIntervention])
    }

    @Test(arguments: [
        (Rating(speed: 3, effect: 3, service: 3, quality: 3), true),
        (Rating(speed: 5, effect: 5, service: 5, quality: 2), false),
        (Rating(speed: 1, effect: 5, service: 5, quality: 5), false),
        (Rating(speed: 4, effect: 4, service: 4, quality: 4), true),
    ])
    func satisfactionRule(_ rating: Rating, _ satisfied: Bool) {
        #expect(rating.isSatisfied == satisfied)
    }
}

@Suite struct SweepPolicyTests {
    static let start = Date(timeIntervalSince1970: 1_750_000_000)
    static let clock = SLAClock(kind: .reply, startsAt: start, dueAt: start.addingTimeInterval(1000))
    static let policy = SweepPolicy(warningShare: 0.75, escalateAfter: 500)

    struct Case: Sendable, CustomTestStringConvertible {
        var at: Double
        var fired: Set<SLAClock.Stage>
        var expected: [SLAClock.Stage]
        var next: Double?
        var testDescription: String { "at \(at)s after \(fired.map(\.rawValue).sorted())" }
    }

    /// Seconds after start, stages already fired, stages expected to fire, next look (seconds after start).
    static let cases: [Case] = [
        Case(at: 0, fired: [], expected: [], next: 750),
        Case(at: 750, fired: [], expected: [.warning], next: 1000),
        Case(at: 800, fired: [.warning], expected: [], next: 1000),
        Case(at: 1000, fired: [.warning], expected: [.overdue], next: 1500),
        Case(at: 1200, fired: [], expected: [.overdue], next: 1500),   // after downtime the stale warning is not sent
        Case(at: 2000, fired: [], expected: [.overdue, .escalation], next: nil),
        Case(at: 1600, fired: [.warning, .overdue], expected: [.escalation], next: nil),
        Case(at: 9999, fired: [.warning, .overdue, .escalation], expected: [], next: nil),
    ]

    @Test(arguments: cases)
    func stagesFireOnceInOrder(_ c: Case) {
        var clock = Self.clock
        clock.fired = c.fired
        let result = Self.policy.sweep(clock, now: Self.start.addingTimeInterval(c.at))
        #expect(result.fire == c.expected)
        #expect(result.nextAt == c.next.map { Self.start.addingTimeInterval($0) })
        #expect(result.settled.isSuperset(of: c.fired))
    }
}
