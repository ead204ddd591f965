import Foundation
import Postgres
import SubanCore

/// The sweeper's reads and writes. Clocks due for a look are locked with
/// `FOR UPDATE SKIP LOCKED`, and the stages they fire are written with the
/// clock's new `fired` set in the same transaction: two sweepers never take the
/// same clock, and a stage never fires twice.
public enum SLAStore {
    public struct Firing: Sendable, Hashable {
        public var clockID: Int64
        public var ticketID: UUID
        public var department: String?
        public var kind: SLAClock.Kind
        public var stage: SLAClock.Stage
        public var milestone: Int?
        public var dueAt: Date
    }

    public struct Pass: Sendable {
        /// Clocks looked at.
        public var examined: Int
        public var firings: [Firing]
        public var outbox: [OutboxMessage]
    }

    /// One sweep of up to `limit` clocks whose next look came due by `now`.
    public static func sweep(policy: SweepPolicy, now: Date, limit: Int, on connection: PostgresConnection) throws -> Pass {
        let rows = try connection.query("""
            SELECT id, ticket_id, department_code, kind, milestone, starts_at, due_at, array_to_string(fired, ',') AS fired
            FROM sla_clocks WHERE next_at <= $1 ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED
            """, [now, limit])
        var updates: [ClockUpdate] = []
        var firings: [Firing] = []
        for row in rows {
            let kind: SLAClock.Kind = try row.decode("kind")
            let fired = Set(try row.decode("fired", as: String.self).split(separator: ",").compactMap { SLAClock.Stage(rawValue: String($0)) })
            let clock = SLAClock(kind: kind, startsAt: try row.decode("starts_at"), dueAt: try row.decode("due_at"), fired: fired)
            let result = policy.sweep(clock, now: now)
            let id: Int64 = try row.decode("id")
            updates.append(ClockUpdate(id: id, fired: result.settled.map(\.rawValue).sorted().joined(separator: ","), nextAt: result.nextAt))
            for stage in result.fire {
                firings.append(Firing(clockID: id, ticketID: try row.decode("ticket_id"), department: try row.decodeIfPresent("department_code"),
                                      kind: kind, stage: stage, milestone: try row.decodeIfPresent("milestone"), dueAt: clock.dueAt))
            }
        }
        guard let first = updates.first else { return Pass(examined: 0, firings: [], outbox: []) }
        try connection.query("""
            UPDATE sla_clocks c SET fired = string_to_array(x.fired, ','), next_at = x.next_at
            FROM jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: first))) WHERE c.id = x.id
            """, [RecordSet.encode(updates)])
        return Pass(examined: updates.count, firings: firings, outbox: try record(firings, on: connection))
    }

    /// Timeline rows, supervision records (at overdue and escalation) and event-stream rows for the firings.
    static func record(_ firings: [Firing], on connection: PostgresConnection) throws -> [OutboxMessage] {
        guard !firings.isEmpty else { return [] }
        let rows = firings.enumerated().map { n, firing in
            let supervision: SupervisionKind? = switch firing.stage {
            case .warning: nil
            case .overdue: firing.kind == .milestone ? .milestone : .overdue
            case .escalation: .escalated
            }
            return FiringRow(n: n + 1, clock: firing.clockID, ticket: firing.ticketID, department: firing.department, event: firing.stage.eventKind,
                             supervision: supervision,
                             reason: "\(firing.kind.rawValue) deadline \(firing.stage == .warning ? "near" : "passed")",
                             detail: .object([
                                 "clock": .string(firing.kind.rawValue), "due_at": .date(firing.dueAt),
                                 "milestone": firing.milestone.map { .number(Double($0)) } ?? .null,
                             ]))
        }
        return try OutboxPublisher.messages(in: connection.query(
            recordFiringsQuery.sql(["firing_columns": RecordSet.columns(of: rows[0]), "insert_messages": OutboxMessage.insertMessages]),
            [RecordSet.encode(rows), StreamNames.events]))
    }

    static let recordFiringsQuery = StoredQuery("record-sla-firings")

    struct ClockUpdate: RecordRow {
        var id: Int64
        var fired: String
        var nextAt: Date?
    }

    /// A firing as `record-sla-firings.sql` records it.
    struct FiringRow: RecordRow {
        var n: Int
        var clock: Int64
        var ticket: UUID
        var department: String?
        var event: TicketEventKind
        var supervision: SupervisionKind?
        var reason: String
        var detail: JSONValue
    }
}
