import Foundation
import Postgres
import Redis
import SubanCore

/// A department's work queue: its own Redis stream, read through one consumer
/// group. Taking an entry is a lease: the entry stays pending under the taker
/// until the unit acts on it (accept or return) and the entry is acknowledged; a
/// lease left idle longer than `lease` is taken over by the next puller.
/// PostgreSQL stays the truth: an entry whose assignment is no longer `queued`
/// (handled from the workbench, moved by arbitration) is acknowledged and skipped.
public struct DepartmentQueue: Sendable {
    public static let group = "handlers"

    public struct Lease: Sendable, Hashable {
        /// The stream entry id; the unit hands it back with accept or return.
        public var id: String
        public var assignmentID: Int64
        public var ticketID: UUID
        public var expiresAt: Date
    }

    public enum LeaseError: Error, Sendable {
        /// The lease is unknown, acknowledged, or now held by another consumer.
        case notHeld
    }

    let redis: RedisClient
    let postgres: PostgresClient
    public var lease: Duration
    /// How often a waiting puller looks again; polls hold no connection in between.
    public var pollInterval: Duration = .milliseconds(200)

    public init(redis: RedisClient, postgres: PostgresClient, lease: Duration = .seconds(300)) {
        self.redis = redis
        self.postgres = postgres
        self.lease = lease
    }

    /// The next queued assignment for `department`, waiting up to `wait` for one.
    public func next(department: String, consumer: String, wait: Duration) async throws -> Lease? {
        let stream = StreamNames.departmentQueue(department)
        let deadline = ContinuousClock.now + wait
        while true {
            // Expired leases first: they have waited longest. The group is made on a unit's first pull.
            var entries: [StreamEntry]
            do {
                entries = try await redis.autoClaim(stream, group: Self.group, consumer: consumer, minIdle: lease, count: 1).entries
            } catch let error as RedisError where error.serverCode == "NOGROUP" {
                try await redis.createGroup(stream, group: Self.group)
                continue
            }
            if entries.isEmpty {
                entries = try await redis.readGroup(stream, group: Self.group, consumer: consumer, count: 1)
            }
            if let entry = entries.first {
                if let lease = try await leaseIfQueued(entry, stream: stream) { return lease }
                continue
            }
            if ContinuousClock.now + pollInterval > deadline { return nil }
            try await Task.sleep(for: pollInterval)
        }
    }

    private func leaseIfQueued(_ entry: StreamEntry, stream: String) async throws -> Lease? {
        guard let assignment = entry.fields["assignment"].flatMap(Int64.init),
              let ticket = entry.fields["ticket"].flatMap(UUID.init(uuidString:)) else {
            try await redis.ack(stream, group: Self.group, ids: [entry.id])
            return nil
        }
        let status = try await postgres.query("SELECT status FROM assignments WHERE id = $1", [assignment]).first?.decode("status", as: String.self)
        guard status == AssignmentStatus.queued.rawValue else {
            try await redis.ack(stream, group: Self.group, ids: [entry.id])
            return nil
        }
        return Lease(id: entry.id, assignmentID: assignment, ticketID: ticket, expiresAt: Date().addingTimeInterval(lease.seconds))
    }

    /// Checks that `consumer` still holds the lease `id`; returns the ticket it is for.
    public func held(department: String, consumer: String, id: String) async throws -> UUID {
        let stream = StreamNames.departmentQueue(department)
        let reply = try await redis.send("XPENDING", stream, Self.group, id, id, 1, consumer)
        guard case .array(let items) = reply, !items.isEmpty else { throw LeaseError.notHeld }
        let entries = try await redis.entries(stream, from: id, to: id, count: 1)
        guard let ticket = entries.first?.fields["ticket"].flatMap(UUID.init(uuidString:)) else { throw LeaseError.notHeld }
        return ticket
    }

    /// Ends the lease once the unit has acted on it.
    public func release(department: String, id: String) async throws {
        try await redis.ack(StreamNames.departmentQueue(department), group: Self.group, ids: [id])
    }
}
