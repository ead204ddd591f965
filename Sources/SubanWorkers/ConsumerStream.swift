import Foundation
import Redis
import SubanStore

/// What a `StreamConsumer` needs of its stream and consumer group. `RedisConsumerStream` is
/// the real one; the worker tests hold the consumer's claim, poison and burial rules to an
/// in-memory one, and the integration tests to Redis.
public protocol ConsumerStream: Sendable {
    /// Makes the group when it is missing (again after a Redis restart lost it).
    func ensureGroup() async throws
    /// The group's pending count and lag, for metrics; nil when the group is not there.
    func groupState() async throws -> (pending: Int64, lag: Int64?)?
    /// Takes over up to `count` entries pending longer than `idle` for `consumer`.
    func claim(idle: Duration, count: Int, consumer: String) async throws -> [StreamEntry]
    /// New entries for `consumer`, waiting up to `block` for some.
    func read(count: Int, block: Duration, consumer: String) async throws -> [StreamEntry]
    func acknowledge(_ ids: [String]) async throws
    /// Entries pending longer than `idle`, with their delivery counts.
    func pending(idle: Duration, count: Int) async throws -> [PendingEntry]
    func entry(_ id: String) async throws -> StreamEntry?
    /// Keeps each entry's last error, and counts the failure against it when `counted`.
    func recordFailures(_ failures: [(id: String, error: String)], counted: Bool) async throws
    /// An entry's last error and its counted failures.
    func failure(of id: String) async throws -> (error: String?, counted: Int)
    /// Acknowledges the entry and, if it was still pending, adds `fields` to the dead letters and
    /// forgets its failures, at once: burying an entry twice leaves one dead letter.
    /// Returns whether it buried it.
    func bury(_ id: String, fields: [(key: String, value: String)]) async throws -> Bool
}

/// Thrown by `read` and `claim` when the consumer group is gone (a Redis restart without its data).
public struct ConsumerGroupMissing: Error {
    public init() {}
}

/// A consumer group on a Redis stream; failures in a hash beside it, dead letters in a stream beside it.
public struct RedisConsumerStream: ConsumerStream {
    let redis: RedisClient
    let stream: String
    let group: String

    var failures: String { StreamNames.failures(of: stream, group: group) }
    var deadLetters: String { StreamNames.deadLetters(of: stream, group: group) }

    public init(redis: RedisClient, stream: String, group: String) {
        self.redis = redis
        self.stream = stream
        self.group = group
    }

    public func ensureGroup() async throws {
        try await redis.createGroup(stream, group: group)
    }

    public func groupState() async throws -> (pending: Int64, lag: Int64?)? {
        try await redis.groups(stream).first { $0.name == group }.map { ($0.pending, $0.lag) }
    }

    public func claim(idle: Duration, count: Int, consumer: String) async throws -> [StreamEntry] {
        try await missingGroupNamed { try await redis.autoClaim(stream, group: group, consumer: consumer, minIdle: idle, count: count).entries }
    }

    public func read(count: Int, block: Duration, consumer: String) async throws -> [StreamEntry] {
        try await missingGroupNamed { try await redis.readGroup(stream, group: group, consumer: consumer, count: count, block: block) }
    }

    public func acknowledge(_ ids: [String]) async throws {
        _ = try await redis.ack(stream, group: group, ids: ids)
    }

    public func pending(idle: Duration, count: Int) async throws -> [PendingEntry] {
        try await redis.pending(stream, group: group, minIdle: idle, count: count)
    }

    public func entry(_ id: String) async throws -> StreamEntry? {
        try await redis.entries(stream, from: id, to: id, count: 1).first
    }

    public func recordFailures(_ failed: [(id: String, error: String)], counted: Bool) async throws {
        var commands: [RedisCommand] = []
        for (id, error) in failed {
            commands.append(RedisCommand("HSET", failures, id, String(error.prefix(1000))))
            if counted { commands.append(RedisCommand("HINCRBY", failures, Self.countField(id), 1)) }
        }
        _ = try await redis.pipeline(commands + [RedisCommand("EXPIRE", failures, 7 * 86_400)])
    }

    public func failure(of id: String) async throws -> (error: String?, counted: Int) {
        let reply = try await redis.send("HMGET", failures, id, Self.countField(id)).array ?? []
        return (reply.first?.string, Int(reply.dropFirst().first?.string ?? "") ?? 0)
    }

    public func bury(_ id: String, fields: [(key: String, value: String)]) async throws -> Bool {
        var command = RedisCommand("EVAL", Self.buryScript, 3, stream, deadLetters, failures, group, id, Self.countField(id))
        for (key, value) in fields { command.append(key, value) }
        return try await redis.send(command) == .integer(1)
    }

    /// Acknowledges the entry and, only if it was still pending, writes its dead letter: two
    /// consumers burying one poison entry, or a redelivered batch burying it again, leave one.
    static let buryScript = """
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
          return 0
        end
        redis.call('XADD', KEYS[2], '*', unpack(ARGV, 4))
        redis.call('HDEL', KEYS[3], ARGV[2], ARGV[3])
        return 1
        """

    /// The hash field counting an entry's failures while its dependencies were up.
    static func countField(_ id: String) -> String { id + "#counted" }

    func missingGroupNamed<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RedisError where error.serverCode == "NOGROUP" {
            throw ConsumerGroupMissing()
        }
    }
}
