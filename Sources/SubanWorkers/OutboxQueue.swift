import Logging
import ServiceLifecycle
import SubanStore

/// Publishes freshly committed outbox rows off the writer's path.
///
/// 1. Writers `enqueue` rows right after COMMIT and go on with their next batch.
/// 2. One loop drains everything queued into one pipelined publish and one DELETE,
///    so under load many transactions share one Redis round trip.
/// 3. The queue is bounded. Rows it drops, or holds when the process dies, are
///    still in PostgreSQL's outbox, where `OutboxRelay` finds them: memory here is
///    only a shortcut, never the record.
/// 4. Rows stay whole, in the queue and in a batch: publishing deletes every row it
///    touched, so a row split between batches, or cut by the bound, would lose the
///    entries left behind if the process died (or for good, once cut).
public actor OutboxQueue: Service {
    public struct Configuration: Sendable {
        public var capacity = 20_000
        public var maxBatch = 2_000
        public init() {}
    }

    private let configuration: Configuration
    private let publisher: OutboxPublisher
    private let logger: Logger
    private var queued: [OutboxMessage] = []
    private var waiter: CheckedContinuation<Bool, Never>?
    private var stopping = false
    private var dropped = 0

    public init(configuration: Configuration = Configuration(), publisher: OutboxPublisher, logger: Logger) {
        self.configuration = configuration
        self.publisher = publisher
        self.logger = logger
    }

    public func enqueue(_ messages: [OutboxMessage]) {
        guard !messages.isEmpty else { return }
        let fitting = Self.wholeRows(of: messages, upTo: configuration.capacity - queued.count)
        dropped += messages.count - fitting
        queued.append(contentsOf: messages.prefix(fitting))
        waiter?.resume(returning: true)
        waiter = nil
    }

    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while let batch = await self.next() {
                    let started = ContinuousClock.now
                    do {
                        try await publisher.publish(batch)
                        StageMetrics.time(StageMetrics.publishTime, since: started)
                        StageMetrics.published("writer").increment(by: Int64(batch.count))
                    } catch {
                        logger.warning("outbox publish deferred to relay", metadata: ["error": "\(error)", "rows": "\(batch.count)"])
                    }
                }
            } onGracefulShutdown: {
                Task { await self.stop() }
            }
        } onCancel: {
            Task { await self.stop() }
        }
    }

    /// Everything queued (up to `maxBatch`), waiting while empty; nil once stopping and drained.
    private func next() async -> [OutboxMessage]? {
        while queued.isEmpty {
            if stopping { return nil }
            _ = await withCheckedContinuation { waiter = $0 }
        }
        if dropped > 0 {
            logger.warning("outbox queue full; rows left to the relay", metadata: ["rows": "\(dropped)"])
            dropped = 0
        }
        // A row larger than a batch goes alone, whole.
        let count = Self.wholeRows(of: queued, upTo: configuration.maxBatch, atLeastOne: true)
        defer { queued.removeFirst(count) }
        return Array(queued.prefix(count))
    }

    /// How many leading entries of `messages` make whole outbox rows, `limit` entries at most
    /// (or the first row whatever its size, `atLeastOne`). A row's entries are adjacent.
    static func wholeRows(of messages: [OutboxMessage], upTo limit: Int, atLeastOne: Bool = false) -> Int {
        var taken = 0
        while taken < messages.count {
            var end = taken
            while end < messages.count && messages[end].id == messages[taken].id { end += 1 }
            guard end <= limit || (atLeastOne && taken == 0) else { break }
            taken = end
        }
        return taken
    }

    private func stop() {
        stopping = true
        waiter?.resume(returning: false)
        waiter = nil
    }
}
