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
        var updates: [[String: JSONValue]] = []
        var firings: [Firing] = []
        for row in rows {
            let kind: SLAClock.Kind = try LifecycleStore.enumValue(row, "kind")
            let fired = Set(try row.decode("fired", as: String.self).split(separator: ",").compactMap { SLAClock.Stage(rawValue: String($0)) })
            let clock = SLAClock(kind: kind, startsAt: try row.decode("starts_at"), dueAt: try row.decode("due_at"), fired: fired)
            let result = policy.sweep(clock, now: now)
            let id: Int64 = try row.decode("id")
            updates.append([
                "id": .number(Double(id)), "fired": .string(result.settled.map(\.rawValue).sorted().joined(separator: ",")),
                "next_at": result.nextAt.map(JSONValue.init) ?? .null,
            ])
            for stage in result.fire {
                firings.append(Firing(clockID: id, ticketID: try row.decode("ticket_id"), department: try row.decodeIfPresent("department_code"),
                                      kind: kind, stage: stage, milestone: try row.decodeIfPresent("milestone"), dueAt: clock.dueAt))
            }
        }
        guard !updates.isEmpty else { return Pass(examined: 0, firings: [], outbox: []) }
        try connection.query("""
            UPDATE sla_clocks c SET fired = string_to_array(x.fired, ','), next_at = x.next_at
            FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, fired text, next_at timestamptz) WHERE c.id = x.id
            """, [RecordSet.encode(updates)])
        return Pass(examined: updates.count, firings: firings, outbox: try record(firings, on: connection))
    }

    /// Timeline rows, supervision records (at overdue and escalation) and event-stream rows for the firings.
    static func record(_ firings: [Firing], on connection: PostgresConnection) throws -> [OutboxMessage] {
        guard !firings.isEmpty else { return [] }
        let rows = RecordSet.encode(firings.map { firing in
            let supervision: JSONValue = switch firing.stage {
            case .warning: .null
            case .overdue: .string(firing.kind == .milestone ? SupervisionKind.milestone.rawValue : SupervisionKind.overdue.rawValue)
            case .escalation: .string(SupervisionKind.escalated.rawValue)
            }
            return [
                "clock": .number(Double(firing.clockID)), "ticket": .string(firing.ticketID.postgresText), "department": JSONValue(firing.department),
                "event": .string(firing.stage.eventKind.rawValue), "supervision": supervision,
                "reason": .string("\(firing.kind.rawValue) deadline \(firing.stage == .warning ? "near" : "passed")"),
                "detail": .object([
                    "clock": .string(firing.kind.rawValue), "due_at": .date(firing.dueAt),
                    "milestone": firing.milestone.map { .number(Double($0)) } ?? .null,
                ]),
            ]
        })
        return try OutboxPublisher.messages(in: connection.query("""
            WITH f AS (
                SELECT (value->>'clock')::bigint AS clock, (value->>'ticket')::uuid AS ticket, value->>'department' AS department,
                       value->>'event' AS event, value->>'supervision' AS supervision, value->>'reason' AS reason, value->'detail' AS detail, n
                FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(value, n)
            ), opened AS (
                INSERT INTO supervisions (ticket_id, department_code, kind, clock_id, reason)
                SELECT ticket, department, supervision, clock, reason FROM f WHERE supervision IS NOT NULL
                ON CONFLICT (clock_id, kind) DO NOTHING
            ), timeline AS (
                INSERT INTO ticket_events (ticket_id, kind, department_code, detail)
                SELECT ticket, event, department, detail FROM f ORDER BY n
                RETURNING id, ticket_id, kind, department_code, at
            ), messages AS (
                SELECT $2 AS stream, jsonb_build_object('event', kind, 'event_id', id::text, 'ticket', ticket_id::text,
                                                        'department', coalesce(department_code, ''), 'at', at::text) AS fields, id AS n
                FROM timeline
            )
            \(OutboxMessage.insertMessages)
            """, [rows, StreamNames.events]))
    }
}
