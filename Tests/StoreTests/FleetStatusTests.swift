import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// `suban status` on live servers: lag, pending and consumers of a group, a
/// department queue, dead letters, the outbox backlog and running deadlines.
@Suite("Fleet status") struct FleetStatusTests {
    @Test func reportsWhatTheServersHoldAsTablesAndAsJSON() async throws {
        let databaseURL = try await TestServers.freshDatabase()
        let (redisURL, redis) = try await TestServers.freshRedis()
        let postgres = PostgresClient(url: databaseURL, maxConnections: 2, threadPool: TestServers.threadPool)

        // Three tickets recorded; their outbox rows stay unpublished, as after a crash before publishing.
        let tickets = (0..<3).map { NewTicket(appeal: AppealSamples.appeal("status-\($0)")) }
        _ = try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }
        // The dispatch group: four entries, two delivered to one consumer and not acknowledged.
        try await redis.createGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup)
        for ticket in tickets + [tickets[0]] { try await redis.xadd(StreamNames.newTickets, fields: ["ticket": ticket.id.postgresText]) }
        _ = try await redis.readGroup(StreamNames.newTickets, group: StreamNames.dispatchGroup, consumer: "dispatch-a", count: 2, block: .milliseconds(10))
        let queue = StreamNames.departmentQueue("futian:urban-management")
        try await redis.xadd(queue, fields: ["assignment": "1"])
        try await redis.xadd(StreamNames.callbackDeadLetters, fields: ["error": "HTTP 500"])

        let status = try await FleetStatus.collect(redis: redis, postgres: postgres)
        let newTickets = try #require(status.streams.first { $0.name == StreamNames.newTickets })
        #expect(newTickets.length == 4)
        let dispatch = try #require(newTickets.groups.first)
        #expect(dispatch.name == "dispatch" && dispatch.lag == 2 && dispatch.pending == 2)
        #expect(dispatch.consumers.map(\.name) == ["dispatch-a"] && dispatch.consumers.first?.pending == 2)
        #expect((dispatch.oldestPendingSeconds ?? -1) >= 0 && (dispatch.oldestPendingSeconds ?? .infinity) < 600)
        #expect(status.departmentQueues.streams == 1 && status.departmentQueues.length == 1)
        #expect(status.departmentQueues.busiest.first?.name == queue)
        #expect(status.deadLetters[StreamNames.callbackDeadLetters] == 1)
        #expect(status.outbox.entries == 6, "a new-ticket entry and a received event per ticket")
        #expect(status.outbox.rows == 1, "all of them written by one change")
        #expect(status.openTickets == ["received": 3])
        let clocks = try #require(status.deadlines.first { $0.kind == "dispatch" })
        #expect(clocks.running == 3 && clocks.dueWithin24Hours == 3 && clocks.overdue == 0)

        let table = status.rendered
        #expect(table.contains("suban:{tickets}:new") && table.contains("dispatch-a (2,") && table.contains("received 3"), "\(table)")

        // The command itself, as an operator runs it.
        let command = try RoleProcess(["status", "--json"], environment: ["DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "LOG_LEVEL": "error"])
        await command.waitForExit(killAfter: .seconds(30))
        #expect(command.process.terminationStatus == 0, "\(command.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(command.output.utf8)) as? [String: Any], "\(command.output)")
        #expect((json["outbox"] as? [String: Any])?["entries"] as? Int == 6)
        #expect((json["department_queues"] as? [String: Any])?["streams"] as? Int == 1)
        await postgres.close()
        await redis.close()
    }
}
