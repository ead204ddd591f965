import BlockingIO
import Foundation
import Logging
import Postgres
import Redis
import ServiceLifecycle
import SubanStore

/// One consumer of a consumer group, the loop every stream-reading role shares.
///
/// 1. Make sure the group exists (again after a Redis restart lost it).
/// 2. Every `claimInterval`, take over entries a dead consumer left pending longer
///    than `claimIdle`; otherwise read new entries, blocking briefly so shutdown is noticed.
/// 3. Hand the batch to `process`, which acknowledges what it finished; a batch
///    that throws stays pending and is retried after back-off or reclaimed.
/// 4. Poison: when a batch fails, its entries are tried one by one, so one bad
///    entry does not hold back the rest; each failure's error is kept in Redis.
///    A failure counts against an entry only when the role's `probe` finds its dependencies up
///    right after it; an entry with `maxDeliveries` such failures goes to the dead-letter stream
///    with its last error. Deliveries during an outage climb (several consumers claim each
///    other's entries) but count nothing, so an outage never empties the stream into dead letters.
public struct StreamConsumer: Sendable {
    public struct Configuration: Sendable {
        public var stream: String
        public var group: String
        public var consumer: String
        public var batchSize = 100
        public var block: Duration = .seconds(2)
        public var claimIdle: Duration = .seconds(30)
        public var claimInterval: Duration = .seconds(5)
        /// Deliveries after which a failing entry is poison.
        public var maxDeliveries = 5

        public var deadLetters: String { StreamNames.deadLetters(of: stream, group: group) }

        public init(stream: String, group: String, consumer: String) {
            self.stream = stream
            self.group = group
            self.consumer = consumer
        }
    }

    public let configuration: Configuration
    let stream: any ConsumerStream
    let logger: Logger
    /// Whether what `process` needs is up (e.g. `SELECT 1`); failures while it is are the entries' own.
    let probe: @Sendable () async -> Bool
    let metrics: ConsumerMetrics

    public init(configuration: Configuration, redis: RedisClient, logger: Logger, probe: @escaping @Sendable () async -> Bool = { false }) {
        self.init(configuration: configuration, stream: RedisConsumerStream(redis: redis, stream: configuration.stream, group: configuration.group),
                  logger: logger, probe: probe)
    }

    public init(configuration: Configuration, stream: any ConsumerStream, logger: Logger, probe: @escaping @Sendable () async -> Bool = { false }) {
        self.configuration = configuration
        self.stream = stream
        self.probe = probe
        var logger = logger
        logger[metadataKey: "consumer"] = "\(configuration.consumer)"
        self.logger = logger
        self.metrics = ConsumerMetrics(stream: configuration.stream, group: configuration.group)
    }

    public func run(_ process: ([StreamEntry]) async throws -> Void) async {
        let c = configuration
        let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        var failures = 0
        var claimedAt = ContinuousClock.now - c.claimInterval
        var groupReady = false
        var lastSuccess: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !groupReady {
                    try await stream.ensureGroup()
                    groupReady = true
                }
                var entries: [StreamEntry] = []
                if ContinuousClock.now - claimedAt >= c.claimInterval {
                    if let state = try await stream.groupState() { metrics.observe(pending: state.pending, lag: state.lag) }
                    try await buryPoison(healthy: lastSuccess.map { ContinuousClock.now - $0 < c.claimIdle * 2 } ?? false)
                    entries = try await stream.claim(idle: c.claimIdle, count: c.batchSize, consumer: c.consumer)
                    claimedAt = .now
                    if !entries.isEmpty { logger.info("reclaimed pending entries", metadata: ["count": "\(entries.count)", "stream": "\(c.stream)"]) }
                }
                if entries.isEmpty {
                    entries = try await stream.read(count: c.batchSize, block: c.block, consumer: c.consumer)
                }
                if !entries.isEmpty {
                    try await handle(entries, process)
                    lastSuccess = .now
                }
                failures = 0
            } catch {
                if Task.isCancelled { break }
                failures += 1
                if error is ConsumerGroupMissing { groupReady = false }
                logger.warning("\(c.group) pass failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                try? await Task.sleep(for: backoff.delay(afterFailures: failures))
            }
        }
    }

    public func ack(_ entries: [StreamEntry]) async throws {
        try await stream.acknowledge(entries.map(\.id))
    }

    /// The batch; if it fails, each entry alone. Throws only when nothing succeeded (an
    /// outage, or a batch of one bad entry), so the loop backs off.
    func handle(_ entries: [StreamEntry], _ process: ([StreamEntry]) async throws -> Void) async throws {
        let started = ContinuousClock.now
        do {
            try await process(entries)
            metrics.handled(entries.count, in: ContinuousClock.now - started)
            return
        } catch where entries.count > 1 {
            logger.warning("batch failed, trying its entries one by one", metadata: ["entries": "\(entries.count)", "error": "\(error)"])
        } catch {
            try await remember([(entries[0], error)])
            throw error
        }
        var succeeded = 0
        var failed: [(StreamEntry, any Error)] = []
        for entry in entries {
            do {
                try await process([entry])
                succeeded += 1
            } catch {
                failed.append((entry, error))
            }
        }
        metrics.handled(succeeded, in: ContinuousClock.now - started)
        try await remember(failed, counted: succeeded > 0 ? true : nil)
        if succeeded == 0, let (_, error) = failed.last { throw error }
    }

    /// Keeps each entry's last error beside its stream, for whichever consumer buries it, and
    /// counts the failure against the entry when its dependencies were up (`counted`, else the
    /// probe asks): a failure during an outage is the outage's, not the entry's.
    func remember(_ failed: [(entry: StreamEntry, error: any Error)], counted: Bool? = nil) async throws {
        guard !failed.isEmpty else { return }
        let c = configuration
        let counts = if let counted { counted } else { await probe() }
        for (entry, error) in failed {
            metrics.failed.increment()
            logger.warning("entry failed", metadata: ["entry": "\(entry.id)", "error": "\(error)", "counted": "\(counts)"])
        }
        try await stream.recordFailures(failed.map { (id: $0.entry.id, error: "\(c.consumer): \($0.error)") }, counted: counts)
    }

    /// Moves entries that failed `maxDeliveries` times while their dependencies were up to the
    /// dead letters, each with its fields, where it came from and its last error, then acknowledges it.
    func buryPoison(healthy recentlySucceeded: Bool) async throws {
        let c = configuration
        let poison = try await stream.pending(idle: c.claimIdle, count: c.batchSize).filter { $0.deliveries >= Int64(c.maxDeliveries) }
        guard !poison.isEmpty else { return }
        var healthy = recentlySucceeded
        if !healthy { healthy = await probe() }
        guard healthy else {
            logger.warning("entries keep failing while nothing else succeeds: not burying them", metadata: ["entries": "\(poison.count)"])
            return
        }
        for pending in poison {
            let (recorded, counted) = try await stream.failure(of: pending.id)
            // Delivered often but failing only in an outage: not poison, it is retried. Delivered often
            // and never failing: its consumers were killed holding it, also not poison — unless it
            // took down every consumer it reached (twice the deliveries, no error recorded).
            guard counted >= c.maxDeliveries || recorded == nil && pending.deliveries >= Int64(2 * c.maxDeliveries) else { continue }
            let entry = try await stream.entry(pending.id)
            try await moveToDeadLetters(id: pending.id, fields: entry?.fields ?? [:], deliveries: pending.deliveries,
                                        error: recorded ?? "no error recorded: every consumer that took it died")
        }
    }

    /// Buries entries no retry can make readable (a field missing or malformed) at once,
    /// instead of acknowledging them without a trace.
    public func bury(_ entries: [StreamEntry], reason: String) async throws {
        for entry in entries { try await moveToDeadLetters(id: entry.id, fields: entry.fields, deliveries: 1, error: reason) }
    }

    /// Adds the entry to the dead letters with where it came from and its error, then acknowledges it.
    func moveToDeadLetters(id: String, fields entryFields: [String: String], deliveries: Int64, error: String) async throws {
        let c = configuration
        var fields: [(key: String, value: String)] = entryFields.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        fields += [("dead.source_id", id), ("dead.deliveries", "\(deliveries)"), ("dead.error", error), ("dead.at", Date().formatted(.iso8601))]
        guard try await stream.bury(id, fields: fields) else { return }
        metrics.buried.increment()
        logger.error("entry moved to the dead letters", metadata: ["entry": "\(id)", "deliveries": "\(deliveries)",
                                                                  "dead_letters": "\(c.deadLetters)", "error": "\(error)"])
    }
}

extension PostgresClient {
    /// The probe stream consumers use: PostgreSQL answers a trivial query.
    @Sendable public func isReachable() async -> Bool {
        (try? await query("SELECT 1")) != nil
    }
}
