import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import Redis
import SubanAPI
import SubanCore
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// A known history of two tickets across Spring Festival 2025 goes through the real
/// analytics worker on the events stream; every figure is checked against the hand-
/// computed answer, a redelivery counts nothing, and the API serves it as JSON and CSV.
@Suite("Analytics worker") struct AnalyticsWorkerTests {
    static func beijing(_ day: String, _ hour: Double) -> Date { LocalDay(iso: day)!.start.addingTimeInterval(hour * 3600) }

    static let lead = "futian:housing", coHandler = "futian:urban-management"

    /// Writes the tickets and the timeline rows the events refer to; returns the event entries' fields, in order.
    static func history(_ postgres: PostgresClient) async throws -> [[String: String]] {
        let t1 = UUID(), t2 = UUID()
        try await postgres.transaction { c in
            for (id, channel, received, due) in [(t1, "hotline", beijing("2025-01-27", 12), beijing("2025-02-06", 0)),
                                                 (t2, "app", beijing("2025-02-05", 9), beijing("2025-02-08", 0))] {
                try c.query("""
                    INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at,
                                         category_code, item_code, district_code, street_code, address, reply_due_at)
                    VALUES ($1, $2, $3, $2, 'complaint', false, '小区电梯经常困人', false, 'dispatched', $4, $4,
                            'housing', 'housing.elevator', 'futian', 'futian.shatou', '沙头街道沙尾村', $5)
                    """, [id, "CODE-\(channel)", channel, received, due])
            }
            for (ticket, department, role) in [(t1, lead, "lead"), (t2, lead, "lead"), (t2, coHandler, "co-handler")] {
                try c.query("INSERT INTO assignments (ticket_id, department_code, role) VALUES ($1, $2, $3)", [ticket, department, role])
            }
            try c.query("INSERT INTO ticket_events (ticket_id, kind, department_code, at) VALUES ($1, 'returned', $2, $3)", [t2, coHandler, beijing("2025-02-05", 15)])
        }
        func rating(_ ticket: UUID, _ scores: [Int], _ at: Date) async throws -> String {
            let detail = "{\"speed\": \(scores[0]), \"effect\": \(scores[1]), \"service\": \(scores[2]), \"quality\": \(scores[3])}"
            return String(try await postgres.query("INSERT INTO ticket_events (ticket_id, kind, detail, at) VALUES ($1, 'rated', $2::jsonb, $3) RETURNING id",
                                                   [ticket, detail, at])[0].decode("id", as: Int64.self))
        }
        let good = try await rating(t1, [5, 4, 5, 4], beijing("2025-02-06", 10))
        let bad = try await rating(t2, [4, 2, 3, 3], beijing("2025-02-10", 12))
        func event(_ kind: String, _ ticket: UUID, _ at: Date, _ extra: [String: String] = [:]) -> [String: String] {
            ["event": kind, "ticket": ticket.postgresText, "at": at.postgresText].merging(extra) { $1 }
        }
        return [
            event("received", t1, beijing("2025-01-27", 12)),                                   // intake's: not counted
            event("dispatched", t1, beijing("2025-01-27", 12.1), ["source": "dispatch"]),       // received 01-27
            event("assigned", t1, beijing("2025-01-27", 12.1), ["department": lead]),
            event("replied", t1, beijing("2025-02-05", 18), ["event_id": "1"]),                // 1.25 working days, on time
            event("evaluation_requested", t1, beijing("2025-02-05", 18)),                       // not counted
            event("rated", t1, beijing("2025-02-06", 10), ["event_id": good]),                  // satisfied
            event("closed", t1, beijing("2025-02-06", 10), ["event_id": "2"]),                 // first time right
            event("dispatched", t2, beijing("2025-02-05", 9.1), ["source": "dispatch"]),        // received 02-05
            event("assigned", t2, beijing("2025-02-05", 9.1), ["department": lead]),
            event("assigned", t2, beijing("2025-02-05", 9.1), ["department": coHandler]),
            event("returned", t2, beijing("2025-02-05", 15), ["department": coHandler, "event_id": "3"]),
            event("sla_overdue", t2, beijing("2025-02-08", 0), ["department": lead, "event_id": "4"]),
            event("replied", t2, beijing("2025-02-10", 9), ["event_id": "5"]),                 // 4.0 working days, late
            event("rated", t2, beijing("2025-02-10", 12), ["event_id": bad]),                   // unsatisfied
            event("dissatisfaction_return", t2, beijing("2025-02-10", 12), ["event_id": "6"]),
        ]
    }

    @Test func everyFigureMatchesTheHandComputedAnswerAndARedeliveryCountsNothing() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        for fields in try await Self.history(postgres) {
            _ = try await redis.send(RedisClient.xaddCommand(StreamNames.events, fields: fields.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }))
        }
        let calendars = CalendarSource(postgres: postgres, logger: TestServers.logger)
        let worker = AnalyticsWorker(consumer: "analytics-test", redis: redis, postgres: postgres, calendar: calendars, logger: TestServers.logger)
        let running = Task { try await worker.run() }
        try await eventually(timeout: .seconds(20), "the analytics group caught up") {
            guard let group = try await redis.groups(StreamNames.events).first(where: { $0.name == StreamNames.analyticsGroup }) else { return false }
            return group.pending == 0 && group.lag == 0 && group.lastDeliveredID != "0-0"
        }
        running.cancel()
        _ = await running.result

        let query = AnalyticsStore.Query(from: LocalDay(iso: "2025-01-27")!, to: LocalDay(iso: "2025-02-10")!)
        func figures(by: [AnalyticsStore.Query.Dimension]) async throws -> [AnalyticsStore.Row] {
            var breakdown = query
            breakdown.by = by
            let asked = breakdown
            return try await postgres.withConnection { try AnalyticsStore.figures(asked, on: $0) }
        }
        func total() async throws -> DailyFigures { try await figures(by: []).first?.figures ?? DailyFigures() }
        let sum = try await total()
        #expect(sum.received == 2 && sum.dispatched == 3 && sum.replied == 2 && sum.closed == 1)
        #expect(sum.overdue == 1 && sum.returned == 1 && sum.dissatisfactionReturns == 1)
        #expect(abs(sum.averageHandlingDays! - 2.625) < 1e-9, "(1.25 + 4.0) / 2 working days")
        #expect(sum.onTimeRate == 0.5 && sum.rated == 2 && sum.satisfactionRate == 0.5)
        let means: [String: Double] = ["speed": 4.5, "effect": 3, "service": 4, "quality": 3.5]
        #expect(sum.dimensionMeans == means)
        #expect(sum.firstTimeRightRate == 1, "the one closed ticket was never sent back")

        // The breakdowns: by unit, by channel, by day.
        let units = try await figures(by: [.department])
        #expect(units.map(\.keys) == [[""], [Self.lead], [Self.coHandler]])
        #expect(units.map(\.figures.received) == [2, 0, 0] && units.map(\.figures.dispatched) == [0, 2, 1])
        #expect(units.map(\.figures.returned) == [0, 0, 1] && units.map(\.figures.replied) == [0, 2, 0] && units.map(\.figures.overdue) == [0, 1, 0])
        let cells = try await figures(by: [.channel, .day])
        let received = Dictionary(uniqueKeysWithValues: cells.map { ($0.keys.joined(separator: " "), $0.figures.received) }).filter { $0.value > 0 }
        #expect(received == ["hotline 2025-01-27": 1, "app 2025-02-05": 1], "a receipt counts on the day received, by its channel")

        let places = try await postgres.query("SELECT place_key, place_label FROM ticket_places ORDER BY received_at")
        #expect(try places.map { try $0.decode("place_label", as: String.self) } == ["沙头街道沙尾村", "沙头街道沙尾村"], "each receipt records its place")

        // Redelivered (a dead consumer's entries, reclaimed): nothing counts twice.
        let entries = try await redis.entries(StreamNames.events)
        #expect(try await worker.process(entries) == 0)
        #expect(try await total() == sum)

        // An event it cannot read (a counted kind with no ticket, no kind at all) is buried with its reason, not let go unseen.
        // Delivered through the group, as the worker reads them: burying acknowledges what was pending.
        try await redis.createGroup(StreamNames.events, group: StreamNames.analyticsGroup, startAt: "$")
        let broken = [try await redis.xadd(StreamNames.events, fields: ["event": "replied", "at": "yesterday"]),
                      try await redis.xadd(StreamNames.events, fields: ["ticket": UUID().uuidString])]
        let delivered = try await redis.readGroup(StreamNames.events, group: StreamNames.analyticsGroup, consumer: "analytics-test", count: 10)
        #expect(delivered.map(\.id) == broken)
        #expect(try await worker.process(delivered) == 0)
        let dead = try await redis.entries(StreamNames.deadLetters(of: StreamNames.events, group: StreamNames.analyticsGroup))
        #expect(dead.map { $0.fields["dead.source_id"] } == broken && dead.allSatisfy { $0.fields["dead.error"]?.contains("unreadable") == true })
        #expect(try await total() == sum)

        // Over HTTP, with an operator key: JSON and CSV; a unit's key is refused.
        let operatorKey = try await postgres.withConnection { try APIKeys.create(department: nil, label: "leader", on: $0).token }
        let unitKey = try await postgres.withConnection { try APIKeys.create(department: Self.lead, label: "unit", on: $0).token }
        let app = buildApplication(RouteSet(analytics: AnalyticsRoutes(postgres: postgres)), host: "127.0.0.1", port: 0, logger: TestServers.logger)
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(operatorKey)"]
            try await client.execute(uri: "/v1/analytics/figures?from=2025-01-27&to=2025-02-10&by=department&department=\(Self.lead)", method: .get,
                                     headers: auth) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.count == 1 && items[0]["replied"] as? Int == 2 && items[0]["on_time_rate"] as? Double == 0.5)
                #expect((items[0]["average_handling_days"] as? Double).map { abs($0 - 2.625) < 1e-9 } == true)
            }
            try await client.execute(uri: "/v1/analytics/figures?from=2025-01-27&to=2025-02-10&by=channel&format=csv", method: .get, headers: auth) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = String(buffer: response.body).dropFirst().split(separator: "\r\n")
                #expect(lines.first?.hasPrefix("channel,received,dispatched,replied") == true)
                #expect(lines.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["app,1", "hotline,1"])
            }
            try await client.execute(uri: "/v1/analytics/figures?from=2025-02-10&to=2025-01-27", method: .get, headers: auth) { response in
                #expect(response.status == .badRequest && String(buffer: response.body).contains("\"field\":\"from\""))
            }
            try await client.execute(uri: "/v1/analytics/figures?by=weather", method: .get, headers: auth) { response in
                #expect(response.status == .badRequest && String(buffer: response.body).contains("\"field\":\"by\""))
            }
            try await client.execute(uri: "/v1/analytics/figures", method: .get, headers: [.authorization: "Bearer \(unitKey)"]) { response in
                #expect(response.status == .forbidden)
            }
        }
        await postgres.close()
        await redis.close()
    }

    @Test func aClosedDaysHotIssuesAreStoredOnceAndServed() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: TestServers.threadPool)
        _ = try await Self.history(postgres)   // two elevator complaints at 沙尾村: one on 01-27, one on 02-05
        let closer = DayCloser(postgres: postgres, logger: TestServers.logger)
        try await closer.closeDue(now: Self.beijing("2025-02-06", 1))
        let day = LocalDay(iso: "2025-02-05")!
        let stored = try #require(try await postgres.withConnection { try HotIssuesStore.stored(day, on: $0) })
        #expect(stored.map(\.kind) == [.item, .place])
        #expect(stored[0].key == "housing.elevator" && stored[0].label == "电梯故障" && stored[0].count == 1 && stored[0].previous == 0)
        let appTicket: UUID = try #require(try await postgres.query("SELECT id FROM tickets WHERE tracking_code = 'CODE-app'").first?.decode("id"))
        #expect(stored[1].label.hasPrefix("沙头街道") && stored[1].samples == [appTicket.postgresText], "samples are ticket ids, never tracking codes: \(stored[1])")
        #expect(try await postgres.withConnection { try HotIssuesStore.stored(LocalDay(iso: "2025-02-06")!, on: $0) } == nil, "not yet closed")
        // A second closer (another replica) finds the day closed and changes nothing.
        #expect(try await postgres.withConnection { try HotIssuesStore.close(day, on: $0) } == false)
        #expect(try await postgres.query("SELECT count(*) AS n FROM hot_issues WHERE day = '2025-02-05'")[0].decode("n", as: Int.self) == 2)

        let key = try await postgres.withConnection { try APIKeys.create(department: nil, label: "leader", on: $0).token }
        let app = buildApplication(RouteSet(analytics: AnalyticsRoutes(postgres: postgres)), host: "127.0.0.1", port: 0, logger: TestServers.logger)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/analytics/hot-issues?day=2025-02-05", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(body["closed"] as? Bool == true && (body["items"] as? [[String: Any]])?.first?["label"] as? String == "电梯故障")
            }
            for (district, items) in [("futian", 1), ("longhua", 0)] {
                try await client.execute(uri: "/v1/analytics/hot-issues?day=2025-02-05&district=\(district)", method: .get,
                                         headers: [.authorization: "Bearer \(key)"]) { response in
                    let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                    #expect((body["items"] as? [[String: Any]])?.count == items, "\(district): a district's own top issues")
                }
            }
            try await client.execute(uri: "/v1/analytics/hot-issues?day=2099-01-01", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                #expect(response.status == .badRequest)
            }
        }
        await postgres.close()
    }

    /// Appeals at one place in three of the last weeks make a class case; a burst in one
    /// week or too few do not. Operators put it under governance and follow its weeks.
    @Test func recurringAppealsAtOnePlaceBecomeAClassCaseThatOperatorsGovern() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let now = Date()
        let thisWeek = ClassCases.week(of: LocalDay(containing: now))
        let twoWeeksAgo = thisWeek.adding(days: -14).start.addingTimeInterval(12 * 3600), lastWeek = thisWeek.adding(days: -7).start.addingTimeInterval(12 * 3600)
        let appeals: [(text: String, address: String, at: Date)] =
            Array(repeating: ("电梯又困人了", "沙头街道沙尾村", twoWeeksAgo), count: 3) + Array(repeating: ("电梯又困人了", "沙头街道沙尾村", lastWeek), count: 2)
            + [("电梯又困人了", "沙头街道沙尾村", max(thisWeek.start, now.addingTimeInterval(-60)))]
            + Array(repeating: ("电梯停运", "沙头街道上沙村", lastWeek), count: 5)                                     // one week only
            + Array(repeating: ("电梯异响", "沙头街道下沙村", twoWeeksAgo), count: 2) + Array(repeating: ("电梯异响", "沙头街道下沙村", lastWeek), count: 2)  // 4
        let fields = try await postgres.transaction { c -> [[String: String]] in
            var fields: [[String: String]] = []
            for (index, appeal) in appeals.enumerated() {
                let id = UUID()
                try c.query("""
                    INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at,
                                         category_code, item_code, district_code, street_code, address)
                    VALUES ($1, $2, 'app', $2, 'complaint', false, $3, false, 'dispatched', $4, $4, 'housing', 'housing.elevator', 'futian', 'futian.shatou', $5)
                    """, [id, "CASE-\(index)", appeal.text, appeal.at, appeal.address])
                fields.append(["event": "dispatched", "source": "dispatch", "ticket": id.postgresText, "at": appeal.at.postgresText])
            }
            return fields
        }
        let worker = AnalyticsWorker(consumer: "analytics-test", redis: redis, postgres: postgres,
                                     calendar: CalendarSource(postgres: postgres, logger: TestServers.logger), logger: TestServers.logger)
        let entries = fields.enumerated().map { StreamEntry(id: "1-\($0.offset)", fields: $0.element) }
        #expect(try await worker.process(entries) == appeals.count)
        #expect(try await postgres.withConnection { try ClassCaseStore.refresh(today: LocalDay(containing: now), on: $0) } == 1)

        let key = try await postgres.withConnection { try APIKeys.create(department: nil, label: "supervision", on: $0).token }
        let auth: HTTPFields = [.authorization: "Bearer \(key)"]
        let app = buildApplication(RouteSet(analytics: AnalyticsRoutes(postgres: postgres)), host: "127.0.0.1", port: 0, logger: TestServers.logger)
        try await app.test(.router) { client in
            var id = 0
            try await client.execute(uri: "/v1/analytics/class-cases?status=open", method: .get, headers: auth) { response in
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.count == 1 && items.first?["place"] as? String == "沙头街道沙尾村" && items.first?["item_name"] as? String == "电梯故障")
                #expect((items.first?["weekly"] as? [Int])?.suffix(3) == [3, 2, 1] && (items.first?["weekly"] as? [Int])?.count == 12)
                #expect(items.first?["trend"] as? String == "steady", "3 in the last two weeks against 3 before")
                id = items.first?["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/v1/analytics/class-cases/\(id)/governance", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"lead_department": "futian:nowhere"}"#)) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("lead_department"))
            }
            try await client.execute(uri: "/v1/analytics/class-cases/999999/governance", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"lead_department": "futian:housing"}"#)) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/analytics/class-cases/\(id)/governance", method: .post, headers: auth,
                                     body: ByteBuffer(string: #"{"lead_department": "futian:housing", "note": "更换电梯主板"}"#)) { response in
                #expect(response.status == .ok)
                let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(body["status"] as? String == "governance" && body["lead_department"] as? String == "futian:housing")
                #expect(body["weekly_mean_since"] as? Double == 1, "this week: 1 appeal")
                #expect((body["weekly_mean_before"] as? Double).map { abs($0 - 5.0 / 11) < 1e-9 } == true, "5 appeals in the 11 weeks before")
            }
            try await client.execute(uri: "/v1/analytics/class-cases?status=open", method: .get, headers: auth) { response in
                #expect(String(buffer: response.body) == #"{"items":[]}"#)
            }
        }
        await postgres.close()
        await redis.close()
    }
}

@Suite struct CSVFieldTests {
    @Test(arguments: [
        ("沙头街道沙尾村", "沙头街道沙尾村"),
        ("-2", "-2"), ("+3", "+3"), ("0.5000", "0.5000"),
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-1-2", "'-1-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
        ("a,b", "\"a,b\""), ("line\nbreak", "\"line\nbreak\""),
    ])
    func aCellThatASpreadsheetWouldRunIsDefused(_ cell: String, _ expected: String) {
        #expect(CSVField.escaped(cell) == expected)
    }
}
