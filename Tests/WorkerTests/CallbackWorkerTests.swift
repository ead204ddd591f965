import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanTestSupport
import Testing
@testable import SubanWorkers

/// The callback role on the real servers: what citizens hear of, once each however often an
/// event is delivered; an event of a newer kind is passed over, an unreadable one buried.
@Suite("Callback worker") struct CallbackWorkerTests {
    @Test func eachCitizenHearsOfDispatchOnceAndUnreadableEventsAreBuried() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        let tickets = [NewTicket(appeal: AppealSamples.appeal("cb-1")), NewTicket(appeal: AppealSamples.appeal("cb-2", text: "广场舞音响太大声", district: "nanshan"))]
        let recorded = try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }
        try await publisher.publish(recorded.outbox)
        let dispatch = DispatchWorker(configuration: .init(consumer: "test"), redis: redis, postgres: postgres, publisher: publisher,
                                      logger: TestServers.logger)
        try await redis.createGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup)
        try await dispatch.process(try await redis.readGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup, consumer: "test", count: 10),
                                   with: try await dispatch.loadDispatcher())

        try await redis.createGroup(StreamNames.events, group: StreamNames.callbackGroup)
        _ = try await redis.xadd(StreamNames.events, fields: ["event": "from_a_newer_version", "ticket": tickets[0].id.postgresText])
        _ = try await redis.xadd(StreamNames.events, fields: ["what": "no kind, no ticket"])
        let callback = CallbackWorker(consumer: "test", redis: redis, postgres: postgres, publisher: publisher, webhookChannels: [],
                                      logger: TestServers.logger)
        let entries = try await redis.readGroup(StreamNames.events, group: StreamNames.callbackGroup, consumer: "test", count: 100)
        // Two received, two dispatched and four assigned events, the newer kind and the unreadable one.
        #expect(entries.count == 10)
        try await callback.process(entries)
        try await callback.process(entries)  // the same entries delivered again

        let notices = try await postgres.query("SELECT ticket_id, transport, payload::text AS payload FROM notifications ORDER BY id")
        #expect(notices.count == 2, "one SMS per citizen, about the dispatch")
        for (notice, ticket) in zip(notices, tickets) {
            #expect(try notice.decode("ticket_id", as: UUID.self) == ticket.id)
            #expect(try notice.decode("transport", as: String.self) == "sms")
            #expect(try notice.decode("payload", as: String.self).contains(ticket.trackingCode), "the citizen's own code, to the citizen")
        }
        let buried = try await redis.entries(StreamNames.deadLetters(of: StreamNames.events, group: StreamNames.callbackGroup))
        #expect(buried.count == 1)
        #expect(buried.first?.fields["what"] == "no kind, no ticket")
        #expect(try await redis.pendingSummary(StreamNames.events, group: StreamNames.callbackGroup).count == 0, "all acknowledged")
        await postgres.close()
        await redis.close()
    }
}
