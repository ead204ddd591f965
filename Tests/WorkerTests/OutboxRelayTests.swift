import Foundation
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanTestSupport
import Testing
@testable import SubanWorkers

/// The relay: rows their writer committed but did not publish reach Redis, each entry once.
@Suite("Outbox relay") struct OutboxRelayTests {
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
}
