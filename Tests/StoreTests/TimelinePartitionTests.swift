import Foundation
import Postgres
import SubanCore
import SubanStore
import SubanTestSupport
import Testing

/// The timeline is partitioned by month (China time): migrating keeps every row,
/// months ahead exist, and a month made late takes the rows the default partition caught.
@Suite("Timeline partitioned by month") struct TimelinePartitionTests {
    static func partition(of id: Int64, _ postgres: PostgresClient) async throws -> String {
        try await postgres.query("SELECT tableoid::regclass::text AS p FROM ticket_events WHERE id = $1", [id])[0].decode("p")
    }

    @Test func migratingKeepsEveryStepAndMonthsArePartitionsInChinaTime() async throws {
        let url = try await TestServers.freshDatabase(migrated: false)
        let postgres = PostgresClient(url: url, maxConnections: 2, threadPool: TestServers.threadPool)
        let before = Migrator(migrations: Schema.migrator.migrations.filter { $0.version < 7 })
        _ = try await postgres.withConnection { try before.migrate($0, logger: TestServers.logger) }
        let ticket = UUID()
        try await postgres.query("""
            INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at)
            VALUES ($1, 'P1', 'app', 'p1', 'help', false, 'x', false, 'received', now(), now())
            """, [ticket])
        // Two steps a month apart before partitioning: the older one is 2 months back.
        let old = try await postgres.query("INSERT INTO ticket_events (ticket_id, kind, at) VALUES ($1, 'received', now() - interval '2 months') RETURNING id",
                                           [ticket])[0].decode("id", as: Int64.self)
        let recent = try await postgres.query("INSERT INTO ticket_events (ticket_id, kind) VALUES ($1, 'dispatched') RETURNING id", [ticket])[0].decode("id", as: Int64.self)

        #expect(try await postgres.withConnection { try Schema.migrator.migrate($0, logger: TestServers.logger) } == Array(7...Schema.migrator.migrations.last!.version))
        let kinds = try await postgres.query("SELECT id, kind FROM ticket_events ORDER BY id").map { try $0.decode("kind", as: String.self) }
        #expect(kinds == ["received", "dispatched"], "every step kept, in order")
        let month = { (date: String) in "ticket_events_" + date.prefix(7).replacingOccurrences(of: "-", with: "") }
        let now = LocalDay(containing: Date())
        #expect(try await Self.partition(of: recent, postgres) == month(now.description))
        #expect(try await Self.partition(of: old, postgres).hasPrefix("ticket_events_2"))
        let ahead = now.adding(days: 95)
        #expect(try await postgres.query("SELECT to_regclass($1) IS NOT NULL AS made", [month(ahead.description)])[0].decode("made", as: Bool.self),
                "three months ahead exist")
        let next = try await postgres.query("INSERT INTO ticket_events (ticket_id, kind) VALUES ($1, 'accepted') RETURNING id", [ticket])[0].decode("id", as: Int64.self)
        #expect(next > recent, "the id sequence goes on")

        // 2024-03-31 16:30 UTC is April 1st 00:30 in Shenzhen: April's row, caught by the
        // default partition until April 2024 is made late, then moved into it.
        let late = try await postgres.query("""
            INSERT INTO ticket_events (ticket_id, kind, at) VALUES ($1, 'replied', '2024-03-31 16:30:00+00') RETURNING id
            """, [ticket])[0].decode("id", as: Int64.self)
        #expect(try await Self.partition(of: late, postgres) == "ticket_events_default")
        #expect(try await postgres.query("SELECT suban_month_partitions('ticket_events', '2024-03-15', 2) AS n")[0].decode("n", as: Int.self) == 2)
        #expect(try await Self.partition(of: late, postgres) == "ticket_events_202404")
        #expect(try await postgres.query("SELECT count(*) AS n FROM ticket_events_default")[0].decode("n", as: Int.self) == 0)
        #expect(try await postgres.query("SELECT suban_month_partitions('ticket_events', '2024-03-15', 2) AS n")[0].decode("n", as: Int.self) == 0, "made once")
        await postgres.close()
    }
}
