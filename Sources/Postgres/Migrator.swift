import Logging

/// One versioned schema change.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies pending migrations once each, in version order, all in one transaction,
/// and records them in `schema_migrations`. Replicas may race to migrate: an
/// advisory lock makes the second wait and then find nothing to do.
public struct Migrator: Sendable {
    public var migrations: [Migration]

    public init(migrations: [Migration]) {
        precondition(Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Returns the versions applied by this call.
    public func migrate(_ connection: PostgresConnection, logger: Logger) throws -> [Int] {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        return try connection.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [Self.lockKey])
            let applied = Set(try connection.query("SELECT version FROM schema_migrations").map { try $0.decode("version", as: Int.self) })
            var done: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                try connection.execute(migration.sql)
                try connection.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [migration.version, migration.name])
                done.append(migration.version)
            }
            return done
        }
    }

    /// Arbitrary but fixed: "suban" in ASCII.
    static let lockKey: Int64 = 0x7375_6261_6e
}
