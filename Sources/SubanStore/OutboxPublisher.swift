import BlockingIO
import Crypto
import Foundation
import Logging
import Postgres
import Redis
import SubanCore

/// Puts outbox rows on their Redis streams, then deletes them.
///
/// 1. Each entry goes through one Lua script that `XADD`s unless its delivery
///    marker exists, then sets the marker, atomically: publishing the same row
///    twice (a fast path and a relay racing, a crash between XADD and DELETE)
///    leaves one stream entry.
/// 2. All entries of a batch go in one pipeline: one round trip.
/// 3. A row (one change's entries) is deleted only after Redis took every entry of it.
public struct OutboxPublisher: Sendable {
    public let redis: RedisClient
    public let postgres: PostgresClient
    /// Approximate cap per stream (`MAXLEN ~`). Far above any backlog a healthy
    /// fleet has: trimming an unread entry would strand its ticket.
    public var maxStreamLength: Int
    /// How long a delivery marker outlives its entry; relays re-publish within seconds.
    public var markerTTLSeconds: Int

    public init(redis: RedisClient, postgres: PostgresClient, maxStreamLength: Int = 5_000_000, markerTTLSeconds: Int = 86_400) {
        self.redis = redis
        self.postgres = postgres
        self.maxStreamLength = maxStreamLength
        self.markerTTLSeconds = markerTTLSeconds
    }

    /// The marker is set after the `XADD`: Redis does not undo a script's earlier writes when a
    /// later command fails, and a marker left by a refused `XADD` would drop that entry for good.
    static let script = """
        if redis.call('EXISTS', KEYS[2]) == 1 then
          return false
        end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
        redis.call('SET', KEYS[2], '1', 'EX', ARGV[1])
        return id
        """

    /// The script's SHA-1: entries name it (`EVALSHA`) instead of sending its text for Redis to hash each time.
    static let scriptSHA = Insecure.SHA1.hash(data: Data(script.utf8)).map { String(format: "%02x", $0) }.joined()

    /// Publishes and deletes `messages`; throws (leaving the rows for the relay) when Redis fails.
    /// `messages` hold whole rows: every row they touch is deleted once Redis took them.
    public func publish(_ messages: [OutboxMessage]) async throws {
        guard !messages.isEmpty else { return }
        var replies = try await redis.pipeline(messages.map { command($0, script: .sha) })
        // A Redis that has not seen the script yet (restarted, flushed) says NOSCRIPT; EVAL loads it.
        let unknown = replies.indices.filter { if case .error(let text) = replies[$0] { text.hasPrefix("NOSCRIPT") } else { false } }
        if !unknown.isEmpty {
            let retried = try await redis.pipeline(unknown.map { command(messages[$0], script: .text) })
            for (index, reply) in zip(unknown, retried) { replies[index] = reply }
        }
        // A row goes once Redis has every entry of it; otherwise the relay publishes it again
        // (the markers keep the entries already out from doubling).
        var failed: Set<Int64> = []
        var firstError: RedisError?
        for (message, reply) in zip(messages, replies) {
            if case .error(let text) = reply {
                firstError = firstError ?? .server(text)
                failed.insert(message.id)
            }
        }
        try await delete(Set(messages.map(\.id)).subtracting(failed).sorted())
        if let firstError { throw firstError }
    }

    /// Publishes now when Redis answers; otherwise the rows stay for a relay, and that is logged.
    public func publishOrLeaveToRelay(_ messages: [OutboxMessage], logger: Logger) async {
        do {
            try await publish(messages)
        } catch {
            logger.warning("outbox publish deferred to relay", metadata: ["error": "\(error)", "rows": "\(messages.count)"])
        }
    }

    enum ScriptReference { case sha, text }

    func command(_ message: OutboxMessage, script: ScriptReference) -> RedisCommand {
        var command = RedisCommand(script == .sha ? "EVALSHA" : "EVAL", script == .sha ? Self.scriptSHA : Self.script, 2,
                                   message.stream, message.deliveryMarker, markerTTLSeconds, maxStreamLength)
        for key in message.fields.keys.sorted() { command.append(key, message.fields[key]!) }
        return command
    }

    private func delete(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        let list = "{" + ids.map(String.init).joined(separator: ",") + "}"
        try await postgres.query("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [list])
    }

    /// What one relay pass published.
    public struct Relayed: Sendable, Equatable {
        public var rows: Int
        public var entries: Int
    }

    /// Publishes up to `limit` rows older than `age` that nobody published: their writer died
    /// after committing, or Redis was down.
    public func relayStale(olderThan age: Duration, limit: Int) async throws -> Relayed {
        let rows = try await postgres.query("""
            UPDATE outbox SET claimed_until = now() + interval '30 seconds'
            WHERE id IN (
                SELECT id FROM outbox
                WHERE created_at < now() - make_interval(secs => $1) AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING id, messages::text AS messages
            """, [age.seconds, limit])
        let messages = try Self.messages(in: rows)
        try await publish(messages.sorted { ($0.id, $0.index) < ($1.id, $1.index) })
        return Relayed(rows: rows.count, entries: messages.count)
    }

    /// The stream entries of outbox rows (`id`, `messages`), in order.
    public static func messages(in rows: PostgresRows) throws -> [OutboxMessage] {
        var messages: [OutboxMessage] = []
        for row in rows {
            let id: Int64 = try row.decode("id")
            let text: String = try row.decode("messages")
            guard case .array(let entries) = try JSONValue.parse(text.utf8) else {
                throw PostgresError(kind: .decoding, message: "outbox row \(id) holds no array of entries")
            }
            for (index, entry) in entries.enumerated() {
                guard case .object(let entry) = entry, case .string(let stream) = entry["stream"], let fields = entry["fields"]?.stringFields else {
                    throw PostgresError(kind: .decoding, message: "outbox row \(id) entry \(index) is not {stream, fields of strings}")
                }
                messages.append(OutboxMessage(id: id, index: index, stream: stream, fields: fields))
            }
        }
        return messages
    }
}
