import Redis
import SubanStore

/// Follows the events stream (plain XREAD, no group: it only watches) and
/// notes when each ticket was dispatched or sent to triage.
actor DispatchWatcher {
    private let redis: RedisClient
    private var lastID: String
    private(set) var completed: [String: (event: String, at: ContinuousClock.Instant)] = [:]

    init(redis: RedisClient) async throws {
        self.redis = redis
        let newest = try await redis.send("XREVRANGE", StreamNames.events, "+", "-", "COUNT", 1)
        lastID = newest.array?.first?.array?.first?.string ?? "0-0"
    }

    /// Reads until every ticket in `tickets` is done or `timeout` passes; `progress` gets the count done.
    func wait(for tickets: Set<String>, timeout: Duration, progress: (Int) -> Void) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var done = tickets.filter { completed[$0] != nil }.count
        while done < tickets.count, ContinuousClock.now < deadline {
            let reply = try await redis.send(RedisCommand("XREAD", "COUNT", 2000, "BLOCK", 500, "STREAMS", StreamNames.events, lastID),
                                             timeout: .seconds(5))
            for entry in try RedisClient.decodeReadReply(reply) {
                lastID = entry.id
                guard let event = entry.fields["event"], event == "dispatched" || event == "triaged",
                      let ticket = entry.fields["ticket"], completed[ticket] == nil else { continue }
                completed[ticket] = (event, .now)
                if tickets.contains(ticket) { done += 1 }
            }
            progress(done)
        }
        return done
    }
}
