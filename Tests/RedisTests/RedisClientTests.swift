import Foundation
import SubanTestSupport
import Testing
@testable import Redis

@Suite("Redis client on a real server") struct RedisClientTests {
    @Test func argumentsAreBinarySafe() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        let value: [UInt8] = Array("龙华\u{0}街道".utf8) + [0x00, 0xff, 0x0d, 0x0a]
        try await redis.send("SET", [UInt8]([0x6b, 0x00, 0x31]), value)
        #expect(try await redis.send("GET", [UInt8]([0x6b, 0x00, 0x31])).bytes == value)
        #expect(try await redis.send("GET", "k").isNull, "a key cut at its NUL would be 'k'")
        try await redis.send("SET", "中文键", "深圳市民意速办")
        #expect(try await redis.send("GET", "中文键").string == "深圳市民意速办")
        await redis.close()
    }

    @Test func pipelineIsOneRoundTripAndKeepsErrorsInPlace() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        var commands = (0..<1000).map { _ in RedisCommand("INCR", "counter") }
        commands.insert(RedisCommand("NOSUCHCOMMAND"), at: 500)
        let replies = try await redis.pipeline(commands)
        #expect(replies.count == 1001)
        #expect(replies[499] == .integer(500))
        guard case .error(let message) = replies[500] else { Issue.record("expected an error reply"); return }
        #expect(message.contains("unknown command"))
        #expect(replies[1000] == .integer(1000))
        await redis.close()
    }

    @Test func serverErrorsAreThrownWithTheServersMessage() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        try await redis.send("SET", "s", "x")
        await #expect(throws: RedisError.self) { try await redis.send("LPUSH", "s", "y") }
        do {
            try await redis.send("LPUSH", "s", "y")
        } catch let error as RedisError {
            #expect(error.serverCode == "WRONGTYPE")
        }
        await redis.close()
    }

    @Test func streamsThroughAConsumerGroup() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        let stream = "test:{s}:stream"
        try await redis.createGroup(stream, group: "g")
        try await redis.createGroup(stream, group: "g")  // idempotent
        for index in 0..<5 {
            try await redis.xadd(stream, fields: ["n": "\(index)", "text": "第\(index)张工单"], maxLength: 1000)
        }
        let first = try await redis.readGroup(stream, group: "g", consumer: "a", count: 3, block: .milliseconds(100))
        #expect(first.map { $0.fields["n"] } == ["0", "1", "2"])
        #expect(first[1].fields["text"] == "第1张工单")
        #expect(try await redis.ack(stream, group: "g", ids: [first[0].id]) == 1)

        let summary = try await redis.pendingSummary(stream, group: "g")
        #expect(summary.count == 2 && summary.perConsumer == ["a": 2])
        #expect(try await redis.pending(stream, group: "g", count: 10).map(\.consumer) == ["a", "a"])

        // Consumer a dies; b takes over what a left pending for longer than the idle time.
        try await Task.sleep(for: .milliseconds(150))
        let claimed = try await redis.autoClaim(stream, group: "g", consumer: "b", minIdle: .milliseconds(100), count: 10)
        #expect(claimed.entries.map(\.id) == Array(first.map(\.id).dropFirst()))
        let rest = try await redis.readGroup(stream, group: "g", consumer: "b", count: 10, block: .milliseconds(100))
        #expect(rest.count == 2)
        let empty = try await redis.readGroup(stream, group: "g", consumer: "b", count: 10, block: .milliseconds(100))
        #expect(empty.isEmpty, "BLOCK times out with no entries")

        let groups = try await redis.groups(stream)
        #expect(groups.map(\.name) == ["g"] && groups[0].pending == 4 && groups[0].lag == 0)
        #expect(Set(try await redis.consumers(stream, group: "g").map(\.name)) == ["a", "b"])
        #expect(try await redis.streamLength(stream) == 5)
        #expect(try await redis.groups("test:{s}:missing").isEmpty)
        await redis.close()
    }

    @Test func reconnectsAfterTheConnectionIsKilled() async throws {
        let (_, redis) = try await TestServers.freshRedis(maxConnections: 1)
        let victim = try #require(try await redis.send("CLIENT", "ID").int)
        let (_, killer) = try await TestServers.freshRedis(maxConnections: 1)
        try await killer.send("CLIENT", "KILL", "ID", Int(victim))
        // The first call on the dead socket fails and discards it; the next one reconnects.
        var answered = false
        for _ in 0..<3 where !answered {
            answered = (try? await redis.send("PING")) == .status("PONG")
        }
        #expect(answered)
        await redis.close()
        await killer.close()
    }

    @Test func unreachableServerFailsFastAndBacksOff() async throws {
        let configuration = RedisConfiguration(host: "127.0.0.1", port: 1, connectTimeout: .milliseconds(500))
        let redis = RedisClient(configuration: configuration, threadPool: TestServers.threadPool,
                                backoff: .init(initial: .milliseconds(100), maximum: .milliseconds(100)))
        let start = ContinuousClock.now
        await #expect(throws: RedisError.self) { try await redis.send("PING") }
        await #expect(throws: RedisError.self) { try await redis.send("PING") }
        #expect(ContinuousClock.now - start >= .milliseconds(50), "the second attempt waited out a back-off")
        await redis.close()
    }
}
