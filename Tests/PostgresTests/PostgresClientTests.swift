import Foundation
import SubanTestSupport
import Testing
@testable import Postgres

@Suite("PostgreSQL client on a real server") struct PostgresClientTests {
    func client(connections: Int = 4) async throws -> PostgresClient {
        PostgresClient(url: try await TestServers.freshDatabase(migrated: false), maxConnections: connections, threadPool: TestServers.threadPool)
    }

    @Test func parametersAndTypedRows() async throws {
        let postgres = try await client()
        let id = UUID()
        let at = Date(timeIntervalSince1970: 1_795_419_264.123456)
        let rows = try await postgres.query("""
            SELECT $1::uuid AS id, $2::text AS text, $3::int AS n, $4::bool AS flag, $5::timestamptz AS at, $6::text AS missing,
                   $7::float8 AS x
            """, [id, "龙华街道'; DROP TABLE tickets; --", 42, true, at, nil, 22.5])
        let row = try #require(rows.first)
        #expect(try row.decode("id", as: UUID.self) == id)
        #expect(try row.decode("text", as: String.self) == "龙华街道'; DROP TABLE tickets; --")
        #expect(try row.decode("n", as: Int.self) == 42)
        #expect(try row.decode("flag", as: Bool.self))
        #expect(abs(try row.decode("at", as: Date.self).timeIntervalSince(at)) < 0.000_001)
        #expect(try row.decodeIfPresent("missing", as: String.self) == nil)
        #expect(try row.decode("x", as: Double.self) == 22.5)
        #expect(throws: PostgresError.self) { try row.decode("missing", as: String.self) }
        #expect(throws: PostgresError.self) { try row.decode("nope", as: String.self) }
        await postgres.close()
    }

    @Test func errorsCarrySQLState() async throws {
        let postgres = try await client()
        try await postgres.query("CREATE TABLE t (id int PRIMARY KEY)")
        try await postgres.query("INSERT INTO t VALUES ($1)", [1])
        do {
            try await postgres.query("INSERT INTO t VALUES ($1)", [1])
            Issue.record("duplicate accepted")
        } catch let error as PostgresError {
            #expect(error.isUniqueViolation && error.kind == .server && error.constraint == "t_pkey")
        }
        do {
            try await postgres.query("SELEC 1")
        } catch let error as PostgresError {
            #expect(error.sqlState == "42601")
        }
        #expect(try await postgres.query("SELECT 1 AS one").first?.decode("one", as: Int.self) == 1, "the connection survived the errors")
        await postgres.close()
    }

    @Test func statementsArePreparedOncePerSessionAndReplannedAfterSchemaChanges() async throws {
        let postgres = try await client(connections: 1)
        try await postgres.query("CREATE TABLE t (id int PRIMARY KEY, n int)")
        let select = "SELECT n FROM t WHERE id = $1"
        for id in 1...3 {
            try await postgres.query("INSERT INTO t VALUES ($1, $2)", [id, id * 10])
            #expect(try await postgres.query(select, [id]).first?.decode("n", as: Int.self) == id * 10)
        }
        let preparedCount = "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1"
        #expect(try await postgres.query(preparedCount, [select]).first?.decode("n", as: Int.self) == 1)
        // A migration under a running worker: the prepared statement is planned again, not broken.
        try await postgres.query("ALTER TABLE t ADD COLUMN note text, ALTER COLUMN n TYPE bigint")
        #expect(try await postgres.query(select, [2]).first?.decode("n", as: Int.self) == 20)
        // Within a transaction the change aborts it once; the caller's retry runs the new statement.
        try await postgres.query("ALTER TABLE t ALTER COLUMN n TYPE numeric")
        await #expect(throws: PostgresError.self) { try await postgres.transaction { try $0.query(select, [3]) } }
        #expect(try await postgres.transaction { try $0.query(select, [3]) }.first?.decode("n", as: Int.self) == 30)
        // Statements built at run time stop being prepared at the bound, and still run.
        for k in 0..<(PostgresConnection.preparedLimit + 20) {
            #expect(try await postgres.query("SELECT \(k) + $1::int AS n", [1]).first?.decode("n", as: Int.self) == k + 1)
        }
        let held = try await postgres.query("SELECT count(*) AS n FROM pg_prepared_statements").first?.decode("n", as: Int.self)
        #expect(held == PostgresConnection.preparedLimit + 2, "the bound, and the two statements the schema changes left behind")
        await postgres.close()
    }

    @Test func transactionsCommitOrRollBack() async throws {
        let postgres = try await client()
        try await postgres.query("CREATE TABLE t (id int PRIMARY KEY)")
        try await postgres.transaction { try $0.query("INSERT INTO t VALUES (1), (2)") }
        await #expect(throws: PostgresError.self) {
            try await postgres.transaction { connection in
                try connection.query("INSERT INTO t VALUES (3)")
                try connection.query("INSERT INTO t VALUES (1)")
            }
        }
        #expect(try await postgres.query("SELECT count(*) AS n FROM t").first?.decode("n", as: Int.self) == 2)
        await postgres.close()
    }

    @Test func copyLoadsRowsInBulk() async throws {
        let postgres = try await client()
        try await postgres.query("CREATE TABLE t (id int, text text)")
        let rows: [[String?]] = (0..<10_000).map { ["\($0)", $0 % 100 == 0 ? nil : "第\($0)行\t含制表符\n和换行"] }
        let copied = try await postgres.withConnection { try $0.copy(into: "t", columns: ["id", "text"], rows: rows) }
        #expect(copied == 10_000)
        let sample = try #require(try await postgres.query("SELECT text FROM t WHERE id = 7").first)
        #expect(try sample.decode("text", as: String.self) == "第7行\t含制表符\n和换行")
        #expect(try await postgres.query("SELECT count(*) AS n FROM t WHERE text IS NULL").first?.decode("n", as: Int.self) == 100)
        await postgres.close()
    }

    @Test func poolServesMoreCallersThanConnections() async throws {
        let postgres = try await client(connections: 3)
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<40 {
                group.addTask { try await postgres.query("SELECT $1::int AS n, pg_sleep(0.01)", [index]).first!.decode("n", as: Int.self) }
            }
            return try await group.reduce(0, +)
        }
        #expect(total == (0..<40).reduce(0, +))
        let backends = try await postgres.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()")
        #expect(try backends.first!.decode("n", as: Int.self) <= 3)
        await postgres.close()
    }

    @Test func migrationsApplyOnce() async throws {
        let postgres = try await client()
        let migrator = Migrator(migrations: [Migration(version: 1, name: "a", sql: "CREATE TABLE a (x int)"),
                                             Migration(version: 2, name: "b", sql: "CREATE TABLE b (x int)")])
        #expect(try await postgres.withConnection { try migrator.migrate($0, logger: TestServers.logger) } == [1, 2])
        #expect(try await postgres.withConnection { try migrator.migrate($0, logger: TestServers.logger) } == [])
        await postgres.close()
    }

    @Test func anEditedAppliedMigrationIsRefused() async throws {
        let postgres = try await client()
        let original = Migrator(migrations: [Migration(version: 1, name: "a", sql: "CREATE TABLE a (x int)")])
        #expect(try await postgres.withConnection { try original.migrate($0, logger: TestServers.logger) } == [1])
        let edited = Migrator(migrations: [Migration(version: 1, name: "a", sql: "CREATE TABLE a (x int, y int)")])
        await #expect(throws: MigrationError.self) { try await postgres.withConnection { try edited.migrate($0, logger: TestServers.logger) } }
        // Applied before checksums existed: recorded at the next run, then held to it.
        try await postgres.query("UPDATE schema_migrations SET checksum = NULL")
        #expect(try await postgres.withConnection { try original.migrate($0, logger: TestServers.logger) } == [])
        await #expect(throws: MigrationError.self) { try await postgres.withConnection { try edited.migrate($0, logger: TestServers.logger) } }
        await postgres.close()
    }

    @Test func unreachableServerIsAConnectionError() async throws {
        let postgres = PostgresClient(url: "postgresql://suban@127.0.0.1:1/suban?connect_timeout=1", maxConnections: 1, threadPool: TestServers.threadPool)
        do {
            try await postgres.query("SELECT 1")
            Issue.record("connected to nothing")
        } catch let error as PostgresError {
            #expect(error.kind == .connection)
        }
        await postgres.close()
    }
}
