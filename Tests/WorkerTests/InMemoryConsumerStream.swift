import Redis
import SubanWorkers

/// A consumer group in memory, with a clock the test moves: an entry's idle time is what the
/// test says it is. Holds what `RedisConsumerStream` holds in Redis: entries, who holds which
/// and how often it was delivered, each entry's last error and counted failures, dead letters.
actor InMemoryConsumerStream: ConsumerStream {
    struct Delivery {
        var consumer: String
        var at: Duration
        var count: Int64
    }

    private(set) var entries: [StreamEntry] = []
    private var next = 0
    private(set) var held: [String: Delivery] = [:]
    private(set) var deadLetters: [[String: String]] = []
    private var errors: [String: String] = [:]
    private var counted: [String: Int] = [:]
    private var now: Duration = .zero
    private var groupExists = true

    @discardableResult
    func add(_ fields: [String: String]) -> String {
        let id = "\(entries.count + 1)-0"
        entries.append(StreamEntry(id: id, fields: fields))
        return id
    }

    func advance(by duration: Duration) { now += duration }

    /// As Redis restarted without its data: the group and what it held are gone, the entries stay.
    func loseGroup() {
        groupExists = false
        held = [:]
        next = 0
    }

    func failure(of id: String) -> (error: String?, counted: Int) { (errors[id], counted[id] ?? 0) }

    // MARK: ConsumerStream

    func ensureGroup() { groupExists = true }

    func groupState() -> (pending: Int64, lag: Int64?)? {
        groupExists ? (Int64(held.count), Int64(entries.count - next)) : nil
    }

    func claim(idle: Duration, count: Int, consumer: String) throws -> [StreamEntry] {
        guard groupExists else { throw ConsumerGroupMissing() }
        let ids = held.filter { now - $0.value.at >= idle }.keys.sorted(by: Self.order).prefix(count)
        for id in ids {
            held[id]!.consumer = consumer
            held[id]!.at = now
            held[id]!.count += 1
        }
        return ids.compactMap(entry)
    }

    func read(count: Int, block: Duration, consumer: String) async throws -> [StreamEntry] {
        guard groupExists else { throw ConsumerGroupMissing() }
        let batch = Array(entries[next..<min(entries.count, next + count)])
        next += batch.count
        for entry in batch { held[entry.id] = Delivery(consumer: consumer, at: now, count: 1) }
        // As XREADGROUP BLOCK: an empty read waits a little instead of spinning.
        if batch.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
        return batch
    }

    func acknowledge(_ ids: [String]) {
        for id in ids { held[id] = nil }
    }

    func pending(idle: Duration, count: Int) -> [PendingEntry] {
        held.filter { now - $0.value.at >= idle }.sorted { Self.order($0.key, $1.key) }.prefix(count)
            .map { PendingEntry(id: $0.key, consumer: $0.value.consumer, idle: now - $0.value.at, deliveries: $0.value.count) }
    }

    func entry(_ id: String) -> StreamEntry? { entries.first { $0.id == id } }

    func recordFailures(_ failed: [(id: String, error: String)], counted counts: Bool) {
        for (id, error) in failed {
            errors[id] = error
            if counts { counted[id, default: 0] += 1 }
        }
    }

    func bury(_ id: String, fields: [(key: String, value: String)]) -> Bool {
        guard held[id] != nil else { return false }
        deadLetters.append(Dictionary(fields, uniquingKeysWith: { _, last in last }))
        held[id] = nil
        errors[id] = nil
        counted[id] = nil
        return true
    }

    static func order(_ a: String, _ b: String) -> Bool {
        (Int(a.prefix { $0 != "-" }) ?? 0) < (Int(b.prefix { $0 != "-" }) ?? 0)
    }
}
