import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanTestSupport
import Testing
@testable import SubanWorkers

/// The delivery guarantee piece by piece: outbox relay, duplicate-proof
/// publishing, and dispatch that records nothing twice when redelivered.
@Suite("Delivery guarantees") struct DeliveryTests {
    @Test func committedButUnpublishedTicketsAreRelayed() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        // The intake process "dies" right after COMMIT: nothing was published.
        let tickets = (0..<3).map { NewTicket(appeal: AppealSamples.appeal("relay-\($0)")) }
        let recorded = try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }
        #expect(recorded.outbox.count == 6, "a dispatch entry and a received event per ticket")
        #expect(try await redis.streamLength(StreamNames.newTickets) == 0)

        var configuration = OutboxRelay.Configuration()
        configuration.minimumAge = .zero
        let relay = OutboxRelay(configuration: configuration, publisher: publisher, logger: TestServers.logger)
        #expect(try await relay.runOnce().entries == 6)
        #expect(try await relay.runOnce().entries == 0)
        let entries = try await redis.entries(StreamNames.newTickets)
        #expect(Set(entries.compactMap { $0.fields["ticket"] }) == Set(tickets.map { $0.id.uuidString.lowercased() }))

        // Publishing the same rows again (a relay racing the writer) adds nothing.
        try await publisher.publish(recorded.outbox)
        #expect(try await redis.streamLength(StreamNames.newTickets) == 3)
        #expect(try await redis.streamLength(StreamNames.events) == 3)
        await postgres.close()
        await redis.close()
    }

    @Test func aRowIsKeptUntilRedisHasEveryEntryOfItAndNoneIsPublishedTwice() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        // One change, three entries; the second's key holds a string, so Redis refuses that XADD.
        let messages = try OutboxPublisher.messages(in: try await postgres.query("""
            WITH messages AS (SELECT * FROM (VALUES ('s:good', '{"n": "1"}'::jsonb, 1), ('s:blocked', '{"n": "2"}'::jsonb, 2),
                                                    ('s:good', '{"n": "3"}'::jsonb, 3)) AS m(stream, fields, n))
            \(OutboxMessage.insertMessages)
            """))
        #expect(messages.map(\.index) == [0, 1, 2] && Set(messages.map(\.id)).count == 1)
        #expect(messages.map { $0.fields["n"] } == ["1", "2", "3"])
        _ = try await redis.send("SET", "s:blocked", "not a stream")
        await #expect(throws: RedisError.self) { try await publisher.publish(messages) }
        #expect(try await redis.streamLength("s:good") == 2)
        #expect(try await postgres.query("SELECT 1 FROM outbox").count == 1, "kept for the relay")

        _ = try await redis.send("DEL", "s:blocked")
        var configuration = OutboxRelay.Configuration()
        configuration.minimumAge = .zero
        let relayed = try await OutboxRelay(configuration: configuration, publisher: publisher, logger: TestServers.logger).runOnce()
        #expect(relayed.rows == 1 && relayed.entries == 3)
        #expect(try await redis.entries("s:good").compactMap { $0.fields["n"] } == ["1", "3"], "the entries already out are not doubled")
        #expect(try await redis.entries("s:blocked").compactMap { $0.fields["n"] } == ["2"])
        #expect(try await postgres.query("SELECT 1 FROM outbox").isEmpty)
        await postgres.close()
        await redis.close()
    }

    @Test func redeliveredTicketsAreDispatchedOnce() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        let tickets = [NewTicket(appeal: AppealSamples.appeal("d-1")), NewTicket(appeal: AppealSamples.appeal("d-2", text: "广场舞音响太大声", district: "nanshan"))]
        let recorded = try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }
        try await publisher.publish(recorded.outbox)

        let worker = DispatchWorker(configuration: .init(consumer: "test"), redis: redis, postgres: postgres, publisher: publisher,
                                    logger: TestServers.logger)
        try await redis.createGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup)
        let entries = try await redis.readGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup, consumer: "test", count: 10)
        let dispatcher = try await worker.loadDispatcher()
        try await worker.process(entries, with: dispatcher)
        try await worker.process(entries, with: dispatcher)  // the same entries delivered again

        let assignments = try await postgres.query("SELECT ticket_id, department_code, role FROM assignments ORDER BY id")
        #expect(assignments.count == 4, "lead + co-handler for each ticket")
        let departments = try assignments.map { try $0.decode("department_code", as: String.self) }
        #expect(departments.contains("futian:housing") && departments.contains("nanshan:gov"))
        for department in departments {
            #expect(try await redis.streamLength(StreamNames.departmentQueue(department)) == 1, "\(department)")
        }
        let statuses = try await postgres.query("SELECT DISTINCT status FROM tickets")
        #expect(try statuses.map { try $0.decode("status", as: String.self) } == ["dispatched"])
        let events = try await redis.entries(StreamNames.events).compactMap { $0.fields["event"] }
        #expect(events.filter { $0 == "dispatched" }.count == 2)
        #expect(events.filter { $0 == "assigned" }.count == 4)
        #expect(try await redis.pendingSummary(StreamNames.newTickets, group: StreamNames.dispatchGroup).count == 0, "acknowledged")
        #expect(try await postgres.query("SELECT 1 FROM outbox").isEmpty)
        await postgres.close()
        await redis.close()
    }

    @Test func storedDeadlinesCrossTheSpringFestival() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 1, threadPool: TestServers.threadPool)
        // A complaint on Friday 2026-02-13 15:00 Beijing: 15 working days skip Feb 15–23 and count Saturday Feb 28.
        let received = LocalDay(2026, 2, 13).start.addingTimeInterval(15 * 3600)
        let ticket = NewTicket(appeal: AppealSamples.appeal("deadline-1"), receivedAt: received)
        _ = try await postgres.transaction { try TicketStore.recordAppeals([ticket], on: $0) }
        let row = try #require(try await postgres.query("SELECT reply_due_at, reply_due_provisional FROM tickets").first)
        #expect(try row.decode("reply_due_at", as: Date.self) == LocalDay(2026, 3, 13).start, "the end of 2026-03-12")
        #expect(try row.decode("reply_due_provisional", as: Bool.self) == false)
        await postgres.close()
    }

    @Test func concurrentDuplicateSubmissionsMakeOneTicket() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let outbox = OutboxQueue(publisher: OutboxPublisher(redis: redis, postgres: postgres), logger: TestServers.logger)
        let batcher = IntakeBatcher(postgres: postgres, outbox: outbox, logger: TestServers.logger)
        let runner = Task { try await batcher.run() }
        let receipts = try await withThrowingTaskGroup(of: IntakeReceipt.self) { group in
            for _ in 0..<20 { group.addTask { try await batcher.submit(NewTicket(appeal: AppealSamples.appeal("same-ref"))) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.ticketID)).count == 1)
        #expect(Set(receipts.map(\.trackingCode)).count == 1)
        #expect(receipts.filter { !$0.duplicate }.count == 1)
        #expect(try await postgres.query("SELECT count(*) AS n FROM tickets").first!.decode("n", as: Int.self) == 1)
        runner.cancel()
        await postgres.close()
        await redis.close()
    }
}
