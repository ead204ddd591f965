import BlockingIO
import Foundation
import Logging
import NIOPosix
import Postgres
import Redis
import SubanCore
import SubanData
import SubanStore

/// The real Redis and PostgreSQL that `scripts/test.sh` started for this run.
/// Each suite gets its own database and its own Redis database index, so
/// suites run in parallel without seeing each other's streams or rows.
public enum TestServers {
    /// Every in-process fleet's consumers hold a thread in a blocking stream read; with the
    /// suites running in parallel, 48 threads were once all held and a lock test waited 10 s
    /// for one. Idle threads cost little.
    public static let threadPool = BlockingThreadPool.make(threads: 128)
    public static let logger = Logger(label: "suban.test")

    public static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name] else {
            throw TestSetupError("\(name) is not set: run the integration tests through scripts/test.sh, which starts the servers")
        }
        return value
    }

    /// A new database, migrated and seeded unless asked not to; returns its URL.
    public static func freshDatabase(migrated: Bool = true) async throws -> String {
        let base = try environment("DATABASE_URL")
        let name = "suban_test_\(UInt32.random(in: 0...UInt32.max))"
        let admin = PostgresClient(url: base, maxConnections: 1, threadPool: threadPool)
        try await admin.withConnection { try $0.execute("CREATE DATABASE \(name)") }
        await admin.close()
        let url = base.replacingOccurrences(of: #"/[^/]*$"#, with: "/\(name)", options: .regularExpression)
        guard migrated else { return url }
        let client = PostgresClient(url: url, maxConnections: 1, threadPool: threadPool)
        try await client.withConnection { connection in
            _ = try Schema.migrator.migrate(connection, logger: logger)
            try CatalogStore.seed(catalog: ShippedData.shenzhen.catalog, departments: Departments.all, on: connection)
        }
        await client.close()
        return url
    }

    private static let nextIndex = Counter()

    /// A Redis database index of its own (1–255, scripts/servers.sh starts Redis with 256), emptied.
    /// Never shared within a run: two tests on one index would empty each other's streams.
    public static func freshRedis(maxConnections: Int = 8) async throws -> (url: String, client: RedisClient) {
        let index = await nextIndex.next() % 255 + 1
        let url = try environment("REDIS_URL") + "/\(index)"
        var configuration = try RedisConfiguration(url: url)
        configuration.maxConnections = maxConnections
        let client = RedisClient(configuration: configuration, threadPool: threadPool, backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
        try await client.send("FLUSHDB")
        return (url, client)
    }

    actor Counter {
        var value = 0
        func next() -> Int {
            value += 1
            return value - 1
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or `timeout` passes; throws on timeout, which fails the test.
public func eventually(timeout: Duration = .seconds(10), _ what: String = "condition", _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestSetupError("timed out waiting for \(what)")
}
