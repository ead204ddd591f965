import ArgumentParser
import SubanCommand
import Foundation
import Postgres
import Redis
import SubanStore

/// `suban-tools chaos check`: after `chaos load`, waits for the fleet to settle, then
/// holds every acknowledged appeal against PostgreSQL, the department queues and
/// what the SMS gateway and webhook receiver got. Exit 1 on any loss or double.
struct ChaosCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Check that every acknowledged appeal was stored, dispatched, queued and notified exactly once.")

    @OptionGroup var options: CommonOptions
    @Option(help: "The outcomes `chaos load` wrote.") var record: String
    @Option(help: "The dev sink's log: every SMS and webhook delivered.") var sinkLog: String
    @Option(help: "The roles' logs, searched for citizens' phone numbers (the sink's own log is skipped).") var logDir: String?
    @Option(help: "Seconds to wait for the fleet to finish the backlog.") var timeout: Int = 180

    struct Problem {
        enum Kind: String, CaseIterable { case lost, doubled, exposed }
        var kind: Kind
        var what: String
        var count: Int
        var sample: [String] = []
    }

    func run() async throws {
        let outcomes = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        let acknowledged = outcomes.filter { $0[1] == ChaosLoad.Outcome.acknowledged.rawValue }.map { $0[2] }
        let idList = "{" + acknowledged.joined(separator: ",") + "}"
        let timeout = Duration.seconds(timeout)
        let sinkLog = sinkLog, logDir = logDir
        let problems = try await options.withInfrastructure(role: "chaos-check") { infrastructure -> [Problem] in
            let postgres = infrastructure.postgres, redis = infrastructure.redis
            try await Self.settle(postgres: postgres, redis: redis, ids: idList, timeout: timeout)
            var problems: [Problem] = []

            let tickets = try await postgres.query("SELECT id::text AS id, status FROM tickets WHERE id = ANY($1::uuid[])", [idList])
            let status = Dictionary(uniqueKeysWithValues: try tickets.map { (try $0.decode("id", as: String.self), try $0.decode("status", as: String.self)) })
            let missing = acknowledged.filter { status[$0] == nil }
            let waiting = acknowledged.filter { status[$0] == "received" }
            problems.append(Problem(kind: .lost, what: "acknowledged but not in PostgreSQL", count: missing.count, sample: missing))
            problems.append(Problem(kind: .lost, what: "stored but never dispatched", count: waiting.count, sample: waiting))

            let parts = try await postgres.query("""
                SELECT a.id::text AS id, a.ticket_id::text AS ticket, a.department_code AS department FROM assignments a WHERE a.ticket_id = ANY($1::uuid[])
                """, [idList]).map { (id: try $0.decode("id", as: String.self), ticket: try $0.decode("ticket", as: String.self), department: try $0.decode("department", as: String.self)) }
            let perUnit = Dictionary(grouping: parts) { "\($0.ticket) → \($0.department)" }.filter { $0.value.count > 1 }
            problems.append(Problem(kind: .doubled, what: "two assignments of one ticket to one unit", count: perUnit.count, sample: Array(perUnit.keys)))
            let assigned = Set(parts.map(\.ticket))
            let unplaced = acknowledged.filter { status[$0] == "dispatched" && !assigned.contains($0) }
            problems.append(Problem(kind: .lost, what: "dispatched to no unit", count: unplaced.count, sample: unplaced))

            var queued: [String: Int] = [:]
            for department in Set(parts.map(\.department)) {
                try await Self.eachEntry(of: StreamNames.departmentQueue(department), redis: redis) { entry in
                    if let assignment = entry.fields["assignment"] { queued[assignment, default: 0] += 1 }
                }
            }
            let unqueued = parts.filter { queued[$0.id] == nil }.map(\.id)
            let doubled = parts.filter { (queued[$0.id] ?? 0) > 1 }.map(\.id)
            problems.append(Problem(kind: .lost, what: "assignments with no entry on the unit's queue", count: unqueued.count, sample: unqueued))
            problems.append(Problem(kind: .doubled, what: "assignments queued more than once", count: doubled.count, sample: doubled))

            let sent = try await postgres.query("""
                SELECT n.id, n.status FROM notifications n WHERE n.ticket_id = ANY($1::uuid[])
                """, [idList]).map { (id: try $0.decode("id", as: Int64.self), status: try $0.decode("status", as: String.self)) }
            // The sink's log may be a copy streamed from a container, a moment behind the database.
            var sink = try SinkLog(path: sinkLog)
            func undeliveredNow() -> [String] { sent.filter { $0.status == "sent" && sink.deliveries["suban-\($0.id)"] == nil }.map { "notification \($0.id)" } }
            for _ in 0..<5 where !undeliveredNow().isEmpty {
                try await Task.sleep(for: .seconds(1))
                sink = try SinkLog(path: sinkLog)
            }
            let undelivered = undeliveredNow()
            let dead = sent.filter { $0.status != "sent" }.map { "notification \($0.id) \($0.status)" }
            problems.append(Problem(kind: .lost, what: "notifications marked sent that never reached the gateway", count: undelivered.count, sample: undelivered))
            problems.append(Problem(kind: .lost, what: "notifications not sent", count: dead.count, sample: dead))
            problems.append(Problem(kind: .doubled, what: "citizens who got one message twice (under two keys)", count: sink.doubled.count, sample: sink.doubled))

            let exposed = try await Self.phoneNumbersExposed(redis: redis, logDir: logDir, sinkLog: sinkLog)
            problems.append(Problem(kind: .exposed, what: "citizens' phone numbers in role logs or stream entries", count: exposed.count, sample: exposed))

            // The analytics figures against the truth in PostgreSQL (the run's database holds only its own tickets).
            let truth = try await postgres.query("""
                SELECT (SELECT count(*) FROM tickets WHERE status <> 'received') AS received, (SELECT count(*) FROM assignments) AS dispatched,
                       (SELECT coalesce(sum(received), 0) FROM analytics_daily) AS counted_received,
                       (SELECT coalesce(sum(dispatched), 0) FROM analytics_daily) AS counted_dispatched
                """)[0]
            let analytics = (received: try truth.decode("counted_received", as: Int.self), dispatched: try truth.decode("counted_dispatched", as: Int.self))
            let real = (received: try truth.decode("received", as: Int.self), dispatched: try truth.decode("dispatched", as: Int.self))
            problems.append(Problem(kind: analytics.received < real.received ? .lost : .doubled, what: "analytics received ≠ tickets dispatch decided", count: abs(analytics.received - real.received),
                                    sample: ["analytics \(analytics.received), PostgreSQL \(real.received)"]))
            problems.append(Problem(kind: analytics.dispatched < real.dispatched ? .lost : .doubled, what: "analytics dispatched ≠ assignments", count: abs(analytics.dispatched - real.dispatched),
                                    sample: ["analytics \(analytics.dispatched), PostgreSQL \(real.dispatched)"]))

            var deadLetters = 0
            for source in StreamNames.consumed { deadLetters += Int(try await redis.streamLength(StreamNames.deadLetters(of: source.stream, group: source.group))) }
            problems.append(Problem(kind: .lost, what: "dead letters (entries given up on)", count: deadLetters))

            let statuses = Dictionary(grouping: status.values) { $0 }.mapValues(\.count).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            let gaveUp = outcomes.filter { $0[1] == ChaosLoad.Outcome.gaveUp.rawValue }.count
            let rejected = outcomes.filter { $0[1] == ChaosLoad.Outcome.rejected.rawValue }.count
            let retried = outcomes.filter { (Int($0[3]) ?? 1) > 1 }.count
            print("""
                submitted     \(outcomes.count) appeals (\(retried) needed a retry; \(gaveUp) never acknowledged, \(rejected) rejected as invalid)
                acknowledged  \(acknowledged.count)
                stored        \(status.count)
                dispatched    \(status.values.filter { $0 != "received" }.count) (\(statuses.joined(separator: ", ")))
                assignments   \(parts.count), queue entries for them \(parts.reduce(0) { $0 + (queued[$1.id] ?? 0) })
                analytics     received \(analytics.received), dispatched \(analytics.dispatched) (PostgreSQL: \(real.received) and \(real.dispatched))
                notifications \(sent.count) sent; the gateway got \(sink.deliveries.count) keys, \(sink.resent) resent with the same key (a gateway drops those)
                """)
            return problems
        }
        for problem in problems where problem.count > 0 {
            print("FAIL  \(problem.what): \(problem.count)" + (problem.sample.isEmpty ? "" : "  e.g. " + problem.sample.prefix(5).joined(separator: ", ")))
        }
        let totals = Problem.Kind.allCases.map { kind in (kind, problems.filter { $0.kind == kind }.reduce(0) { $0 + $1.count }) }
        print(totals.map { "\($0.0.rawValue) \($0.1)" }.joined(separator: ", "))
        if totals.contains(where: { $0.1 > 0 }) { throw ExitCode(1) }
    }

    /// Waits until nothing is in flight for these tickets: none still `received`, no outbox
    /// row unpublished, the dispatch and callback groups caught up, no message unsent.
    static func settle(postgres: PostgresClient, redis: RedisClient, ids: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var line = ""
        while true {
            let row = try await postgres.query("""
                SELECT (SELECT count(*) FROM tickets WHERE id = ANY($1::uuid[]) AND status = 'received') AS waiting,
                       (SELECT count(*) FROM outbox) AS outbox,
                       (SELECT count(*) FROM notifications WHERE ticket_id = ANY($1::uuid[]) AND status = 'pending') AS unsent
                """, [ids])[0]
            var behind: Int64 = 0
            for source in StreamNames.consumed {
                for group in try await redis.groups(source.stream) where group.name == source.group { behind += group.pending + (group.lag ?? 1) }
            }
            let waiting: Int64 = try row.decode("waiting"), outbox: Int64 = try row.decode("outbox"), unsent: Int64 = try row.decode("unsent")
            let now = "settling: \(waiting) not dispatched, \(outbox) outbox rows, \(behind) stream entries unread or pending, \(unsent) messages unsent"
            if now != line { FileHandle.standardError.write(Data((now + "\n").utf8)); line = now }
            if waiting + outbox + behind + unsent == 0 || ContinuousClock.now > deadline { return }
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// Where a generated citizen's number shows up although it never may: any stream
    /// entry, any role's log. Only the SMS gateway (the sink) gets numbers.
    static func phoneNumbersExposed(redis: RedisClient, logDir: String?, sinkLog: String) async throws -> [String] {
        var exposed: [String] = []
        var cursor = "0"
        repeat {
            let reply = try await redis.send("SCAN", cursor, "TYPE", "stream", "COUNT", 1000)
            cursor = reply.array?.first?.string ?? "0"
            for key in reply.array?.last?.array?.compactMap(\.string) ?? [] {
                try await eachEntry(of: key, redis: redis) { entry in
                    if entry.fields.values.contains(where: { $0.contains(LoadGenerator.phonePrefix) }) { exposed.append("\(key) \(entry.id)") }
                }
            }
        } while cursor != "0"
        guard let logDir else { return exposed }
        let sink = URL(fileURLWithPath: sinkLog).standardizedFileURL.path
        for name in try FileManager.default.contentsOfDirectory(atPath: logDir).sorted() {
            let path = URL(fileURLWithPath: logDir).appendingPathComponent(name).standardizedFileURL.path
            guard path != sink, let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n").filter { $0.contains(LoadGenerator.phonePrefix) }
            exposed += lines.prefix(3).map { "\(name): \($0.prefix(120))" }
        }
        return exposed
    }

    /// Every entry of `stream`, a page at a time.
    static func eachEntry(of stream: String, redis: RedisClient, _ body: (StreamEntry) -> Void) async throws {
        var start = "-"
        while true {
            let page = try await redis.entries(stream, from: start, count: 1000)
            page.forEach(body)
            guard page.count == 1000, let last = page.last else { return }
            start = "(" + last.id
        }
    }
}

/// What the dev sink logged: one line per POST, `<time> <path> key=<Idempotency-Key> <body>`.
struct SinkLog {
    /// Deliveries per idempotency key.
    var deliveries: [String: Int] = [:]
    /// Deliveries beyond the first of a key: resends after a crash, which a gateway drops.
    var resent = 0
    /// One message (same path and body) that arrived under two keys: a citizen would get it twice.
    var doubled: [String] = []

    init(path: String) throws {
        var keysByMessage: [String: Set<String>] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 3)
            guard parts.count == 4, parts[2].hasPrefix("key=") else { continue }
            let key = String(parts[2].dropFirst(4))
            deliveries[key, default: 0] += 1
            keysByMessage["\(parts[1]) \(parts[3])", default: []].insert(key)
        }
        resent = deliveries.values.reduce(0) { $0 + $1 - 1 }
        doubled = keysByMessage.filter { $0.value.count > 1 }.map(\.key)
    }
}
