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
/// and records them in `schema_migrations` with a SHA-256 of their SQL. A migration
/// edited after it was applied is refused (the database and the file would disagree
/// about the schema); ship the change as a new migration. Replicas may race to migrate:
/// an advisory lock makes the second wait and then find nothing to do.
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
            );
            ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text
            """)
        return try connection.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [Self.lockKey])
            let applied = Dictionary(uniqueKeysWithValues: try connection.query("SELECT version, checksum FROM schema_migrations").map {
                (try $0.decode("version", as: Int.self), try $0.decodeIfPresent("checksum", as: String.self))
            })
            var done: [Int] = []
            for migration in migrations {
                let checksum: String = try connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex') AS sum", [migration.sql])[0].decode("sum")
                switch applied[migration.version] {
                case .some(.some(let recorded)) where recorded != checksum:
                    throw MigrationError(version: migration.version, name: migration.name)
                case .some(.some):
                    continue
                case .some(.none):
                    // Applied before checksums were recorded: the file as it is now is taken as the one applied.
                    try connection.query("UPDATE schema_migrations SET checksum = $2 WHERE version = $1", [migration.version, checksum])
                case .none:
                    logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                    try connection.execute(migration.sql)
                    try connection.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                                         [migration.version, migration.name, checksum])
                    done.append(migration.version)
                }
            }
            return done
        }
    }

    /// Arbitrary but fixed: "suban" in ASCII.
    static let lockKey: Int64 = 0x7375_6261_6e
}

/// A migration whose SQL is not what was applied under its version.
public struct MigrationError: Error, CustomStringConvertible {
    public var version: Int
    public var name: String
    public var description: String {
        "migration \(version) (\(name)) was edited after it was applied; put the change in a new migration"
    }
}
