import BlockingIO
import Foundation
import Postgres
import Redis
import ServiceLifecycle
import SubanCore
import SubanStore
import SubanTestSupport
import Testing
@testable import SubanWorkers

/// The writer's fast path to Redis: whole rows in, whole rows out, and whatever it cannot
/// hold left in PostgreSQL for the relay.
@Suite struct OutboxQueueTests {
    static func rows(_ sizes: [Int]) -> [OutboxMessage] {
        sizes.enumerated().flatMap { id, size in
            (0..<size).map { OutboxMessage(id: Int64(id + 1), index: $0, stream: "s", fields: [:]) }
        }
    }

    @Test(arguments: [
        ([3, 2, 4], 5, false, 5), ([3, 2, 4], 4, false, 3), ([3, 2, 4], 9, false, 9), ([3, 2, 4], 2, false, 0),
        ([3, 2, 4], 2, true, 3), ([3, 2, 4], 0, true, 3), ([1, 1, 1], 2, false, 2), ([], 5, true, 0),
    ])
    func batchesAndTheBoundTakeWholeRows(sizes: [Int], limit: Int, atLeastOne: Bool, taken: Int) {
        #expect(OutboxQueue.wholeRows(of: Self.rows(sizes), upTo: limit, atLeastOne: atLeastOne) == taken)
    }

    /// A row the queue cannot hold whole stays whole in PostgreSQL: before rows were kept
    /// whole, its first entries went out, the row was deleted and the rest were lost.
    @Test func aRowTooBigForTheQueueIsLeftWholeToTheRelay() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        let tickets = (0..<5).map { NewTicket(appeal: AppealSamples.appeal("whole-\($0)")) }
        let recorded = try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }
        #expect(recorded.outbox.count == 10, "one row: a new-ticket entry and an event for each")

        var configuration = OutboxQueue.Configuration()
        configuration.capacity = 4
        let queue = OutboxQueue(configuration: configuration, publisher: publisher, logger: TestServers.logger)
        await queue.enqueue(recorded.outbox)
        let group = ServiceGroup(configuration: .init(services: [queue], logger: TestServers.logger))
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(200))
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await redis.streamLength(StreamNames.newTickets) == 0, "nothing of the row went out")
        #expect(try await postgres.query("SELECT 1 FROM outbox").count == 1)

        var relayConfiguration = OutboxRelay.Configuration()
        relayConfiguration.minimumAge = .zero
        let relayed = try await OutboxRelay(configuration: relayConfiguration, publisher: publisher, logger: TestServers.logger).runOnce()
        #expect(relayed.rows == 1 && relayed.entries == 10)
        #expect(try await redis.streamLength(StreamNames.newTickets) == 5)
        #expect(try await redis.streamLength(StreamNames.events) == 5)
        #expect(try await postgres.query("SELECT 1 FROM outbox").isEmpty)
        await postgres.close()
        await redis.close()
    }

    /// Batches smaller than a row still publish it whole, and delete it once Redis has it.
    @Test func queuedRowsArePublishedWholeAndDeleted() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        var configuration = OutboxQueue.Configuration()
        configuration.maxBatch = 3
        let queue = OutboxQueue(configuration: configuration, publisher: OutboxPublisher(redis: redis, postgres: postgres), logger: TestServers.logger)
        for batch in 0..<4 {
            let tickets = (0..<3).map { NewTicket(appeal: AppealSamples.appeal("drain-\(batch)-\($0)")) }
            await queue.enqueue(try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }.outbox)
        }
        let group = ServiceGroup(configuration: .init(services: [queue], logger: TestServers.logger))
        let running = Task { try await group.run() }
        try await eventually("the queue drained") { try await postgres.query("SELECT 1 FROM outbox").isEmpty }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(try await redis.streamLength(StreamNames.newTickets) == 12)
        #expect(try await redis.streamLength(StreamNames.events) == 12)
        #expect(try await postgres.query("SELECT 1 FROM outbox").isEmpty)
        await postgres.close()
        await redis.close()
    }
}
