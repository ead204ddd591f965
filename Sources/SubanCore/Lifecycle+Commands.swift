import Foundation

extension Lifecycle {
    /// One command worked out against the ticket it finds: one function a command, each
    /// checking the state it needs and writing what changes into `next`.
    struct Step {
        let command: TicketCommand
        let ticket: LifecycleTicket
        let now: Date
        let calendar: WorkingCalendar
        var next: Transition

        /// Where a unit is still working the ticket.
        static let handling: Set<TicketStatus> = [.dispatched, .accepted, .staged, .reopened]

        init(command: TicketCommand, ticket: LifecycleTicket, now: Date, calendar: WorkingCalendar) {
            self.command = command
            self.ticket = ticket
            self.now = now
            self.calendar = calendar
            self.next = Transition(from: ticket)
        }

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

        /// A unit signs for its part; a returned ticket's lead names the leader in charge.
        mutating func accept(_ department: String, _ leader: String?) throws {
            let part = try self.part(of: department)
            guard Self.handling.contains(ticket.status), part.status == .queued else { throw illegal(part) }
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
        }

        /// A unit says the ticket is not its duty (first round only); it keeps it until arbitration.
        mutating func returnAsNotDuty(_ department: String, _ reason: String) throws {
            let part = try self.part(of: department)
            guard Self.handling.contains(ticket.status), ticket.round == 1, [.queued, .accepted].contains(part.status) else { throw illegal(part) }
            next.assignmentStatus[part.id] = .disputed
            next.events.append(TimelineEntry(.returned, department: department, ["reason": .string(try required("reason", reason))]))
        }

        /// An operator decides a disputed part: moved to another unit, or kept.
        mutating func arbitrate(_ assignmentID: Int64, _ moveTo: String?) throws {
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
        }

        /// An operator dispatches a triaged ticket: exactly one lead.
        mutating func assignFromTriage(_ units: [RoutedUnit]) throws {
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
        }

        /// The lead asks for more working days before its deadline, at most `maxExtensions` times.
        mutating func requestExtension(_ department: String, _ reason: String, _ days: Int) throws {
            let part = try self.part(of: department)
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
        }

        /// The lead files milestones for work that cannot finish within the limit.
        mutating func fileStagedPlan(_ department: String, _ milestones: [Milestone]) throws {
            let part = try self.part(of: department)
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
        }

        /// The lead finishes one milestone of its staged plan.
        mutating func completeMilestone(_ department: String, _ index: Int) throws {
            let part = try self.part(of: department)
            guard ticket.status == .staged, part.status == .staged else { throw illegal(part) }
            next.clocks.append(.stopMilestone(assignment: part.id, index: index))
            next.events.append(TimelineEntry(.milestoneDone, department: department, ["index": .number(Double(index))]))
        }

        /// A unit sends its reply; the ticket is replied once every part has.
        mutating func reply(_ department: String, _ text: String) throws {
            let part = try self.part(of: department)
            guard Self.handling.contains(ticket.status), [.accepted, .staged, .disputed].contains(part.status) else { throw illegal(part) }
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
        }

        /// The callback role asks the citizen to rate the reply.
        mutating func requestEvaluation() throws {
            guard ticket.status == .replied else { throw illegal() }
            next.status = .callback
            next.events.append(TimelineEntry(.evaluationRequested, ["visit": .bool(ticket.visitOpen)]))
        }

        /// The citizen rates: satisfied closes (or waits for the visit), dissatisfied returns the ticket.
        mutating func rate(_ rating: Rating) throws {
            guard [.replied, .callback].contains(ticket.status) else { throw illegal() }
            try Lifecycle.check(rating)
            next.events.append(TimelineEntry(.rated, rating.timelineDetail(round: ticket.round)))
            if rating.isSatisfied {
                if ticket.visitOpen {
                    next.status = .rated
                } else {
                    Lifecycle.close(&next, outcome: "satisfied")
                }
            } else {
                Lifecycle.returnForDissatisfaction(ticket, &next, now: now, calendar: calendar, why: "rating")
            }
        }

        /// A linked report's citizen rates the incident: only dissatisfaction changes it.
        mutating func rateForLinkedReport(_ reporter: UUID, _ rating: Rating) throws {
            // Until the ticket closes: its own citizen may have rated already, the visit may still be open.
            guard [.replied, .callback, .rated].contains(ticket.status) else { throw illegal() }
            try Lifecycle.check(rating)
            var detail = rating.timelineDetail(round: ticket.round)
            detail["report"] = .string(reporter.uuidString.lowercased())
            next.events.append(TimelineEntry(.linkedReportRated, detail))
            if !rating.isSatisfied { Lifecycle.returnForDissatisfaction(ticket, &next, now: now, calendar: calendar, why: "linked report's rating") }
        }

        /// The callback visit's finding: unsolved returns the ticket, solved closes a rated one.
        mutating func recordVisit(_ solved: Bool) throws {
            guard ticket.visitOpen, [.replied, .callback, .rated].contains(ticket.status) else { throw illegal() }
            next.visitOpen = false
            next.events.append(TimelineEntry(.visited, ["solved": .bool(solved)]))
            if !solved {
                Lifecycle.returnForDissatisfaction(ticket, &next, now: now, calendar: calendar, why: "visit")
            } else if ticket.status == .rated {
                Lifecycle.close(&next, outcome: "satisfied")
            }
        }

        /// An operator finds a linked report is another problem: it goes to triage on its own.
        mutating func unlink(_ reason: String) throws {
            guard ticket.status == .linked else { throw illegal() }
            next.status = .triage
            next.events.append(TimelineEntry(.unlinked, ["reason": .string(try required("reason", reason, max: 500))]))
        }
    }
}
