import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Redis
import ServiceLifecycle
import SubanAPI
import SubanCore
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// The closed loop on real servers: intake, dispatch, the departments' API with
/// leases and keys, the callback role with SMS and signed webhooks into a local
/// sink, citizen ratings, and the SLA sweeper.
@Suite("Ticket lifecycle end to end") struct LifecycleFlowTests {
    /// What the SMS gateway and the channel's webhook endpoint received.
    actor Sink {
        struct Received: Sendable {
            var path: String
            var idempotencyKey: String
            var timestamp: String
            var signature: String
            var body: [String: JSONValue]
            var raw: Data
        }

        var received: [Received] = []
        var webhookFailuresLeft: Int

        init(webhookFailures: Int) { webhookFailuresLeft = webhookFailures }

        func take(_ received: Received) -> HTTPResponse.Status {
            self.received.append(received)
            switch received.path {
            case "/sink/broken": return .internalServerError
            case "/sink/webhook" where webhookFailuresLeft > 0:
                webhookFailuresLeft -= 1
                return .serviceUnavailable
            default: return .ok
            }
        }

        func all(_ path: String) -> [Received] { received.filter { $0.path == path } }
    }

    struct Fleet: Sendable {
        let postgres: PostgresClient
        let redis: RedisClient
        let client: any TestClientProtocol
        let sink: Sink
        let publisher: OutboxPublisher
        static let secret = "whsec-test"

        func key(_ department: String?, label: String = UUID().uuidString) async throws -> String {
            try await postgres.withConnection { try APIKeys.create(department: department, label: label, on: $0).token }
        }

        func call(_ method: HTTPRequest.Method, _ uri: String, key: String? = nil, _ body: [String: Any]? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
            var headers: HTTPFields = [:]
            if let key { headers[.authorization] = "Bearer \(key)" }
            let buffer = body.map { ByteBuffer(data: try! JSONSerialization.data(withJSONObject: $0)) }
            return try await client.execute(uri: uri, method: method, headers: headers, body: buffer) { response in
                let data = Data(response.body.readableBytesView)
                let object = data.isEmpty ? [:] : (try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:])
                return (response.status, object)
            }
        }

        /// Submits an appeal and waits until dispatch placed it; returns the tracking code, the ticket and its parts.
        func submit(_ text: String, district: String?, address: String, type: String = "complaint", anonymous: Bool = false,
                     phone: String? = "13800138001", placedAs: String = "dispatched") async throws -> (code: String, ticket: UUID, parts: [(id: Int64, department: String, role: String)]) {
            var location: [String: Any] = ["address": address]
            if let district { location["district"] = district }
            var contact: [String: Any] = ["anonymous": anonymous]
            if let phone { contact["phone"] = phone }
            let appKey = try await postgres.withConnection { try APIKeys.create(channel: .app, label: UUID().uuidString, on: $0).token }
            let (status, body) = try await call(.post, "/v1/appeals", key: appKey, [
                "channel": "app", "channel_ref": UUID().uuidString, "type": type, "text": text, "location": location, "contact": contact,
            ])
            try #require(status == .accepted, "\(body)")
            let ticket = try #require(UUID(uuidString: body["ticket_id"] as? String ?? ""))
            // Generous: the first dispatch of a test process trains the shipped model (60,000 appeals) while other suites run.
            try await eventually(timeout: .seconds(90), "dispatch of \(text)") {
                try await postgres.query("SELECT status FROM tickets WHERE id = $1", [ticket]).first?.decode("status", as: String.self) == placedAs
            }
            let parts = try await postgres.query("SELECT id, department_code, role FROM assignments WHERE ticket_id = $1 ORDER BY id", [ticket]).map {
                (id: try $0.decode("id", as: Int64.self), department: try $0.decode("department_code", as: String.self), role: try $0.decode("role", as: String.self))
            }
            return (try #require(body["tracking_code"] as? String), ticket, parts)
        }

        /// The rating token of `round` as the citizen's channel received it (the evaluation webhook).
        func ratingToken(_ code: String, round: Int = 1) async throws -> String {
            var tokens: [String] = []
            try await eventually(timeout: .seconds(15), "rating token of round \(round)") {
                tokens = []
                for call in await sink.all("/sink/webhook") where call.body["tracking_code"] == .string(code) && call.body["event"] == .string("evaluation_requested") {
                    if case .string(let token) = call.body["rating_token"], !tokens.contains(token) { tokens.append(token) }
                }
                return tokens.count >= round
            }
            return tokens[round - 1]
        }

        func status(_ ticket: UUID) async throws -> String {
            try await postgres.query("SELECT status FROM tickets WHERE id = $1", [ticket]).first!.decode("status")
        }

        func count(_ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> Int {
            try await postgres.query(sql, parameters).first!.decode("n")
        }
    }

    /// A whole fleet in one process. The callback role starts once the live server's port
    /// is known, so it can post to the sink routes the same server serves.
    func withFleet(webhookFailures: Int = 0, smsPath: String = "/sink/sms", lease: Duration = .seconds(1),
                   _ body: @escaping @Sendable (Fleet) async throws -> Void) async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 8, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let logger = TestServers.logger
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        let sink = Sink(webhookFailures: webhookFailures)

        let outbox = OutboxQueue(publisher: publisher, logger: logger)
        let batcher = IntakeBatcher(postgres: postgres, outbox: outbox, logger: logger)
        var dispatch = DispatchWorker.Configuration(consumer: "dispatch-test")
        dispatch.consumer.block = .milliseconds(200)
        var routes = APIRoutes.all(postgres, redis, publisher: publisher, calendars: CalendarSource(postgres: postgres, logger: logger),
                                   lease: lease, logger: logger)
        routes.intake = IntakeRoutes(batcher: batcher, keys: ChannelKeys(postgres: postgres))
        let router = buildRouter(routes)
        router.post("/sink/:name") { request, context in
            let data = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            guard case .object(let object) = try JSONValue.parse(data) else { return Response(status: .badRequest) }
            let status = await sink.take(Sink.Received(
                path: "/sink/\(context.parameters.get("name") ?? "")", idempotencyKey: request.headers[HTTPField.Name("Idempotency-Key")!] ?? "",
                timestamp: request.headers[HTTPField.Name("X-Suban-Timestamp")!] ?? "",
                signature: request.headers[HTTPField.Name("X-Suban-Signature")!] ?? "", body: object, raw: data))
            return Response(status: status)
        }
        let services: [any Service] = [
            outbox, batcher, DispatchWorker(configuration: dispatch, redis: redis, postgres: postgres, publisher: publisher, logger: logger),
        ]
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), services: services, logger: logger)
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(try #require(client.port))"
            var sender = NotificationSender.Configuration(smsGateway: URL(string: base + smsPath)!)
            sender.webhooks = ["app": WebhookTarget(url: URL(string: base + "/sink/webhook")!, secret: Fleet.secret)]
            sender.maxAttempts = 3
            sender.retryBase = .milliseconds(100)
            sender.interval = .milliseconds(100)
            let callback = ServiceGroup(services: [
                CallbackWorker(consumer: "callback-test", redis: redis, postgres: postgres, publisher: publisher, webhookChannels: ["app"], logger: logger),
                NotificationSender(configuration: sender, postgres: postgres, redis: redis, logger: logger),
            ], logger: logger)
            let running = Task { try await callback.run() }
            defer { running.cancel() }
            try await body(Fleet(postgres: postgres, redis: redis, client: client, sink: sink, publisher: publisher))
            await callback.triggerGracefulShutdown()
            _ = await running.result
        }
        await postgres.close()
        await redis.close()
    }

    static let calendar = WorkingCalendar.china

    @Test func aComplaintWalksTheWholeLoopWithItsUnitsKeyAndTheCitizensRating() async throws {
        try await withFleet { fleet in
            let (code, ticket, parts) = try await fleet.submit("小区门口的路灯不亮了好几天，晚上很黑", district: "futian", address: "福田区香蜜湖街道农园路")
            let lead = try #require(parts.first { $0.role == "lead" })
            let key = try await fleet.key(lead.department)
            let stranger = try await fleet.key("city:education")

            // The unit takes its next ticket: a lease, the appeal, the number masked.
            let (pulled, next) = try await fleet.call(.post, "/v1/departments/\(lead.department)/queue/next?wait=5", key: key)
            #expect(pulled == .ok)
            let lease = try #require(next["lease_id"] as? String)
            let view = try #require(next["ticket"] as? [String: Any])
            #expect(view["ticket_id"] as? String == ticket.uuidString.lowercased())
            let contact = try #require(view["contact"] as? [String: Any])
            #expect(contact["phone_masked"] as? String == "138****8001")
            #expect(!"\(next)".contains("13800138001"), "the real number never reaches a unit")
            #expect(!"\(next)".contains(code), "nor the citizen's tracking code, which rates the unit's reply")

            // The colon of a department code may come percent-encoded.
            let encoded = lead.department.replacingOccurrences(of: ":", with: "%3A")
            #expect(try await fleet.call(.get, "/v1/departments/\(encoded)/tickets/\(ticket)", key: key).0 == .ok)

            // Access: no key, another unit's key on this unit's path, another unit's own path.
            #expect(try await fleet.call(.get, "/v1/departments/\(lead.department)/tickets/\(ticket)").0 == .unauthorized)
            #expect(try await fleet.call(.get, "/v1/departments/\(lead.department)/tickets/\(ticket)", key: stranger).0 == .forbidden)
            #expect(try await fleet.call(.get, "/v1/departments/city:education/tickets/\(ticket)", key: stranger).0 == .notFound)
            #expect(try await fleet.call(.post, "/v1/departments/city:education/tickets/\(ticket)/accept", key: stranger, [:]).0 == .notFound)

            let path = "/v1/departments/\(lead.department)/tickets/\(ticket)"
            #expect(try await fleet.call(.post, path + "/accept", key: key, ["lease_id": lease]).0 == .ok)
            let (again, conflict) = try await fleet.call(.post, path + "/accept", key: key, [:])
            #expect(again == .conflict)
            #expect((conflict["current"] as? [String: String])?["ticket_status"] == "accepted")
            #expect(conflict["error"] as? String == "illegal_transition")

            // Two extensions with reasons, counted in working days from the old deadline; a third is refused.
            var due = try await fleet.postgres.query("SELECT reply_due_at FROM tickets WHERE id = $1", [ticket]).first!.decode("reply_due_at", as: Date.self)
            for days in [3, 2] {
                let (status, body) = try await fleet.call(.post, path + "/extension", key: key, ["reason": "需协调供电部门更换线路", "working_days": days])
                #expect(status == .ok, "\(body)")
                due = Self.calendar.deadline(addingWorkingDays: days, to: due.addingTimeInterval(-1)).at
                #expect(body["reply_due_at"] as? String == due.formatted(.iso8601))
            }
            let (third, refused) = try await fleet.call(.post, path + "/extension", key: key, ["reason": "还需要时间", "working_days": 1])
            #expect(third == .conflict && refused["error"] as? String == "limit_reached")
            let (bad, invalid) = try await fleet.call(.post, path + "/reply", key: key, ["text": 42])
            #expect(bad == .unprocessableContent && (invalid["fields"] as? [[String: String]])?.first?["field"] == "text")

            #expect(try await fleet.call(.post, path + "/reply", key: key, ["text": "已更换路灯线路，恢复照明"]).0 == .ok)
            // The callback role asks the citizen to evaluate and opens a callback visit (a complaint).
            try await eventually(timeout: .seconds(10), "evaluation request") { try await fleet.status(ticket) == "callback" }
            #expect(try await fleet.count("SELECT count(*) AS n FROM callback_visits WHERE ticket_id = $1 AND done_at IS NULL", [ticket]) == 1)
            let (_, visits) = try await fleet.call(.get, "/v1/visits", key: try await fleet.key(nil))
            #expect("\(visits)".contains(ticket.postgresText) && !"\(visits)".contains(code), "the visit queue names the ticket, not its tracking code")

            let token = try await fleet.ratingToken(code)
            let (early, _) = try await fleet.call(.post, "/v1/appeals/\(code)/rating", ["token": token, "speed": 5, "effect": 6, "service": 5, "quality": 5])
            #expect(early == .unprocessableContent)
            // The tracking code alone rates nothing: a unit that knew it could otherwise rate its own work.
            let (noToken, noTokenBody) = try await fleet.call(.post, "/v1/appeals/\(code)/rating", ["speed": 5, "effect": 5, "service": 5, "quality": 5])
            #expect(noToken == .unprocessableContent && (noTokenBody["fields"] as? [[String: String]])?.first?["field"] == "token")
            let (forged, forgedBody) = try await fleet.call(.post, "/v1/appeals/\(code)/rating",
                                                            ["token": "0123456789ABCDEF", "speed": 5, "effect": 5, "service": 5, "quality": 5])
            #expect(forged == .forbidden && (forgedBody["fields"] as? [[String: String]])?.first?["field"] == "token")
            let (rated, ratedBody) = try await fleet.call(.post, "/v1/appeals/\(code)/rating",
                                                          ["token": token.lowercased(), "speed": 5, "effect": 4, "service": 5, "quality": 4, "comment": "很快"])
            #expect(rated == .ok && ratedBody["status"] as? String == "rated", "\(ratedBody)")
            #expect(try await fleet.call(.post, "/v1/appeals/\(code)/rating", ["token": token, "speed": 5, "effect": 4, "service": 5, "quality": 4]).0 == .conflict,
                    "one rating per round")
            let operatorKey = try await fleet.key(nil)
            #expect(try await fleet.call(.post, "/v1/visits/\(ticket)", key: key, ["solved": true]).0 == .forbidden, "a unit cannot confirm its own visit")
            let (visited, closed) = try await fleet.call(.post, "/v1/visits/\(ticket)", key: operatorKey, ["solved": true])
            #expect(visited == .ok && closed["status"] as? String == "closed")

            // The citizen's parcel-style view.
            let (_, citizen) = try await fleet.call(.get, "/v1/appeals/\(code)")
            let steps = (citizen["timeline"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
            #expect(steps.contains { $0.contains("已签收") } && steps.contains { $0.contains("申请延期第2次") } && steps.last == "工单已办结", "\(steps)")

            // SMS at dispatch and at the evaluation request, once each, to the real number.
            try await eventually(timeout: .seconds(10), "SMS") { await fleet.sink.all("/sink/sms").count >= 2 }
            let sms = await fleet.sink.all("/sink/sms")
            #expect(Set(sms.map(\.idempotencyKey)).count == sms.count, "no message twice")
            #expect(sms.allSatisfy { $0.body["to"] == .string("13800138001") })
            #expect(sms.contains { if case .string(let text) = $0.body["text"] { text.contains("评价码\(token)") } else { false } }, "the token reaches the citizen")
        }
    }

    @Test func coHandlersDissatisfactionReturnAndSpecialSupervision() async throws {
        try await withFleet { fleet in
            let (code, ticket, parts) = try await fleet.submit("路边摊贩占用人行道摆摊，行人只能走机动车道", district: "futian", address: "福田区华强北街道振兴路")
            #expect(parts.count == 2, "a street office leads and the district's urban management co-handles: \(parts)")
            var keys: [String: String] = [:]
            for part in parts { keys[part.department] = try await fleet.key(part.department) }
            let lead = try #require(parts.first { $0.role == "lead" })
            let co = try #require(parts.first { $0.role == "co-handler" })
            func act(_ part: (id: Int64, department: String, role: String), _ action: String, _ body: [String: Any] = [:]) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await fleet.call(.post, "/v1/departments/\(part.department)/tickets/\(ticket)/\(action)", key: keys[part.department], body)
            }
            #expect(try await act(lead, "accept").0 == .ok)
            #expect(try await act(co, "accept").0 == .ok)
            let (_, afterLead) = try await act(lead, "reply", ["text": "已清理占道摊贩"])
            #expect(afterLead["status"] as? String == "accepted", "not replied until the co-handler sends its part")
            let (_, afterCo) = try await act(co, "reply", ["text": "已加强巡查"])
            #expect(afterCo["status"] as? String == "replied")
            try await eventually(timeout: .seconds(10), "evaluation request") { try await fleet.status(ticket) == "callback" }

            let unhappy: [String: Any] = ["speed": 4, "effect": 1, "service": 3, "quality": 3]
            let first = try await fleet.ratingToken(code)
            let (_, returned) = try await fleet.call(.post, "/v1/appeals/\(code)/rating", unhappy.merging(["token": first]) { $1 })
            #expect(returned["status"] as? String == "reopened" && returned["round"] as? Int == 2, "\(returned)")
            // Back on the lead unit's queue; accepting needs the unit leader in charge.
            let (pulled, next) = try await fleet.call(.post, "/v1/departments/\(lead.department)/queue/next?wait=5", key: keys[lead.department])
            #expect(pulled == .ok && (next["ticket"] as? [String: Any])?["round"] as? Int == 2)
            let (noLeader, missing) = try await act(lead, "accept")
            #expect(noLeader == .unprocessableContent && (missing["fields"] as? [[String: String]])?.first?["field"] == "leader")
            #expect(try await act(lead, "accept", ["leader": "街道办副主任 李某"]).0 == .ok)
            let (_, reReplied) = try await act(lead, "reply", ["text": "已设置隔离栏并安排专人值守"])
            #expect(reReplied["status"] as? String == "replied", "the co-handler's part stands")
            try await eventually(timeout: .seconds(10), "second evaluation request") { try await fleet.status(ticket) == "callback" }
            let second = try await fleet.ratingToken(code, round: 2)
            #expect(try await fleet.call(.post, "/v1/appeals/\(code)/rating", unhappy.merging(["token": first]) { $1 }).0 == .forbidden,
                    "a round's token does not rate the next")
            let (_, supervised) = try await fleet.call(.post, "/v1/appeals/\(code)/rating", unhappy.merging(["token": second]) { $1 })
            #expect(supervised["round"] as? Int == 3)
            #expect(try await fleet.count("SELECT count(*) AS n FROM supervisions WHERE ticket_id = $1 AND kind = 'special'", [ticket]) == 1)
            #expect(try await fleet.count("SELECT count(*) AS n FROM ratings WHERE ticket_id = $1", [ticket]) == 2)
            let leader: String? = try await fleet.postgres.query("SELECT leader FROM tickets WHERE id = $1", [ticket]).first!.decodeIfPresent("leader")
            #expect(leader == "街道办副主任 李某")
        }
    }

    @Test func anExpiredLeaseGoesToTheNextPullerAndArbitrationMovesADisputedTicket() async throws {
        // Long enough that a loaded CI machine still finds the lease held on the second desk's first try.
        try await withFleet(lease: .seconds(4)) { fleet in
            let (_, ticket, parts) = try await fleet.submit("小区旁边的路灯坏了不亮", district: "futian", address: "福田区香蜜湖街道",
                                                             anonymous: true, phone: "13912345678")
            let lead = try #require(parts.first { $0.role == "lead" })
            let (first, second) = (try await fleet.key(lead.department), try await fleet.key(lead.department))
            let queue = "/v1/departments/\(lead.department)/queue/next"
            let (_, taken) = try await fleet.call(.post, queue + "?wait=5", key: first)
            let firstLease = try #require(taken["lease_id"] as? String)
            let contact = (taken["ticket"] as? [String: Any])?["contact"] as? [String: Any]
            #expect((contact?["virtual_number"] as? String)?.hasPrefix("1700") == true && contact?["phone_masked"] == nil,
                    "an anonymous citizen is reached through a virtual number only")
            #expect(try await fleet.call(.post, queue, key: second).0 == .noContent, "held by the first desk")

            try await Task.sleep(for: .milliseconds(4200))
            let (_, retaken) = try await fleet.call(.post, queue + "?wait=5", key: second)
            let secondLease = try #require(retaken["lease_id"] as? String)
            #expect((retaken["ticket"] as? [String: Any])?["ticket_id"] as? String == ticket.uuidString.lowercased())
            let path = "/v1/departments/\(lead.department)/tickets/\(ticket)"
            let (lost, lostBody) = try await fleet.call(.post, path + "/accept", key: first, ["lease_id": firstLease])
            #expect(lost == .conflict && lostBody["error"] as? String == "lease_lost")

            // Returned as not its duty: the unit stays responsible until arbitration moves it.
            #expect(try await fleet.call(.post, path + "/return", key: second, ["lease_id": secondLease, "reason": "该路段路灯属供电局产权"]).0 == .ok)
            #expect(try await fleet.status(ticket) == "dispatched")
            let operatorKey = try await fleet.key(nil)
            #expect(try await fleet.call(.get, "/v1/arbitration", key: second).0 == .forbidden)
            let (_, disputes) = try await fleet.call(.get, "/v1/arbitration", key: operatorKey)
            let dispute = try #require((disputes["items"] as? [[String: Any]])?.first)
            #expect(dispute["reason"] as? String == "该路段路灯属供电局产权")
            let assignment = try #require(dispute["assignment_id"] as? Int)
            let (unknown, unknownBody) = try await fleet.call(.post, "/v1/arbitration/\(assignment)", key: operatorKey, ["move_to": "city:nowhere"])
            #expect(unknown == .unprocessableContent && (unknownBody["fields"] as? [[String: String]])?.first?["field"] == "move_to")
            let (badItem, badItemBody) = try await fleet.call(.post, "/v1/arbitration/\(assignment)", key: operatorKey,
                                                              ["move_to": "city:power-grid", "item": "utilities.no-such-item"])
            #expect(badItem == .unprocessableContent && (badItemBody["fields"] as? [[String: String]])?.first?["field"] == "item")
            // Upheld, with the item the appeal really is: the ticket takes it and the next model learns it.
            #expect(try await fleet.call(.post, "/v1/arbitration/\(assignment)", key: operatorKey,
                                         ["move_to": "city:power-grid", "item": "utilities.power-supply"]).0 == .ok)
            #expect(try await fleet.count("SELECT count(*) AS n FROM tickets WHERE id = $1 AND item_code = 'utilities.power-supply'", [ticket]) == 1)
            #expect(try await fleet.count("""
                SELECT count(*) AS n FROM training_examples WHERE ticket_id = $1 AND item_code = 'utilities.power-supply' AND source = 'return-upheld'
                """, [ticket]) == 1)

            let power = try await fleet.key("city:power-grid")
            let (_, moved) = try await fleet.call(.post, "/v1/departments/city:power-grid/queue/next?wait=5", key: power)
            #expect((moved["ticket"] as? [String: Any])?["ticket_id"] as? String == ticket.uuidString.lowercased())
            #expect(try await fleet.call(.post, "/v1/departments/city:power-grid/tickets/\(ticket)/accept", key: power,
                                         ["lease_id": moved["lease_id"] as? String ?? ""]).0 == .ok)
            #expect(try await fleet.status(ticket) == "accepted")
            #expect(try await fleet.call(.post, path + "/reply", key: second, ["text": "x"]).0 == .notFound, "the released unit holds no part")
        }
    }

    @Test func aStreetDutyWithNoPlaceWaitsForItsPlaceWithItsItemKnown() async throws {
        try await withFleet { fleet in
            let (code, ticket, parts) = try await fleet.submit("路边有人摆摊卖水果，把人行道全占了，推婴儿车都过不去", district: nil, address: "不记得路名了",
                                                                placedAs: "triage")
            #expect(parts.isEmpty, "no unit until a place is known")
            let (_, citizen) = try await fleet.call(.get, "/v1/appeals/\(code)")
            #expect(citizen["category"] as? String == "urban-management" && citizen["item"] as? String == "urban-management.street-vendor", "\(citizen)")
            let operatorKey = try await fleet.key(nil)
            let (_, triage) = try await fleet.call(.get, "/v1/triage", key: operatorKey)
            let waiting = try #require((triage["items"] as? [[String: Any]])?.first { $0["ticket_id"] as? String == ticket.postgresText })
            #expect(waiting["item"] as? String == "urban-management.street-vendor")
            // The operator only adds the place: the dispatcher's item stands and teaches nothing new.
            let (assigned, body) = try await fleet.call(.post, "/v1/triage/\(ticket)/assign", key: operatorKey,
                                                        ["departments": [["code": "street:futian.xiangmihu", "role": "lead"]]])
            #expect(assigned == .ok, "\(body)")
            #expect(try await fleet.count("SELECT count(*) AS n FROM tickets WHERE id = $1 AND item_code = 'urban-management.street-vendor'", [ticket]) == 1)
            #expect(try await fleet.count("SELECT count(*) AS n FROM training_examples WHERE ticket_id = $1", [ticket]) == 0)
        }
    }

    @Test func anUrgentReportOfACalmIncidentJoinsItAndMakesItUrgent() async throws {
        try await withFleet { fleet in
            let (_, parent, _) = try await fleet.submit("桂花路和福民路路口的井盖松了，车压过去哐哐响", district: "futian", address: "福田区福保街道桂花路")
            #expect(try await fleet.count("SELECT count(*) AS n FROM tickets WHERE id = $1 AND NOT urgent", [parent]) == 1)
            let (code, child, _) = try await fleet.submit("桂花路福民路路口井盖整个翻开了，刚才有个骑电动车的摔进去受伤了，很危险", district: "futian",
                                                          address: "福田区福保街道桂花路", placedAs: "linked")
            #expect(try await fleet.count("SELECT count(*) AS n FROM tickets WHERE id = $1 AND parent_id = $2", [child, parent]) == 1)
            #expect(try await fleet.count("""
                SELECT count(*) AS n FROM tickets WHERE id = $1 AND urgent AND intervene_due_at BETWEEN now() + interval '23 hours' AND now() + interval '24 hours'
                """, [parent]) == 1, "the incident is urgent now")
            #expect(try await fleet.count("SELECT count(*) AS n FROM sla_clocks WHERE ticket_id = $1 AND kind = 'intervention' AND stopped_at IS NULL", [parent]) == 1)
            let (_, citizen) = try await fleet.call(.get, "/v1/appeals/\(code)")
            let steps = (citizen["timeline"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(steps.contains("urgency_raised"), "\(steps)")
        }
    }

    @Test func aSecondReportOfOneIncidentIsLinkedHandledOnceAndItsCitizenHearsTheReply() async throws {
        try await withFleet { fleet in
            let (parentCode, parent, parts) = try await fleet.submit("民康路和民旺路交汇处那几盏路灯坏了，晚上一片漆黑，走路很危险", district: "longhua",
                                                            address: "民治街道民康路与民旺路交汇处")
            let (childCode, child, childParts) = try await fleet.submit("民旺路和民康路路口那几盏路灯一直不亮，晚上黑漆漆的", district: "longhua",
                                                                        address: "民治街道民旺路", phone: "13800138002", placedAs: "linked")
            #expect(childParts.isEmpty, "a linked report goes to no unit")
            #expect(try await fleet.postgres.query("SELECT parent_id FROM tickets WHERE id = $1", [child]).first?.decode("parent_id", as: UUID.self) == parent)
            #expect(try await fleet.count("SELECT count(*) AS n FROM ticket_events WHERE ticket_id = $1 AND kind = 'duplicate_linked'", [parent]) == 1)
            #expect(try await fleet.count("SELECT count(*) AS n FROM sla_clocks WHERE ticket_id = $1 AND stopped_at IS NULL", [child]) == 0,
                    "the parent's clocks run for the incident")
            // The same problem elsewhere on the street, and another problem at the same crossing, stay tickets of their own.
            _ = try await fleet.submit("人民路的路灯不亮了，晚上很黑", district: "longhua", address: "民治街道人民路")
            _ = try await fleet.submit("民康路和民旺路路口有人占道摆摊卖水果，行人只能走机动车道", district: "longhua", address: "民治街道民康路与民旺路交汇处")

            // The linked citizen follows the incident: its units, its holder, the merge; nothing to rate before the reply.
            let (_, view) = try await fleet.call(.get, "/v1/appeals/\(childCode)")
            #expect(view["status"] as? String == "linked")
            #expect((view["linked"] as? [String: Any])?["reports"] as? Int == 2, "\(view)")
            let lead = try #require(parts.first { $0.role == "lead" })
            #expect((view["departments"] as? [[String: Any]])?.contains { $0["department"] as? String == lead.department } == true)
            #expect((view["timeline"] as? [[String: Any]] ?? []).contains { ($0["text"] as? String)?.contains("合并办理") == true })
            #expect(view["can_rate"] as? Bool == false)
            #expect(try await fleet.call(.post, "/v1/appeals/\(childCode)/rating",
                                         ["token": "0123456789ABCDEF", "speed": 5, "effect": 5, "service": 5, "quality": 5]).0 == .forbidden)

            // The lead unit handles the parent once, seeing the other citizen's words; both citizens hear of the reply.
            let key = try await fleet.key(lead.department)
            let path = "/v1/departments/\(lead.department)/tickets/\(parent)"
            let (_, unitView) = try await fleet.call(.get, path, key: key)
            #expect((unitView["linked_reports"] as? [[String: Any]])?.first?["text"] as? String == "民旺路和民康路路口那几盏路灯一直不亮，晚上黑漆漆的")
            #expect(!"\(unitView)".contains("13800138002"), "the linked citizen's number stays hidden")
            #expect(try await fleet.call(.post, path + "/accept", key: key, [:]).0 == .ok)
            for part in parts where part.role != "lead" {
                let coKey = try await fleet.key(part.department)
                let coPath = "/v1/departments/\(part.department)/tickets/\(parent)"
                #expect(try await fleet.call(.post, coPath + "/accept", key: coKey, [:]).0 == .ok)
                #expect(try await fleet.call(.post, coPath + "/reply", key: coKey, ["text": "已配合排查"]).0 == .ok)
            }
            #expect(try await fleet.call(.post, path + "/reply", key: key, ["text": "已更换路灯线路，恢复照明"]).0 == .ok)
            try await eventually(timeout: .seconds(15), "the linked citizen's SMS of the reply") {
                await fleet.sink.all("/sink/sms").contains { $0.body["to"] == .string("13800138002") && "\($0.body["text"] ?? .null)".contains("已办理答复") }
            }
            let toChild = await fleet.sink.all("/sink/sms").filter { $0.body["to"] == .string("13800138002") }
            #expect(toChild.contains { "\($0.body["text"] ?? .null)".contains("合并办理") }, "told of the merge")
            #expect(toChild.allSatisfy { "\($0.body["text"] ?? .null)".contains(childCode) }, "under the citizen's own tracking code")
            #expect(!toChild.contains { "\($0.body["text"] ?? .null)".contains("已分拨至") }, "no dispatch SMS for a unit that was never theirs")

            // The linked citizen rates the incident's handling with a token of its own: its dissatisfaction is the incident's.
            let childToken = try await fleet.ratingToken(childCode)
            let parentToken = try await fleet.ratingToken(parentCode)
            #expect(childToken != parentToken)
            #expect(try await fleet.call(.get, "/v1/appeals/\(childCode)").1["can_rate"] as? Bool == true)
            let unhappy: [String: Any] = ["speed": 3, "effect": 1, "service": 3, "quality": 2]
            #expect(try await fleet.call(.post, "/v1/appeals/\(childCode)/rating", unhappy.merging(["token": parentToken]) { $1 }).0 == .forbidden,
                    "another citizen's token rates nothing")
            let (rated, ratedBody) = try await fleet.call(.post, "/v1/appeals/\(childCode)/rating", unhappy.merging(["token": childToken]) { $1 })
            #expect(rated == .ok && ratedBody["status"] as? String == "reopened" && ratedBody["round"] as? Int == 2, "\(ratedBody)")
            #expect(try await fleet.call(.post, "/v1/appeals/\(childCode)/rating", unhappy.merging(["token": childToken]) { $1 }).0 == .forbidden,
                    "the incident is in its second round now: the first round's token rates nothing more")
            #expect(try await fleet.status(parent) == "reopened")
            let (_, afterRating) = try await fleet.call(.get, "/v1/appeals/\(childCode)")
            #expect(afterRating["can_rate"] as? Bool == false)
            #expect((afterRating["timeline"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "rated" }, "the report's own step")
            #expect(try await fleet.count("SELECT count(*) AS n FROM ratings WHERE ticket_id = $1 AND round = 1", [child]) == 1)

            // A dispatcher reviews the links and undoes one: the report goes to manual triage on its own.
            let operatorKey = try await fleet.key(nil)
            let (_, links) = try await fleet.call(.get, "/v1/linked", key: operatorKey)
            #expect((links["items"] as? [[String: Any]])?.contains { $0["ticket_id"] as? String == child.postgresText } == true, "\(links)")
            let (missing, missingBody) = try await fleet.call(.post, "/v1/linked/\(child)/unlink", key: operatorKey, [:])
            #expect(missing == .unprocessableContent && (missingBody["fields"] as? [[String: String]])?.first?["field"] == "reason")
            #expect(try await fleet.call(.post, "/v1/linked/\(parent)/unlink", key: operatorKey, ["reason": "x"]).0 == .conflict)
            #expect(try await fleet.call(.post, "/v1/linked/\(child)/unlink", key: key, ["reason": "x"]).0 == .forbidden, "operators only")
            let (unlinked, unlinkedBody) = try await fleet.call(.post, "/v1/linked/\(child)/unlink", key: operatorKey, ["reason": "不是同一路口"])
            #expect(unlinked == .ok && unlinkedBody["status"] as? String == "triage", "\(unlinkedBody)")
            #expect(try await fleet.postgres.query("SELECT parent_id FROM tickets WHERE id = $1", [child]).first?.decodeIfPresent("parent_id", as: UUID.self) == nil)
            let (_, triage) = try await fleet.call(.get, "/v1/triage", key: operatorKey)
            #expect((triage["items"] as? [[String: Any]])?.contains { $0["ticket_id"] as? String == child.postgresText } == true)
            for staffView in ["\(links)", "\(triage)", "\(unitView)"] {
                #expect(!staffView.contains(childCode) && !staffView.contains(parentCode), "staff see ticket ids, never a citizen's tracking code")
            }
        }
    }

    @Test func aWebhookThatFailsTwiceIsDeliveredOnceSignedAndADeadSMSGoesToTheDeadLetterStream() async throws {
        try await withFleet(webhookFailures: 2, smsPath: "/sink/broken") { fleet in
            let (code, ticket, _) = try await fleet.submit("路灯不亮了，晚上很危险", district: "futian", address: "福田区香蜜湖街道")
            try await eventually(timeout: .seconds(15), "webhook delivered") {
                try await fleet.count("SELECT count(*) AS n FROM notifications WHERE ticket_id = $1 AND transport = 'webhook' AND status = 'sent'", [ticket]) == 1
            }
            let calls = await fleet.sink.all("/sink/webhook")
            #expect(calls.count == 3, "two failures, then success")
            #expect(Set(calls.map(\.idempotencyKey)).count == 1, "one message, retried")
            for call in calls {
                let expected = NotificationSender.signature(secret: Fleet.secret, timestamp: call.timestamp, idempotencyKey: call.idempotencyKey, body: call.raw)
                #expect(call.signature == "sha256=" + expected)
            }
            #expect(calls.last?.body["tracking_code"] == .string(code) && calls.last?.body["event"] == .string("dispatched"))

            try await eventually(timeout: .seconds(15), "dead letter") { try await fleet.redis.streamLength(StreamNames.callbackDeadLetters) >= 1 }
            let dead = try await fleet.redis.entries(StreamNames.callbackDeadLetters)
            #expect(dead.first?.fields["transport"] == "sms" && dead.first?.fields["error"] == "HTTP 500" && dead.first?.fields["attempts"] == "3")
            #expect(try await fleet.count("SELECT count(*) AS n FROM notifications WHERE ticket_id = $1 AND status = 'dead'", [ticket]) == 1)
            #expect(await fleet.sink.all("/sink/broken").count == 3)
        }
    }
}

@Suite struct WebhookConfigurationTests {
    @Test func parsesChannelTargetsAndRejectsNonsense() throws {
        let targets = try WebhookTarget.parse("app=https://example.org/hook|s3cret, mini-program=http://127.0.0.1:8080/cb?x=1|k=ey")
        #expect(targets["app"] == WebhookTarget(url: URL(string: "https://example.org/hook")!, secret: "s3cret"))
        #expect(targets["mini-program"]?.url.absoluteString == "http://127.0.0.1:8080/cb?x=1" && targets["mini-program"]?.secret == "k=ey")
        // Codes and rating tokens travel in webhooks: plain http only to loopback, unless a development sink is allowed.
        #expect(throws: ConfigurationError.self) { try WebhookTarget.parse("app=http://10.0.0.1:8080/cb|k") }
        #expect(try WebhookTarget.parse("app=http://dev-sink:8099/webhook/app|k", allowPlainHTTP: true)["app"] != nil)
        #expect(throws: ConfigurationError.self) { try WebhookTarget.parse("app=ftp://x|y") }
        #expect(throws: ConfigurationError.self) { try WebhookTarget.parse("app") }
        #expect(try WebhookTarget.parse("").isEmpty)
    }

    @Test func signatureIsHMACSHA256OfTimestampKeyAndBody() {
        // The receiver's side, computed independently with Python's hmac module:
        // hmac.new(b"key", b"1700000000.suban-42.{}", hashlib.sha256).hexdigest()
        #expect(NotificationSender.signature(secret: "key", timestamp: "1700000000", idempotencyKey: "suban-42", body: Data("{}".utf8))
                == "7a8df4fe2f90a756e56647ee6d05c77910fc5f548d9dc1e2b97501bbd873baf0")
        #expect(NotificationSender.signature(secret: "key", timestamp: "1700000000", idempotencyKey: "suban-43", body: Data("{}".utf8))
                != "7a8df4fe2f90a756e56647ee6d05c77910fc5f548d9dc1e2b97501bbd873baf0", "replayed under another key, it no longer verifies")
    }
}
