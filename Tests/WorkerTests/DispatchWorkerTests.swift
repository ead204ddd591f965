import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanTestSupport
import Testing
@testable import SubanWorkers

/// The dispatch role on the real servers: a redelivered batch records nothing twice.
@Suite("Dispatch worker") struct DispatchWorkerTests {
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
}
