import Foundation
import Redis
import SubanCore
import SubanStore

/// Follows the events stream (plain XREAD, no group: it only watches) and
/// notes when each ticket was dispatched, linked to an earlier report of its incident, or sent to triage. Started before the
/// first appeal is sent, so every event is timed as it arrives.
actor DispatchWatcher {
    private let redis: RedisClient
    private var lastID: String
    private(set) var completed: [String: (event: String, at: ContinuousClock.Instant)] = [:]

    init(redis: RedisClient) async throws {
        self.redis = redis
        let newest = try await redis.send("XREVRANGE", StreamNames.events, "+", "-", "COUNT", 1)
        lastID = newest.array?.first?.array?.first?.string ?? "0-0"
    }

    /// Reads until cancelled.
    func follow() async throws {
        while !Task.isCancelled {
            let reply = try await redis.send(RedisCommand("XREAD", "COUNT", 5000, "BLOCK", 200, "STREAMS", StreamNames.events, lastID),
                                             timeout: .seconds(5))
            let now = ContinuousClock.now
            for entry in try RedisClient.decodeReadReply(reply) {
                lastID = entry.id
                guard let event = TicketEvent(fields: entry.fields), event.kind.isDispatchDecision else { continue }
                let ticket = event.ticketID.uuidString.lowercased()
                if completed[ticket] == nil { completed[ticket] = (event.kind.rawValue, now) }
            }
        }
    }

    func count(of tickets: Set<String>) -> Int {
        tickets.reduce(0) { $0 + (completed[$1] == nil ? 0 : 1) }
    }

    /// Waits until every ticket in `tickets` is done or `timeout` passes; returns how many are done.
    static func wait(_ watcher: DispatchWatcher, for tickets: Set<String>, timeout: Duration, progress: ProgressBar) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var done = await watcher.count(of: tickets)
        while done < tickets.count, ContinuousClock.now < deadline {
            progress.draw(done)
            try await Task.sleep(for: .milliseconds(100))
            done = await watcher.count(of: tickets)
        }
        progress.draw(done)
        return done
    }
}
