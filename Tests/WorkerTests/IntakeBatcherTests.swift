import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanTestSupport
import Testing
@testable import SubanWorkers

/// The intake role's writer: deadlines from the calendar as stored, and one ticket however
/// many submissions of one appeal arrive at once.
@Suite("Intake batcher") struct IntakeBatcherTests {
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
