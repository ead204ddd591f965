import Foundation
import Redis
import SubanStore
import SubanWorkers
import Synchronization
import SubanTestSupport
import Testing

/// An entry that fails on every delivery goes to the dead letters with its error;
/// its batch-mates are handled; an outage buries nothing; operators replay.
@Suite("Poison entries and dead letters") struct PoisonEntryTests {
    struct Poison: Error, CustomStringConvertible {
        var description: String { "cannot handle entry 2" }
    }

    final class Handled: Sendable {
        let ids = Mutex<[String]>([])
        func add(_ entries: [StreamEntry]) { ids.withLock { $0 += entries.map(\.id) } }
        var all: [String] { ids.withLock { $0 } }
    }

    static func consumer(_ redis: RedisClient, stream: String, probe: @escaping @Sendable () async -> Bool) -> StreamConsumer {
        var configuration = StreamConsumer.Configuration(stream: stream, group: "workers", consumer: "worker-1")
        configuration.claimIdle = .milliseconds(150)
        configuration.claimInterval = .milliseconds(100)
        configuration.block = .milliseconds(50)
        configuration.maxDeliveries = 3
        return StreamConsumer(configuration: configuration, redis: redis, logger: TestServers.logger, probe: probe)
    }

    @Test func aPoisonEntryIsBuriedWithItsErrorAndItsBatchMatesAreHandledOnce() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        let stream = "suban:{test}:in"
        let consumer = Self.consumer(redis, stream: stream) { true }
        try await redis.createGroup(stream, group: "workers")
        var ids: [String] = []
        for n in 0..<5 { ids.append(try await redis.xadd(stream, fields: ["n": "\(n)"])) }
        let handled = Handled()
        let running = Task {
            await consumer.run { entries in
                if entries.contains(where: { $0.fields["n"] == "2" }) { throw Poison() }
                handled.add(entries)
                try await consumer.ack(entries)
            }
        }
        let dead = consumer.configuration.deadLetters
        try await eventually(timeout: .seconds(20), "the poison entry buried") { try await redis.streamLength(dead) == 1 }
        running.cancel()
        await running.value

        #expect(handled.all.sorted() == ids.enumerated().filter { $0.offset != 2 }.map(\.element).sorted(), "each good entry once")
        let letter = try #require(try await redis.entries(dead).first)
        #expect(letter.fields["n"] == "2" && letter.fields["dead.source_id"] == ids[2])
        #expect(Int(letter.fields["dead.deliveries"] ?? "") ?? 0 >= 3)
        #expect(letter.fields["dead.error"]?.contains("cannot handle entry 2") == true, "\(letter.fields)")
        #expect(try await redis.pendingSummary(stream, group: "workers").count == 0, "acknowledged once buried")
        #expect(try await redis.send("HLEN", StreamNames.failures(of: stream, group: "workers")).int == 0)
    }

    /// Consumers killed while holding an entry make it look delivered often, but it never
    /// failed: it is handled, not buried. One that took down twice as many is buried.
    @Test func anEntryWhoseConsumersDiedIsNotPoisonUnlessItKilledEveryOne() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        let stream = "suban:{test}:killed"
        try await redis.createGroup(stream, group: "workers")
        let survivor = try await redis.xadd(stream, fields: ["n": "survivor"])
        _ = try await redis.readGroup(stream, group: "workers", consumer: "killed-0", count: 1, block: nil)
        for n in 1...3 { _ = try await redis.autoClaim(stream, group: "workers", consumer: "killed-\(n)", minIdle: .zero, count: 10) }
        let crasher = try await redis.xadd(stream, fields: ["n": "crasher"])
        _ = try await redis.readGroup(stream, group: "workers", consumer: "killed-0", count: 1, block: nil)
        for n in 1...5 { _ = try await redis.send("XCLAIM", stream, "workers", "killed-\(n)", 0, crasher) }
        let deliveries = Dictionary(uniqueKeysWithValues: try await redis.pending(stream, group: "workers", count: 10).map { ($0.id, $0.deliveries) })
        #expect(deliveries == [survivor: 4, crasher: 6])
        try await Task.sleep(for: .milliseconds(200))

        let consumer = Self.consumer(redis, stream: stream) { true }
        let handled = Handled()
        let running = Task {
            await consumer.run { entries in
                handled.add(entries)
                try await consumer.ack(entries)
            }
        }
        try await eventually(timeout: .seconds(20), "the survivor handled") { handled.all.contains(survivor) }
        running.cancel()
        await running.value
        #expect(handled.all == [survivor])
        let letters = try await redis.entries(consumer.configuration.deadLetters)
        #expect(letters.map { $0.fields["dead.source_id"] } == [crasher])
        #expect(letters.first?.fields["dead.error"]?.contains("no error recorded") == true)
    }

    @Test func anOutageBuriesNothing() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        let stream = "suban:{test}:outage"
        // The store is down: every entry fails and the probe says so.
        let consumer = Self.consumer(redis, stream: stream) { false }
        try await redis.createGroup(stream, group: "workers")
        for n in 0..<3 { try await redis.xadd(stream, fields: ["n": "\(n)"]) }
        let running = Task { await consumer.run { _ in throw Poison() } }
        try await eventually(timeout: .seconds(20), "entries delivered past the limit") {
            let pending = try await redis.pending(stream, group: "workers", count: 10)
            return pending.count == 3 && pending.allSatisfy { $0.deliveries > 3 }
        }
        running.cancel()
        await running.value
        #expect(try await redis.streamLength(consumer.configuration.deadLetters) == 0)
        #expect(try await redis.pendingSummary(stream, group: "workers").count == 3, "still pending, to be retried when the store is back")
    }

    /// The case the rule used to get wrong: entries delivered past the limit during an outage
    /// (their errors recorded) were buried as soon as the store answered again, untried.
    @Test func entriesThatFailedOnlyInAnOutageAreHandledWhenItEnds() async throws {
        let (_, redis) = try await TestServers.freshRedis()
        let stream = "suban:{test}:recovery"
        let storeUp = Mutex(false)
        let consumer = Self.consumer(redis, stream: stream) { storeUp.withLock { $0 } }
        try await redis.createGroup(stream, group: "workers")
        var ids: [String] = []
        for n in 0..<3 { ids.append(try await redis.xadd(stream, fields: ["n": "\(n)"])) }
        let handled = Handled()
        let running = Task {
            await consumer.run { entries in
                guard storeUp.withLock({ $0 }) else { throw Poison() }
                handled.add(entries)
                try await consumer.ack(entries)
            }
        }
        try await eventually(timeout: .seconds(20), "entries delivered past the limit in the outage") {
            let pending = try await redis.pending(stream, group: "workers", count: 10)
            return pending.count == 3 && pending.allSatisfy { $0.deliveries > 3 }
        }
        storeUp.withLock { $0 = true }
        try await eventually(timeout: .seconds(20), "every entry handled after the outage") { handled.all.count == 3 }
        running.cancel()
        await running.value
        #expect(handled.all.sorted() == ids.sorted())
        #expect(try await redis.streamLength(consumer.configuration.deadLetters) == 0)
    }

    @Test func operatorsListShowAndReplayDeadLetters() async throws {
        let (redisURL, redis) = try await TestServers.freshRedis()
        let dead = StreamNames.deadLetters(of: StreamNames.newTickets, group: StreamNames.dispatchGroup)
        let id = try await redis.xadd(dead, fields: ["ticket": "6f1c0a52-0000-4000-8000-000000000001", "dead.source_id": "1-0",
                                                     "dead.deliveries": "5", "dead.error": "dispatch-1: boom"])
        let environment = ["REDIS_URL": redisURL, "LOG_LEVEL": "error"]
        func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            let process = try RoleProcess(["dead-letters"] + arguments, environment: environment)
            await process.waitForExit(killAfter: .seconds(30))
            return (process.process.terminationStatus, process.output)
        }
        let listed = try await run(["list"])
        #expect(listed.status == 0 && listed.output.contains(id) && listed.output.contains("dispatch-1: boom"), "\(listed.output)")
        let shown = try await run(["show", id])
        #expect(shown.status == 0 && shown.output.contains("dead.deliveries: 5"), "\(shown.output)")
        #expect(try await run(["show", "9-9"]).status != 0)
        #expect(try await run(["replay"]).status != 0, "ids or --all")

        let replayed = try await run(["replay", id])
        #expect(replayed.status == 0, "\(replayed.output)")
        #expect(try await redis.streamLength(dead) == 0)
        let back = try #require(try await redis.entries(StreamNames.newTickets).first)
        #expect(back.fields == ["ticket": "6f1c0a52-0000-4000-8000-000000000001"], "the entry as it was, without what burying added")
    }
}
