import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Redis
import SubanAPI
import SubanCore
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// Intake's HTTP contract on a live server backed by real PostgreSQL and Redis.
@Suite("Intake over HTTP") struct IntakeHTTPTests {
    struct Fixture {
        let postgres: PostgresClient
        let redis: RedisClient
        /// A key for every channel, by channel name.
        let keys: [String: String]

        /// Authorization with the key of the channel `body` names (hotline's when it names none readable).
        func headers(_ body: ByteBuffer, _ extra: HTTPFields = [:]) -> HTTPFields {
            IntakeHTTPTests.headers(keys, for: body, extra)
        }
    }

    /// Keys of every channel that files through `POST /v1/appeals`, revoked ones answered at once.
    static func channelKeys(_ postgres: PostgresClient) async throws -> [String: String] {
        try await postgres.withConnection { connection in
            Dictionary(uniqueKeysWithValues: try Channel.direct.map { ($0.rawValue, try APIKeys.create(channel: $0, label: "test-\($0.rawValue)", on: connection).token) })
        }
    }

    static func headers(_ keys: [String: String], for body: ByteBuffer, _ extra: HTTPFields = [:]) -> HTTPFields {
        let named = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])?["channel"] as? String
        var headers = extra
        headers[.authorization] = "Bearer \(keys[named ?? "hotline"] ?? keys["hotline"]!)"
        return headers
    }

    func withFixture(limiter: ClientRateLimiter? = nil, _ body: @escaping @Sendable (Fixture, any TestClientProtocol) async throws -> Void) async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let outbox = OutboxQueue(publisher: OutboxPublisher(redis: redis, postgres: postgres), logger: TestServers.logger)
        let batcher = IntakeBatcher(postgres: postgres, outbox: outbox, logger: TestServers.logger)
        let keys = ChannelKeys(postgres: postgres, ttl: .zero, refusedTTL: .zero)
        let routes = RouteSet(intake: IntakeRoutes(batcher: batcher, keys: keys, limiter: limiter), citizen: CitizenRoutes(postgres: postgres))
        let app = buildApplication(routes, host: "127.0.0.1", port: 0, services: [outbox, batcher], logger: TestServers.logger)
        let channelKeys = try await Self.channelKeys(postgres)
        try await app.test(.live) { client in
            try await body(Fixture(postgres: postgres, redis: redis, keys: channelKeys), client)
        }
        await postgres.close()
        await redis.close()
    }

    func ticketCount(_ postgres: PostgresClient) async throws -> Int {
        try await postgres.query("SELECT count(*) AS n FROM tickets").first!.decode("n", as: Int.self)
    }

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func acceptsAnAppealOnceItIsDurableAndReturnsTheSameTicketOnRetry() async throws {
        try await withFixture { fixture, client in
            let body = ByteBuffer(data: AppealSamples.json(AppealSamples.body(channelRef: "retry-1", index: 0, channel: "hotline")))
            var first: [String: Any] = [:]
            try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(body), body: body) { response in
                #expect(response.status == .accepted)
                first = try Self.object(response.body)
            }
            let ticket = try #require(first["ticket_id"] as? String)
            let code = try #require(first["tracking_code"] as? String)
            #expect(first["duplicate"] as? Bool == false)
            let stored = try await fixture.postgres.query("SELECT tracking_code FROM tickets WHERE id = $1::uuid", [ticket])
            #expect(try stored.first?.decode("tracking_code", as: String.self) == code, "durable before the 202")

            try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(body), body: body) { response in
                #expect(response.status == .accepted)
                let again = try Self.object(response.body)
                #expect(again["ticket_id"] as? String == ticket)
                #expect(again["tracking_code"] as? String == code)
                #expect(again["duplicate"] as? Bool == true)
            }
            #expect(try await ticketCount(fixture.postgres) == 1)
            try await eventually { try await fixture.postgres.query("SELECT 1 FROM outbox").isEmpty }
            #expect(try await fixture.redis.streamLength(StreamNames.newTickets) == 1, "one dispatch entry for both submissions")

            try await client.execute(uri: "/v1/appeals/\(code)", method: .get) { response in
                #expect(response.status == .ok)
                let view = try Self.object(response.body)
                #expect(view["status"] as? String == "received")
                #expect(view["reply_due_at"] is String && view["reply_due_provisional"] as? Bool == false, "a complaint's 15-working-day limit")
                #expect((view["timeline"] as? [[String: Any]])?.first?["kind"] as? String == "received")
                #expect(String(buffer: response.body).contains("13800138") == false, "no phone number in the citizen view")
            }
        }
    }

    /// A used ref with another body is another appeal, not a retry: 409 naming the field, and
    /// neither the first citizen's tracking code nor a silent loss of the second appeal.
    @Test func anotherAppealUnderAUsedRefIsAConflictAndRevealsNothing() async throws {
        try await withFixture { fixture, client in
            let first = AppealSamples.body(channelRef: "reused-1", index: 0, channel: "app")
            var code = ""
            let firstBody = ByteBuffer(data: AppealSamples.json(first))
            try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(firstBody), body: firstBody) { response in
                #expect(response.status == .accepted)
                code = try #require(try Self.object(response.body)["tracking_code"] as? String)
            }
            var other = AppealSamples.body(channelRef: "reused-1", index: 1, channel: "app")
            other["type"] = "consultation"
            let otherBody = ByteBuffer(data: AppealSamples.json(other))
            try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(otherBody), body: otherBody) { response in
                #expect(response.status == .conflict)
                let answer = try Self.object(response.body)
                #expect((answer["fields"] as? [[String: String]])?.first?["field"] == "channel_ref", "\(answer)")
                #expect(!String(buffer: response.body).contains(code), "the first citizen's code stays theirs")
            }
            // The same body again, keys in another order, is a retry: the first ticket.
            let reordered = try JSONSerialization.data(withJSONObject: first, options: [.sortedKeys])
            let reorderedBody = ByteBuffer(data: reordered)
            try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(reorderedBody), body: reorderedBody) { response in
                #expect(response.status == .accepted)
                let again = try Self.object(response.body)
                #expect(again["tracking_code"] as? String == code)
            }
            #expect(try await ticketCount(fixture.postgres) == 1)
        }
    }

    /// Each channel files with its own key and the channel is the key's: no key, a staff key, a
    /// revoked key or another channel's name in the body are refused before anything is stored.
    @Test func theChannelIsTheKeysNotTheBodys() async throws {
        try await withFixture { fixture, client in
            var body = AppealSamples.body(channelRef: "keyed-1", index: 0, channel: "app")
            body["channel"] = nil
            let plain = ByteBuffer(data: AppealSamples.json(body))
            let (staff, unit, revoked, open311) = try await fixture.postgres.withConnection { connection in
                (try APIKeys.create(department: nil, label: "operator", on: connection).token,
                 try APIKeys.create(department: "futian:urban-management", label: "unit", on: connection).token,
                 try APIKeys.create(channel: .web, label: "old web key", on: connection),
                 try APIKeys.create(channel: .open311, label: "open311", on: connection).token)
            }
            _ = try await fixture.postgres.withConnection { try APIKeys.revoke(id: revoked.id, on: $0) }
            for (name, authorization) in [("no key", nil), ("an operator key", staff), ("a unit's key", unit), ("a revoked key", revoked.token)] {
                let headers: HTTPFields = authorization.map { [.authorization: "Bearer \($0)"] } ?? [:]
                try await client.execute(uri: "/v1/appeals", method: .post, headers: headers, body: plain) { response in
                    #expect(response.status == .unauthorized, "\(name)")
                    let fields = (try Self.object(response.body)["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                    #expect(fields == ["authorization"], "\(name)")
                }
            }
            var hotline = body
            hotline["channel"] = "hotline"
            try await client.execute(uri: "/v1/appeals", method: .post, headers: [.authorization: "Bearer \(fixture.keys["app"]!)"],
                                     body: ByteBuffer(data: AppealSamples.json(hotline))) { response in
                #expect(response.status == .forbidden)
                let answer = try Self.object(response.body)
                #expect(answer["error"] as? String == "wrong_channel")
            }
            try await client.execute(uri: "/v1/appeals", method: .post, headers: [.authorization: "Bearer \(open311)"], body: plain) { response in
                #expect(response.status == .unprocessableContent, "Open311 requests come through /open311/v2 only")
            }
            #expect(try await ticketCount(fixture.postgres) == 0)
            try await client.execute(uri: "/v1/appeals", method: .post, headers: [.authorization: "Bearer \(fixture.keys["app"]!)"], body: plain) { response in
                #expect(response.status == .accepted)
            }
            let stored = try await fixture.postgres.query("SELECT channel FROM tickets").first?.decode("channel", as: String.self)
            #expect(stored == "app", "the key's channel, though the body named none")
        }
    }

    struct BadRequest: Sendable, CustomTestStringConvertible {
        var name: String
        var body: [UInt8]
        var status: HTTPResponse.Status
        var field: String
        var testDescription: String { name }

        init(name: String, body: String, status: HTTPResponse.Status, field: String) {
            self.init(name: name, bytes: Array(body.utf8), status: status, field: field)
        }

        init(name: String, bytes: [UInt8], status: HTTPResponse.Status, field: String) {
            self.name = name
            self.body = bytes
            self.status = status
            self.field = field
        }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(name: "malformed JSON", body: "{\"channel\": ", status: .badRequest, field: "body"),
        BadRequest(name: "not JSON at all", body: "channel=hotline", status: .badRequest, field: "body"),
        BadRequest(name: "empty body", body: "", status: .badRequest, field: "body"),
        BadRequest(name: "array body", body: "[]", status: .unprocessableContent, field: "body"),
        BadRequest(name: "unknown type", body: #"{"channel":"app","channel_ref":"x","type":"praise","text":"t","location":{"district":"futian"},"contact":{"anonymous":true}}"#,
                   status: .unprocessableContent, field: "type"),
        BadRequest(name: "unknown district", body: #"{"channel":"app","channel_ref":"x","type":"help","text":"t","location":{"district":"haidian"},"contact":{"anonymous":true}}"#,
                   status: .unprocessableContent, field: "location.district"),
        BadRequest(name: "a channel that is not the key's", body: #"{"channel":"telex","channel_ref":"x","type":"help","text":"t","location":{"district":"futian"},"contact":{"anonymous":true}}"#,
                   status: .forbidden, field: "channel"),
        BadRequest(name: "unknown field", body: #"{"channel":"app","channel_ref":"x","type":"help","text":"t","location":{"district":"futian"},"contact":{"anonymous":true},"admin":true}"#,
                   status: .unprocessableContent, field: "admin"),
        BadRequest(name: "missing text", body: #"{"channel":"app","channel_ref":"x","type":"help","location":{"district":"futian"},"contact":{"anonymous":true}}"#,
                   status: .unprocessableContent, field: "text"),
        BadRequest(name: "text over the limit", body: #"{"channel":"app","channel_ref":"x","type":"help","text":"\#(String(repeating: "长", count: 2001))","location":{"district":"futian"},"contact":{"anonymous":true}}"#,
                   status: .unprocessableContent, field: "text"),
        BadRequest(name: "body over the limit", body: String(repeating: " ", count: 70_000) + "{}", status: .contentTooLarge, field: "body"),
        BadRequest(name: "nested 30,000 deep", body: String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000),
                   status: .badRequest, field: "body"),
        BadRequest(name: "invalid UTF-8", bytes: [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d], status: .badRequest, field: "body"),
    ]

    @Test func rejectsBadInputWithJSONNamingTheFieldAndRecordsNothing() async throws {
        try await withFixture { fixture, client in
            for bad in Self.badRequests {
                let badBody = ByteBuffer(bytes: bad.body)
                try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(badBody), body: badBody) { response in
                    #expect(response.status == bad.status, "\(bad.name)")
                    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(bad.name)")
                    let error = try Self.object(response.body)
                    let fields = (error["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
                    #expect(fields.contains(bad.field), "\(bad.name): \(fields)")
                    #expect(error["error"] is String && error["message"] is String, "\(bad.name)")
                }
            }
            #expect(try await ticketCount(fixture.postgres) == 0)
            #expect(try await fixture.redis.streamLength(StreamNames.newTickets) == 0)
        }
    }

    @Test func storeDownAnswers503WithRetryAfterAndAcknowledgesNothing() async throws {
        let deadStore = PostgresClient(url: "postgresql://suban@127.0.0.1:1/suban?connect_timeout=1", maxConnections: 2,
                                       threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let outbox = OutboxQueue(publisher: OutboxPublisher(redis: redis, postgres: deadStore), logger: TestServers.logger)
        let batcher = IntakeBatcher(postgres: deadStore, outbox: outbox, logger: TestServers.logger)
        let app = buildApplication(RouteSet(intake: IntakeRoutes(batcher: batcher, keys: ChannelKeys(postgres: deadStore))), host: "127.0.0.1", port: 0,
                                   services: [outbox, batcher], logger: TestServers.logger)
        try await app.test(.live) { client in
            let body = ByteBuffer(data: AppealSamples.json(AppealSamples.body(channelRef: "down-1", index: 1)))
            // The key cannot be checked either: the same 503, nothing promised.
            try await client.execute(uri: "/v1/appeals", method: .post, headers: [.authorization: "Bearer sbk_any"], body: body) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                let error = try Self.object(response.body)
                #expect(error["error"] as? String == "store_unavailable")
                #expect(error["ticket_id"] == nil, "no ticket was promised")
            }
        }
        #expect(try await redis.streamLength(StreamNames.newTickets) == 0)
        await deadStore.close()
        await redis.close()
    }

    @Test func redisDownStillStoresAndAnswersAndPublishesWhenRedisReturns() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: TestServers.threadPool)
        var unreachable = try RedisConfiguration(url: "redis://127.0.0.1:1")
        unreachable.maxConnections = 2
        let deadRedis = RedisClient(configuration: unreachable, threadPool: TestServers.threadPool)
        let outbox = OutboxQueue(publisher: OutboxPublisher(redis: deadRedis, postgres: postgres), logger: TestServers.logger)
        let batcher = IntakeBatcher(postgres: postgres, outbox: outbox, logger: TestServers.logger)
        let app = buildApplication(RouteSet(intake: IntakeRoutes(batcher: batcher, keys: ChannelKeys(postgres: postgres))), host: "127.0.0.1", port: 0,
                                   services: [outbox, batcher], logger: TestServers.logger)
        let keys = try await Self.channelKeys(postgres)
        let tickets = try await app.test(.live) { client in
            var tickets: [String] = []
            for index in 0..<3 {
                let body = ByteBuffer(data: AppealSamples.json(AppealSamples.body(channelRef: "redis-down-\(index)", index: index)))
                tickets.append(try await client.execute(uri: "/v1/appeals", method: .post, headers: Self.headers(keys, for: body), body: body) { response in
                    #expect(response.status == .accepted, "stored, so acknowledged")
                    return try #require(try Self.object(response.body)["ticket_id"] as? String)
                })
            }
            return tickets
        }
        #expect(try await ticketCount(postgres) == 3)
        #expect(try await postgres.query("SELECT sum(jsonb_array_length(messages))::int AS n FROM outbox").first!.decode("n", as: Int.self) == 6,
                "waiting for Redis")

        // Redis is back: the relay every intake and dispatch process runs publishes what waited.
        let (_, redis) = try await TestServers.freshRedis()
        var configuration = OutboxRelay.Configuration()
        configuration.minimumAge = .zero
        let relay = OutboxRelay(configuration: configuration, publisher: OutboxPublisher(redis: redis, postgres: postgres), logger: TestServers.logger)
        #expect(try await relay.runOnce().entries == 6)
        #expect(Set(try await redis.entries(StreamNames.newTickets).compactMap { $0.fields["ticket"] }) == Set(tickets))
        #expect(try await postgres.query("SELECT count(*) AS n FROM outbox").first!.decode("n", as: Int.self) == 0)
        await deadRedis.close()
        await redis.close()
        await postgres.close()
    }

    @Test func aClientOverItsRateGets429WithRetryAfterAndOthersAreServed() async throws {
        var limits = ClientRateLimiter.Configuration()
        // One token a hundred seconds: however slow the machine, the burst is not refilled during the test.
        limits.rate = 0.01
        limits.burst = 3
        limits.exempt = ["10.9.9.9"]
        limits.trustedProxies = [AddressRange("127.0.0.1")!]   // the test client plays the gateway
        try await withFixture(limiter: ClientRateLimiter(configuration: limits)) { fixture, client in
            func submit(_ index: Int, from address: String?) async throws -> (HTTPResponse.Status, String?, [String: Any]) {
                let body = ByteBuffer(data: AppealSamples.json(AppealSamples.body(channelRef: "rate-\(index)", index: index)))
                var headers: HTTPFields = [:]
                // What a client wrote itself comes first; the gateway appends the address it saw.
                if let address { headers[HTTPField.Name("X-Forwarded-For")!] = "10.0.0.\(index), \(address)" }
                return try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(body, headers), body: body) { response in
                    (response.status, response.headers[.retryAfter], try Self.object(response.body))
                }
            }
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<4 { statuses.append(try await submit(index, from: "203.0.113.7").0) }
            #expect(statuses == [.accepted, .accepted, .accepted, .tooManyRequests])
            let (limited, retryAfter, error) = try await submit(4, from: "203.0.113.7")
            #expect(limited == .tooManyRequests && error["error"] as? String == "rate_limited", "\(error)")
            #expect((1...100).contains(Int(retryAfter ?? "") ?? 0), "seconds until the next token: \(retryAfter ?? "none")")
            #expect(try await submit(5, from: "198.51.100.1").0 == .accepted, "another client has its own bucket")
            for index in 6..<10 { #expect(try await submit(index, from: "10.9.9.9").0 == .accepted, "an exempt address") }
            #expect(try await ticketCount(fixture.postgres) == 8, "nothing recorded for a refused request")
        }
        // Straight to intake, not through a trusted proxy: X-Forwarded-For is the client's own words.
        limits.trustedProxies = [AddressRange("10.0.0.0/8")!]
        limits.exempt = []
        try await withFixture(limiter: ClientRateLimiter(configuration: limits)) { fixture, client in
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<4 {
                let body = ByteBuffer(data: AppealSamples.json(AppealSamples.body(channelRef: "spoof-\(index)", index: index)))
                let headers: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "198.51.100.\(index)"]
                statuses.append(try await client.execute(uri: "/v1/appeals", method: .post, headers: fixture.headers(body, headers), body: body) { $0.status })
            }
            #expect(statuses == [.accepted, .accepted, .accepted, .tooManyRequests], "a new address in the header each time is still one client")
        }
    }

    @Test(arguments: [
        // peer, X-Forwarded-For, the client
        ("203.0.113.7", ["127.0.0.1"], "203.0.113.7"),
        ("172.18.0.3", ["1.2.3.4, 203.0.113.7"], "203.0.113.7"),
        ("172.18.0.3", ["203.0.113.7, 172.18.0.9"], "203.0.113.7"),
        ("172.18.0.3", ["203.0.113.7", "172.18.0.9"], "203.0.113.7"),
        ("172.18.0.3", [], "172.18.0.3"),
        ("172.18.0.3", ["fd00::1"], "fd00::1"),
    ])
    func theClientIsTheAddressTheTrustedProxiesSaw(_ peer: String, _ forwarded: [String], _ expected: String) {
        let proxies = ["172.16.0.0/12", "fd00::/8"].compactMap(AddressRange.init)
        #expect(ClientRateLimiter.client(peer: peer, forwardedFor: forwarded, trustedProxies: proxies) == expected)
    }

    @Test func addressRangesParseAndMatch() {
        #expect(AddressRange("172.16.0.0/12")?.contains("172.31.255.1") == true)
        #expect(AddressRange("172.16.0.0/12")?.contains("172.32.0.1") == false)
        #expect(AddressRange("10.0.0.7")?.contains("10.0.0.7") == true && AddressRange("10.0.0.7")?.contains("10.0.0.8") == false)
        #expect(AddressRange("fd00::/8")?.contains("fd12::1") == true && AddressRange("fd00::/8")?.contains("10.0.0.1") == false)
        #expect(AddressRange("0.0.0.0/0")?.contains("8.8.8.8") == true)
        for bad in ["", "gateway", "10.0.0.0/33", "10.0.0/8", "::1/129"] { #expect(AddressRange(bad) == nil, "\(bad)") }
    }

    @Test func unknownRoutesAndCodesAnswerJSON404() async throws {
        try await withFixture { _, client in
            for uri in ["/v1/nothing", "/v1/appeals/short", "/v1/appeals/\(String(repeating: "A", count: 26))"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    let error = try Self.object(response.body)
                    #expect(error["error"] != nil, "\(uri)")
                }
            }
        }
    }
}
