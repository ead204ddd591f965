import Logging
import Redis
import SubanTestSupport
import Synchronization
import Testing
@testable import SubanWorkers

/// The consumer's rules on a stream in memory: a bad entry does not hold back its batch,
/// failures count only while the consumer's dependencies are up, poison is buried with its
/// error, an outage and killed consumers bury nothing, a dead consumer's entries are taken
/// over, a lost group is made again. `PoisonEntryTests` holds the same rules to Redis.
@Suite struct StreamConsumerTests {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "cannot handle it" }
    }

    final class Handled: Sendable {
        let ids = Mutex<[String]>([])
        func add(_ entries: [StreamEntry]) { ids.withLock { $0 += entries.map(\.id) } }
        var all: [String] { ids.withLock { $0 } }
    }

    static func consumer(_ stream: InMemoryConsumerStream, name: String = "worker-1", probe: @escaping @Sendable () async -> Bool = { true })
        -> StreamConsumer {
        var configuration = StreamConsumer.Configuration(stream: "suban:{test}:in", group: "workers", consumer: name)
        configuration.claimIdle = .seconds(30)
        configuration.claimInterval = .milliseconds(5)
        configuration.maxDeliveries = 3
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return StreamConsumer(configuration: configuration, stream: stream, logger: logger, probe: probe)
    }

    /// Handles every entry but those whose `n` is in `bad`, acknowledging what it handled.
    static func process(_ consumer: StreamConsumer, refusing bad: Set<String> = [], into handled: Handled) -> ([StreamEntry]) async throws -> Void {
        { entries in
            if entries.contains(where: { bad.contains($0.fields["n"] ?? "") }) { throw Refused() }
            handled.add(entries)
            try await consumer.ack(entries)
        }
    }

    @Test func aBadEntryDoesNotHoldBackItsBatchAndOnlyItsFailureCounts() async throws {
        let stream = InMemoryConsumerStream()
        var ids: [String] = []
        for n in 0..<5 { ids.append(await stream.add(["n": "\(n)"])) }
        let consumer = Self.consumer(stream, probe: { Issue.record("asked although the batch-mates succeeded"); return false })
        let handled = Handled()
        let batch = try await stream.read(count: 10, block: .zero, consumer: "worker-1")
        try await consumer.handle(batch, Self.process(consumer, refusing: ["2"], into: handled))
        #expect(handled.all == ids.enumerated().filter { $0.offset != 2 }.map(\.element))
        #expect(await stream.held.keys.sorted() == [ids[2]], "the bad one stays pending")
        let failure = await stream.failure(of: ids[2])
        #expect(failure.counted == 1 && failure.error == "worker-1: cannot handle it")
    }

    @Test(arguments: [true, false])
    func aLoneFailureCountsOnlyWhenTheProbeFindsTheDependenciesUp(_ up: Bool) async throws {
        let stream = InMemoryConsumerStream()
        let id = await stream.add(["n": "1"])
        let consumer = Self.consumer(stream, probe: { up })
        let batch = try await stream.read(count: 10, block: .zero, consumer: "worker-1")
        await #expect(throws: Refused.self) { try await consumer.handle(batch, Self.process(consumer, refusing: ["1"], into: Handled())) }
        let failure = await stream.failure(of: id)
        #expect(failure.error != nil, "the error is kept either way")
        #expect(failure.counted == (up ? 1 : 0))
    }

    /// (deliveries, counted failures, an error recorded, buried)
    @Test(arguments: [
        (3, 3, true, true),      // failed every time while everything else was up: poison
        (9, 0, true, false),     // failed only during an outage: retried, never buried
        (3, 2, true, false),     // not yet
        (6, 0, false, true),     // never failed, but took down every consumer it reached, twice over
        (5, 0, false, false),    // consumers killed while holding it: not the entry's fault
    ])
    func whatIsBuried(_ deliveries: Int, _ counted: Int, _ errorRecorded: Bool, _ buried: Bool) async throws {
        let stream = InMemoryConsumerStream()
        let id = await stream.add(["n": "1", "ticket": "t-1"])
        _ = try await stream.read(count: 1, block: .zero, consumer: "worker-0")
        for _ in 1..<deliveries {
            await stream.advance(by: .seconds(31))
            _ = try await stream.claim(idle: .seconds(30), count: 10, consumer: "worker-0")
        }
        if errorRecorded { await stream.recordFailures([(id, "worker-0: cannot handle it")], counted: false) }
        for _ in 0..<counted { await stream.recordFailures([(id, "worker-0: cannot handle it")], counted: true) }
        await stream.advance(by: .seconds(31))
        try await Self.consumer(stream).buryPoison(healthy: true)

        let letters = await stream.deadLetters
        #expect(letters.count == (buried ? 1 : 0))
        #expect(await stream.held[id] == nil ? buried : !buried, "buried means acknowledged, else still pending")
        if let letter = letters.first {
            #expect(letter["n"] == "1" && letter["ticket"] == "t-1" && letter["dead.source_id"] == id && letter["dead.deliveries"] == "\(deliveries)")
            #expect(letter["dead.error"] == (errorRecorded ? "worker-0: cannot handle it" : "no error recorded: every consumer that took it died"))
            #expect(await stream.failure(of: id).counted == 0, "its failures are forgotten with it")
        }
    }

    @Test func nothingIsBuriedWhileNothingElseSucceedsAndTheProbeFindsTheDependenciesDown() async throws {
        let stream = InMemoryConsumerStream()
        let id = await stream.add(["n": "1"])
        _ = try await stream.read(count: 1, block: .zero, consumer: "worker-0")
        for _ in 0..<3 {
            await stream.recordFailures([(id, "cannot handle it")], counted: true)
            await stream.advance(by: .seconds(31))
            _ = try await stream.claim(idle: .seconds(30), count: 10, consumer: "worker-0")
        }
        await stream.advance(by: .seconds(31))
        try await Self.consumer(stream, probe: { false }).buryPoison(healthy: false)
        #expect(await stream.deadLetters.isEmpty)
        try await Self.consumer(stream, probe: { true }).buryPoison(healthy: false)
        #expect(await stream.deadLetters.count == 1, "once the probe finds them up")
    }

    @Test func aDeadConsumersEntriesAreTakenOverOnceIdleAndALostGroupIsMadeAgain() async throws {
        let stream = InMemoryConsumerStream()
        let first = await stream.add(["n": "1"])
        _ = try await stream.read(count: 1, block: .zero, consumer: "dead-worker")   // it dies holding the entry
        let consumer = Self.consumer(stream)
        let handled = Handled()
        let running = Task { await consumer.run(Self.process(consumer, into: handled)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(handled.all.isEmpty, "not before it has been idle for claimIdle")
        await stream.advance(by: .seconds(31))
        try await eventually { handled.all == [first] }

        await stream.loseGroup()
        let second = await stream.add(["n": "2"])
        try await eventually { handled.all.filter { $0 == second }.count == 1 }
        running.cancel()
        await running.value
        #expect(await stream.held.isEmpty)
    }
}
