import Foundation
import Postgres
import Redis

/// What this machine's Redis and PostgreSQL do at most, measured in the same run as the
/// benchmark so our figure can be read as a share of them: pipelined `XADD`s a second,
/// and rows a second of 100-row `INSERT`s in one transaction each.
struct MachineCeilings {
    var xaddPerSecond: Double
    var insertRowsPerSecond: Double

    static func measure(redis: RedisClient, postgres: PostgresClient, seconds: Double = 2) async throws -> MachineCeilings {
        let stream = "suban:{bench}:ceiling"
        var added = 0
        var start = ContinuousClock.now
        while (ContinuousClock.now - start).seconds < seconds {
            let batch = (0..<500).map { RedisClient.xaddCommand(stream, fields: [(key: "ticket", value: "\($0)")], maxLength: 10_000) }
            _ = try await redis.pipeline(batch)
            added += batch.count
        }
        let xadd = Double(added) / (ContinuousClock.now - start).seconds
        _ = try await redis.send("DEL", stream)

        try await postgres.query("CREATE UNLOGGED TABLE IF NOT EXISTS bench_ceiling (id bigserial PRIMARY KEY, ticket uuid, body text, at timestamptz DEFAULT now())")
        let values = (0..<100).map { "($\($0 * 2 + 1)::uuid, $\($0 * 2 + 2))" }.joined(separator: ", ")
        var inserted = 0
        start = ContinuousClock.now
        while (ContinuousClock.now - start).seconds < seconds {
            var parameters: [(any PostgresEncodable)?] = []
            for _ in 0..<100 { parameters += [UUID(), "小区旁边工地每天晚上十一点以后还在施工打桩，吵得睡不着"] }
            let bound = parameters
            try await postgres.query("INSERT INTO bench_ceiling (ticket, body) VALUES \(values)", bound)
            inserted += 100
        }
        let rows = Double(inserted) / (ContinuousClock.now - start).seconds
        try await postgres.query("DROP TABLE bench_ceiling")
        return MachineCeilings(xaddPerSecond: xadd, insertRowsPerSecond: rows)
    }
}
