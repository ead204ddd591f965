import Foundation
import Postgres
import SubanCore

/// Applies lifecycle commands to stored tickets: lock the ticket, ask
/// `Lifecycle` (the one place that decides), write what it decided — ticket,
/// assignments, clocks, supervision, timeline and outbox rows — in the caller's
/// transaction.
public enum LifecycleStore {
    public struct NotFound: Error, Sendable {}

    /// What a command did, for the caller to answer and to publish.
    public struct Applied: Sendable {
        public var status: TicketStatus
        public var round: Int
        public var replyDueAt: Date?
        public var events: [TicketEventKind]
        public var outbox: [OutboxMessage]
    }

    /// The ticket row and its assignments, locked until the transaction ends.
    public static func lock(_ ticketID: UUID, on connection: PostgresConnection) throws -> LifecycleTicket? {
        guard let row = try connection.query("""
            SELECT status, type, urgent, round, extensions, reply_due_at, visit_open FROM tickets WHERE id = $1 FOR UPDATE
            """, [ticketID]).first else { return nil }
        let assignments = try connection.query("""
            SELECT id, department_code, role, status FROM assignments WHERE ticket_id = $1 ORDER BY id
            """, [ticketID]).map { row in
            LifecycleAssignment(id: try row.decode("id"), department: try row.decode("department_code"),
                                role: try row.decode("role"), status: try row.decode("status"))
        }
        return LifecycleTicket(status: try row.decode("status"), type: try row.decode("type"), urgent: try row.decode("urgent"),
                               round: try row.decode("round"), extensions: try row.decode("extensions"),
                               replyDueAt: try row.decodeIfPresent("reply_due_at"), visitOpen: try row.decode("visit_open"),
                               assignments: assignments)
    }

    /// Runs `command` against the ticket. Throws `NotFound`, or `LifecycleError` when the rules refuse it.
    static func record(_ rating: Rating, of ticketID: UUID, round: Int, on connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO ratings (ticket_id, round, speed, effect, service, quality, satisfied, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [ticketID, round, rating.speed, rating.effect, rating.service, rating.quality, rating.isSatisfied, rating.comment])
    }

    public static func perform(
        _ command: TicketCommand, ticketID: UUID, now: Date = Date(), calendar: WorkingCalendar,
        on connection: PostgresConnection
    ) throws -> Applied {
        guard let ticket = try lock(ticketID, on: connection) else { throw NotFound() }
        if case .rateForLinkedReport(let reporter, _) = command,
           try !connection.query("SELECT 1 FROM ratings WHERE ticket_id = $1 AND round = $2", [reporter, ticket.round]).isEmpty {
            throw LifecycleError.limitReached("this report has already rated round \(ticket.round)")
        }
        let transition = try Lifecycle.apply(command, to: ticket, now: now, calendar: calendar).get()
        var outbox: [OutboxMessage] = []

        var leader: String?
        if case .accept(_, let named) = command, ticket.round > 1 { leader = named }
        try connection.query("""
            UPDATE tickets SET status = $2, round = $3, extensions = $4, reply_due_at = $5, visit_open = $6,
                leader = coalesce($7, leader), outcome = coalesce($8, outcome),
                closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END, updated_at = now()
            WHERE id = $1
            """, [ticketID, transition.status.rawValue, transition.round, transition.extensions, transition.replyDueAt,
                  transition.visitOpen, leader, transition.closedOutcome])

        for (id, status) in transition.assignmentStatus.sorted(by: { $0.key < $1.key }) {
            try connection.query("UPDATE assignments SET status = $2, updated_at = now() WHERE id = $1", [id, status.rawValue])
        }
        var created: [String: Int64] = [:]
        for unit in transition.newAssignments {
            let id: Int64 = try connection.query("""
                INSERT INTO assignments (ticket_id, department_code, role) VALUES ($1, $2, $3) RETURNING id
                """, [ticketID, unit.departmentCode, unit.role.rawValue]).first!.decode("id")
            created[unit.departmentCode] = id
        }
        let queued = Array(created.values) + transition.requeue
        outbox += try enqueue(assignments: queued, on: connection)

        for change in transition.clocks {
            try apply(change, ticketID: ticketID, created: created, on: connection)
        }
        if case .rate(let rating) = command {
            try record(rating, of: ticketID, round: ticket.round, on: connection)
        }
        if case .rateForLinkedReport(let reporter, let rating) = command {
            // The report's own rating and its own timeline step; the incident's consequences are the parent's events.
            try record(rating, of: reporter, round: ticket.round, on: connection)
            try connection.query("INSERT INTO ticket_events (ticket_id, kind, detail) VALUES ($1, $2, $3::jsonb)",
                                 [reporter, TicketEventKind.rated, JSONValue.object(rating.timelineDetail(round: ticket.round)).serialized])
        }
        if case .requestEvaluation = command, ticket.visitOpen {
            try connection.query("""
                INSERT INTO callback_visits (ticket_id, round) VALUES ($1, $2) ON CONFLICT (ticket_id, round) DO NOTHING
                """, [ticketID, ticket.round])
        }
        if case .recordVisit(let solved) = command {
            try connection.query("""
                UPDATE callback_visits SET done_at = now(), solved = $2 WHERE ticket_id = $1 AND done_at IS NULL
                """, [ticketID, solved])
        }
        if case .unlink = command {
            try connection.query("UPDATE tickets SET parent_id = NULL WHERE id = $1", [ticketID])
        }
        if let kind = transition.supervision {
            try connection.query("""
                INSERT INTO supervisions (ticket_id, department_code, kind, reason) VALUES ($1, $2, $3, $4)
                """, [ticketID, ticket.lead?.department, kind.rawValue, "second dissatisfied evaluation"])
        }
        if transition.status == .closed {
            try connection.query("UPDATE supervisions SET closed_at = now() WHERE ticket_id = $1 AND closed_at IS NULL", [ticketID])
            try connection.query("""
                UPDATE sla_clocks SET stopped_at = now(), next_at = NULL WHERE ticket_id = $1 AND stopped_at IS NULL
                """, [ticketID])
        }
        outbox += try record(transition.events, ticketID: ticketID, round: transition.round, on: connection)
        return Applied(status: transition.status, round: transition.round, replyDueAt: transition.replyDueAt,
                       events: transition.events.map(\.kind), outbox: outbox)
    }

    /// Queue entries for assignments: one outbox row each on its department's stream.
    static func enqueue(assignments ids: [Int64], on connection: PostgresConnection) throws -> [OutboxMessage] {
        guard !ids.isEmpty else { return [] }
        let rows = try connection.query("""
            SELECT a.id, a.ticket_id, a.department_code, a.role, t.urgent, t.round, coalesce(t.item_code, '') AS item
            FROM assignments a JOIN tickets t ON t.id = a.ticket_id WHERE a.id = ANY($1::bigint[])
            """, ["{" + ids.map(String.init).joined(separator: ",") + "}"])
        let entries = try rows.enumerated().map { n, row in
            let department: String = try row.decode("department_code")
            let id: Int64 = try row.decode("id")
            let ticket: UUID = try row.decode("ticket_id")
            let round: Int = try row.decode("round")
            let urgent: Bool = try row.decode("urgent")
            return QueueEntry(n: n + 1, stream: StreamNames.departmentQueue(department), fields: .object([
                "assignment": .string(String(id)), "ticket": .string(ticket.postgresText), "department": .string(department),
                "role": .string(try row.decode("role")), "urgent": .string(String(urgent)), "round": .string(String(round)),
                "item": .string(try row.decode("item")),
            ]))
        }
        guard let first = entries.first else { return [] }
        return try OutboxPublisher.messages(in: connection.query("""
            WITH messages AS (SELECT stream, fields, n FROM jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: first))))
            \(OutboxMessage.insertMessages)
            """, [RecordSet.encode(entries)]))
    }

    /// A stream entry for the outbox, `n`-th of its change.
    struct QueueEntry: RecordRow {
        var n: Int
        var stream: String
        var fields: JSONValue
    }

    /// Timeline rows and their entries on the events stream.
    public static func record(_ events: [TimelineEntry], ticketID: UUID, round: Int, on connection: PostgresConnection) throws -> [OutboxMessage] {
        guard !events.isEmpty else { return [] }
        let rows = events.enumerated().map { n, event in EventRow(n: n + 1, kind: event.kind, department: event.department, detail: .object(event.detail)) }
        return try OutboxPublisher.messages(in: connection.query(
            recordTimelineQuery.sql(["event_columns": RecordSet.columns(of: rows[0]), "insert_messages": OutboxMessage.insertMessages]),
            [ticketID, RecordSet.encode(rows), StreamNames.events, round]))
    }

    static let recordTimelineQuery = StoredQuery("record-timeline")

    /// A timeline step, `n`-th of its change.
    struct EventRow: RecordRow {
        var n: Int
        var kind: TicketEventKind
        var department: String?
        var detail: JSONValue
    }

    static func apply(_ change: ClockChange, ticketID: UUID, created: [String: Int64], on connection: PostgresConnection) throws {
        func assignmentID(_ key: AssignmentKey) -> Int64? {
            switch key {
            case .existing(let id): id
            case .new(let department): created[department]
            }
        }
        let stop = "stopped_at = now(), next_at = NULL"
        switch change {
        case .stopDispatch:
            try connection.query("UPDATE sla_clocks SET \(stop) WHERE ticket_id = $1 AND kind = 'dispatch' AND stopped_at IS NULL", [ticketID])
        case .stopIntervention:
            try connection.query("UPDATE sla_clocks SET \(stop) WHERE ticket_id = $1 AND kind = 'intervention' AND stopped_at IS NULL", [ticketID])
        case .startReply(let key, let dueAt):
            guard let id = assignmentID(key) else { return }
            try stopClocks(of: id, kind: .reply, on: connection)
            try connection.query("""
                INSERT INTO sla_clocks (ticket_id, assignment_id, department_code, kind, starts_at, due_at, next_at)
                SELECT ticket_id, id, department_code, 'reply', now(), $2, now() FROM assignments WHERE id = $1
                """, [id, dueAt])
        case .stopReply(let key):
            guard let id = assignmentID(key) else { return }
            try stopClocks(of: id, kind: .reply, on: connection)
        case .moveReplies(let dueAt):
            try connection.query("""
                UPDATE sla_clocks SET due_at = $2, fired = '{}', next_at = now()
                WHERE ticket_id = $1 AND kind = 'reply' AND stopped_at IS NULL
                """, [ticketID, dueAt])
        case .startMilestones(let id, let milestones):
            struct MilestoneRow: RecordRow {
                var n: Int
                var title: String
                var dueAt: Date
            }
            let rows = milestones.enumerated().map { MilestoneRow(n: $0.offset + 1, title: $0.element.title, dueAt: $0.element.dueAt) }
            guard let first = rows.first else { return }
            try connection.query("""
                INSERT INTO sla_clocks (ticket_id, assignment_id, department_code, kind, milestone, title, starts_at, due_at, next_at)
                SELECT a.ticket_id, a.id, a.department_code, 'milestone', m.n, m.title, now(), m.due_at, now()
                FROM assignments a, jsonb_to_recordset($2::jsonb) AS m(\(RecordSet.columns(of: first))) WHERE a.id = $1
                """, [id, RecordSet.encode(rows)])
        case .stopMilestone(let id, let index):
            let stopped = try connection.query("""
                UPDATE sla_clocks SET \(stop) WHERE assignment_id = $1 AND kind = 'milestone' AND milestone = $2 AND stopped_at IS NULL
                RETURNING id
                """, [id, index])
            guard !stopped.isEmpty else { throw LifecycleError.invalid(field: "index", reason: "no open milestone \(index) in the plan") }
            try closeSupervisions(ofClocks: stopped.map { try $0.decode("id") }, on: connection)
        case .stopMilestones(let id):
            try stopClocks(of: id, kind: .milestone, on: connection)
        }
    }

    /// Stops an assignment's open clocks of one kind and closes the supervision they opened.
    static func stopClocks(of assignmentID: Int64, kind: SLAClock.Kind, on connection: PostgresConnection) throws {
        let stopped = try connection.query("""
            UPDATE sla_clocks SET stopped_at = now(), next_at = NULL
            WHERE assignment_id = $1 AND kind = $2 AND stopped_at IS NULL RETURNING id
            """, [assignmentID, kind])
        try closeSupervisions(ofClocks: stopped.map { try $0.decode("id") }, on: connection)
    }

    static func closeSupervisions(ofClocks ids: [Int64], on connection: PostgresConnection) throws {
        guard !ids.isEmpty else { return }
        try connection.query("""
            UPDATE supervisions SET closed_at = now() WHERE clock_id = ANY($1::bigint[]) AND closed_at IS NULL
            """, ["{" + ids.map(String.init).joined(separator: ",") + "}"])
    }
}
