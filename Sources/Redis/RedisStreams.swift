import BlockingIO

/// One stream entry: its id and its field/value pairs (fields unique, as Suban writes them).
public struct StreamEntry: Sendable, Hashable {
    public var id: String
    public var fields: [String: String]

    public init(id: String, fields: [String: String]) {
        self.id = id
        self.fields = fields
    }
}

/// A pending entry as `XPENDING key group IDLE ms - + count` reports it.
public struct PendingEntry: Sendable, Hashable {
    public var id: String
    public var consumer: String
    public var idle: Duration
    public var deliveries: Int64

    public init(id: String, consumer: String, idle: Duration, deliveries: Int64) {
        self.id = id
        self.consumer = consumer
        self.idle = idle
        self.deliveries = deliveries
    }
}

public struct PendingSummary: Sendable, Hashable {
    public var count: Int64
    public var oldestID: String?
    public var newestID: String?
    public var perConsumer: [String: Int64]
}

public struct AutoClaimResult: Sendable, Hashable {
    /// Where the next `XAUTOCLAIM` scan starts; "0-0" when the scan wrapped around.
    public var nextStart: String
    public var entries: [StreamEntry]
    /// Ids that were pending but whose entries were trimmed away; Redis has dropped them from the PEL.
    public var deletedIDs: [String]
}

public struct StreamGroupInfo: Sendable, Hashable {
    public var name: String
    public var consumers: Int64
    public var pending: Int64
    public var lastDeliveredID: String
    /// Entries not yet delivered to the group; nil when Redis cannot tell (after trimming).
    public var lag: Int64?
}

public struct StreamConsumerInfo: Sendable, Hashable {
    public var name: String
    public var pending: Int64
    public var idle: Duration
}

/// Stream commands (Redis 7 forms) and the pure decoding of their replies.
extension RedisClient {
    /// `XADD key MAXLEN ~ n * field value ...`; returns the new entry's id.
    @discardableResult
    public func xadd(_ stream: String, fields: KeyValuePairs<String, String>, maxLength: Int? = nil) async throws -> String {
        let reply = try await send(Self.xaddCommand(stream, fields: Array(fields), maxLength: maxLength))
        guard let id = reply.string else { throw RedisError.unexpectedReply("XADD: \(reply)") }
        return id
    }

    public static func xaddCommand(_ stream: String, fields: [(key: String, value: String)], maxLength: Int? = nil) -> RedisCommand {
        var command = RedisCommand("XADD", stream)
        if let maxLength { command.append("MAXLEN", "~", maxLength) }
        command.append("*")
        for (key, value) in fields { command.append(key, value) }
        return command
    }

    /// `XGROUP CREATE key group id MKSTREAM`; an existing group is left as it is.
    public func createGroup(_ stream: String, group: String, startAt id: String = "0") async throws {
        do {
            try await send("XGROUP", "CREATE", stream, group, id, "MKSTREAM")
        } catch let error as RedisError where error.serverCode == "BUSYGROUP" {
            return
        }
    }

    /// `XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS key id`. `">"` reads new entries;
    /// `"0"` re-reads this consumer's own pending ones. Nil fields mean the entry was trimmed.
    public func readGroup(
        _ stream: String, group: String, consumer: String, count: Int, block: Duration? = nil, from id: String = ">"
    ) async throws -> [StreamEntry] {
        var command = RedisCommand("XREADGROUP", "GROUP", group, consumer, "COUNT", count)
        var timeout: Duration? = nil
        if let block {
            command.append("BLOCK", block.wholeMilliseconds)
            timeout = block + configuration.commandTimeout
        }
        command.append("STREAMS", stream, id)
        let reply = try await send(command, timeout: timeout)
        return try Self.decodeReadReply(reply)
    }

    @discardableResult
    public func ack(_ stream: String, group: String, ids: [String]) async throws -> Int64 {
        guard !ids.isEmpty else { return 0 }
        return try await send(RedisCommand("XACK", [stream, group] + ids)).int ?? 0
    }

    public func pendingSummary(_ stream: String, group: String) async throws -> PendingSummary {
        try Self.decodePendingSummary(try await send("XPENDING", stream, group))
    }

    public func pending(_ stream: String, group: String, minIdle: Duration = .zero, count: Int) async throws -> [PendingEntry] {
        let reply = try await send("XPENDING", stream, group, "IDLE", minIdle.wholeMilliseconds, "-", "+", count)
        return try Self.decodePendingEntries(reply)
    }

    /// `XAUTOCLAIM key group consumer min-idle start COUNT n`: takes over entries
    /// another consumer left pending for longer than `minIdle`.
    public func autoClaim(
        _ stream: String, group: String, consumer: String, minIdle: Duration, start: String = "0-0", count: Int
    ) async throws -> AutoClaimResult {
        let reply = try await send("XAUTOCLAIM", stream, group, consumer, minIdle.wholeMilliseconds, start, "COUNT", count)
        return try Self.decodeAutoClaim(reply)
    }

    public func streamLength(_ stream: String) async throws -> Int64 {
        try await send("XLEN", stream).int ?? 0
    }

    public func groups(_ stream: String) async throws -> [StreamGroupInfo] {
        do {
            return try Self.decodeGroups(try await send("XINFO", "GROUPS", stream))
        } catch let error as RedisError where error.description.contains("no such key") {
            return []
        }
    }

    public func consumers(_ stream: String, group: String) async throws -> [StreamConsumerInfo] {
        try Self.decodeConsumers(try await send("XINFO", "CONSUMERS", stream, group))
    }

    public func entries(_ stream: String, from start: String = "-", to end: String = "+", count: Int? = nil) async throws -> [StreamEntry] {
        var command = RedisCommand("XRANGE", stream, start, end)
        if let count { command.append("COUNT", count) }
        guard let items = try await send(command).array else { throw RedisError.unexpectedReply("XRANGE") }
        return try items.compactMap(Self.decodeEntry)
    }

}

// MARK: - Pure decoding, unit-tested against raw RESP.

extension RedisClient {
    public static func decodeEntry(_ reply: RedisReply) throws(RedisError) -> StreamEntry? {
        guard let pair = reply.array, pair.count == 2, let id = pair[0].string else {
            throw .unexpectedReply("stream entry: \(reply)")
        }
        if pair[1].isNull { return nil }  // trimmed while pending
        guard let flat = pair[1].array, flat.count % 2 == 0 else { throw .unexpectedReply("stream fields: \(pair[1])") }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: flat.count, by: 2) {
            guard let key = flat[index].string, let value = flat[index + 1].string else {
                throw .unexpectedReply("stream field: \(flat[index])")
            }
            fields[key] = value
        }
        return StreamEntry(id: id, fields: fields)
    }

    /// Entries with trimmed bodies are returned with empty fields so they can still be acknowledged.
    public static func decodeReadReply(_ reply: RedisReply) throws(RedisError) -> [StreamEntry] {
        if reply.isNull { return [] }
        guard let streams = reply.array else { throw .unexpectedReply("XREADGROUP: \(reply)") }
        var result: [StreamEntry] = []
        for stream in streams {
            guard let pair = stream.array, pair.count == 2, let entries = pair[1].array else {
                throw .unexpectedReply("XREADGROUP stream: \(stream)")
            }
            for entry in entries {
                if let decoded = try decodeEntry(entry) {
                    result.append(decoded)
                } else if let id = entry.array?.first?.string {
                    result.append(StreamEntry(id: id, fields: [:]))
                }
            }
        }
        return result
    }

    public static func decodePendingSummary(_ reply: RedisReply) throws(RedisError) -> PendingSummary {
        guard let items = reply.array, items.count == 4, let count = items[0].int else {
            throw .unexpectedReply("XPENDING: \(reply)")
        }
        var perConsumer: [String: Int64] = [:]
        for consumer in items[3].array ?? [] {
            if let pair = consumer.array, pair.count == 2, let name = pair[0].string, let n = pair[1].int {
                perConsumer[name] = n
            }
        }
        return PendingSummary(count: count, oldestID: items[1].string, newestID: items[2].string, perConsumer: perConsumer)
    }

    public static func decodePendingEntries(_ reply: RedisReply) throws(RedisError) -> [PendingEntry] {
        guard let items = reply.array else { throw .unexpectedReply("XPENDING: \(reply)") }
        return try items.map { item throws(RedisError) in
            guard let fields = item.array, fields.count == 4, let id = fields[0].string, let consumer = fields[1].string,
                  let idle = fields[2].int, let deliveries = fields[3].int
            else { throw .unexpectedReply("XPENDING entry: \(item)") }
            return PendingEntry(id: id, consumer: consumer, idle: .milliseconds(idle), deliveries: deliveries)
        }
    }

    public static func decodeAutoClaim(_ reply: RedisReply) throws(RedisError) -> AutoClaimResult {
        guard let items = reply.array, items.count >= 2, let next = items[0].string, let claimed = items[1].array else {
            throw .unexpectedReply("XAUTOCLAIM: \(reply)")
        }
        var entries: [StreamEntry] = []
        for item in claimed {
            if let entry = try decodeEntry(item) { entries.append(entry) }
        }
        let deleted = items.count > 2 ? (items[2].array ?? []).compactMap(\.string) : []
        return AutoClaimResult(nextStart: next, entries: entries, deletedIDs: deleted)
    }

    /// XINFO replies are flat key/value arrays.
    static func map(_ reply: RedisReply) throws(RedisError) -> [String: RedisReply] {
        guard let flat = reply.array, flat.count % 2 == 0 else { throw .unexpectedReply("XINFO: \(reply)") }
        var result: [String: RedisReply] = [:]
        for index in stride(from: 0, to: flat.count, by: 2) {
            if let key = flat[index].string { result[key] = flat[index + 1] }
        }
        return result
    }

    public static func decodeGroups(_ reply: RedisReply) throws(RedisError) -> [StreamGroupInfo] {
        guard let groups = reply.array else { throw .unexpectedReply("XINFO GROUPS: \(reply)") }
        return try groups.map { group throws(RedisError) in
            let fields = try map(group)
            guard let name = fields["name"]?.string else { throw .unexpectedReply("XINFO GROUPS: \(group)") }
            return StreamGroupInfo(
                name: name,
                consumers: fields["consumers"]?.int ?? 0,
                pending: fields["pending"]?.int ?? 0,
                lastDeliveredID: fields["last-delivered-id"]?.string ?? "0-0",
                lag: fields["lag"]?.int
            )
        }
    }

    public static func decodeConsumers(_ reply: RedisReply) throws(RedisError) -> [StreamConsumerInfo] {
        guard let consumers = reply.array else { throw .unexpectedReply("XINFO CONSUMERS: \(reply)") }
        return try consumers.map { consumer throws(RedisError) in
            let fields = try map(consumer)
            guard let name = fields["name"]?.string else { throw .unexpectedReply("XINFO CONSUMERS: \(consumer)") }
            return StreamConsumerInfo(name: name, pending: fields["pending"]?.int ?? 0, idle: .milliseconds(fields["idle"]?.int ?? 0))
        }
    }
}
