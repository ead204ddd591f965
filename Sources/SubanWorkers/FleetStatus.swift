import BlockingIO
import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore

/// What an operator asks first (`suban status`): is every pool keeping up, is
/// anything stuck or dead, which deadlines are near or past. Read live from
/// Redis and PostgreSQL; changes nothing.
public struct FleetStatus: Sendable, Codable, Hashable {
    public struct Consumer: Sendable, Codable, Hashable {
        public var name: String
        public var pending: Int64
        public var idleSeconds: Double
    }

    public struct Group: Sendable, Codable, Hashable {
        public var name: String
        /// Entries not yet delivered to the group; nil when Redis cannot tell.
        public var lag: Int64?
        /// Delivered, not acknowledged.
        public var pending: Int64
        /// How long ago the oldest pending entry was written (from its id).
        public var oldestPendingSeconds: Double?
        public var consumers: [Consumer]
    }

    public struct Stream: Sendable, Codable, Hashable {
        public var name: String
        public var length: Int64
        public var groups: [Group]
    }

    /// One stream per department, summed; the busiest listed.
    public struct DepartmentQueues: Sendable, Codable, Hashable {
        public var streams: Int
        public var length: Int64
        public var lag: Int64
        public var pending: Int64
        public var busiest: [Stream]
    }

    public struct Outbox: Sendable, Codable, Hashable {
        /// Stream entries written with their change and not yet on their stream.
        public var entries: Int
        /// The outbox rows holding them: one a change.
        public var rows: Int
        public var oldestSeconds: Double?
    }

    public struct Deadlines: Sendable, Codable, Hashable {
        /// dispatch, intervention, reply or milestone.
        public var kind: String
        public var running: Int
        public var dueWithin24Hours: Int
        public var overdue: Int
    }

    public var at: Date
    public var streams: [Stream]
    public var departmentQueues: DepartmentQueues
    /// Dead-letter stream → entries in it.
    public var deadLetters: [String: Int64]
    public var outbox: Outbox
    /// Tickets not closed, by status.
    public var openTickets: [String: Int]
    public var deadlines: [Deadlines]

    /// The busiest department queues listed by name.
    public static let busiestShown = 10

    public static func collect(redis: RedisClient, postgres: PostgresClient, now: Date = Date()) async throws -> FleetStatus {
        let (departments, outbox, openTickets, deadlines) = try await postgres.withConnection { connection in
            let departments = try connection.query("SELECT code FROM departments ORDER BY code").map { try $0.decode("code", as: String.self) }
            let outbox = try connection.query("""
                SELECT coalesce(sum(jsonb_array_length(messages)), 0)::int AS entries, count(*) AS n,
                       extract(epoch FROM now() - min(created_at))::float8 AS oldest
                FROM outbox
                """).first.map { Outbox(entries: try $0.decode("entries"), rows: try $0.decode("n"), oldestSeconds: try $0.decodeIfPresent("oldest")) }
                ?? Outbox(entries: 0, rows: 0)
            var openTickets: [String: Int] = [:]
            for row in try connection.query("SELECT status, count(*) AS n FROM tickets WHERE status <> 'closed' GROUP BY status") {
                openTickets[try row.decode("status")] = try row.decode("n")
            }
            let deadlines = try connection.query("""
                SELECT kind, count(*) AS running, count(*) FILTER (WHERE due_at >= now() AND due_at < now() + interval '24 hours') AS soon,
                       count(*) FILTER (WHERE due_at < now()) AS overdue
                FROM sla_clocks WHERE stopped_at IS NULL GROUP BY kind ORDER BY kind
                """).map { row in
                Deadlines(kind: try row.decode("kind"), running: try row.decode("running"), dueWithin24Hours: try row.decode("soon"),
                          overdue: try row.decode("overdue"))
            }
            return (departments, outbox, openTickets, deadlines)
        }

        var streams: [Stream] = []
        for name in [StreamNames.newTickets, StreamNames.events] {
            streams.append(try await stream(name, redis: redis, now: now))
        }
        let queueNames = departments.map(StreamNames.departmentQueue)
        let lengths = try await redis.pipeline(queueNames.map { RedisCommand("XLEN", $0) }).map { $0.int ?? 0 }
        var queues: [Stream] = []
        for (name, length) in zip(queueNames, lengths) where length > 0 {
            queues.append(try await stream(name, redis: redis, now: now))
        }
        let handlers = queues.flatMap(\.groups)
        let busiest = queues.sorted { ($0.groups.first?.lag ?? 0, $0.length) > ($1.groups.first?.lag ?? 0, $1.length) }
        var deadLetters: [String: Int64] = [:]
        let deadStreams = StreamNames.consumed.map { StreamNames.deadLetters(of: $0.stream, group: $0.group) } + [StreamNames.callbackDeadLetters]
        for name in deadStreams { deadLetters[name] = try await redis.streamLength(name) }
        return FleetStatus(
            at: now, streams: streams,
            departmentQueues: DepartmentQueues(streams: queues.count, length: lengths.reduce(0, +), lag: handlers.reduce(0) { $0 + ($1.lag ?? 0) },
                                               pending: handlers.reduce(0) { $0 + $1.pending }, busiest: Array(busiest.prefix(busiestShown))),
            deadLetters: deadLetters, outbox: outbox, openTickets: openTickets, deadlines: deadlines)
    }

    static func stream(_ name: String, redis: RedisClient, now: Date) async throws -> Stream {
        let length = try await redis.streamLength(name)
        // XINFO on a stream nobody has written yet is an error, not an empty answer.
        let exists = length > 0 ? true : try await redis.send("EXISTS", name).int == 1
        guard exists else { return Stream(name: name, length: 0, groups: []) }
        var groups: [Group] = []
        for info in try await redis.groups(name) {
            let summary = try await redis.pendingSummary(name, group: info.name)
            let consumers = try await redis.consumers(name, group: info.name).map {
                Consumer(name: $0.name, pending: $0.pending, idleSeconds: $0.idle.seconds)
            }
            groups.append(Group(name: info.name, lag: info.lag, pending: info.pending,
                                oldestPendingSeconds: summary.oldestID.flatMap { entryAge($0, now: now) }, consumers: consumers))
        }
        return Stream(name: name, length: length, groups: groups)
    }

    /// A stream id starts with its entry's creation time in milliseconds.
    static func entryAge(_ id: String, now: Date) -> Double? {
        guard let milliseconds = id.split(separator: "-").first.flatMap({ Double($0) }) else { return nil }
        return max(0, now.timeIntervalSince1970 - milliseconds / 1000)
    }
}
