import BlockingIO
import Logging
import Redis
import ServiceLifecycle

/// One consumer of a consumer group, the loop every stream-reading role shares.
///
/// 1. Make sure the group exists (again after a Redis restart lost it).
/// 2. Every `claimInterval`, take over entries a dead consumer left pending longer
///    than `claimIdle`; otherwise read new entries, blocking briefly so shutdown is noticed.
/// 3. Hand the batch to `process`, which acknowledges what it finished; a batch
///    that throws stays pending and is retried after back-off or reclaimed.
public struct StreamConsumer: Sendable {
    public struct Configuration: Sendable {
        public var stream: String
        public var group: String
        public var consumer: String
        public var batchSize = 100
        public var block: Duration = .seconds(2)
        public var claimIdle: Duration = .seconds(30)
        public var claimInterval: Duration = .seconds(5)

        public init(stream: String, group: String, consumer: String) {
            self.stream = stream
            self.group = group
            self.consumer = consumer
        }
    }

    public let configuration: Configuration
    let redis: RedisClient
    let logger: Logger

    public init(configuration: Configuration, redis: RedisClient, logger: Logger) {
        self.configuration = configuration
        self.redis = redis
        var logger = logger
        logger[metadataKey: "consumer"] = "\(configuration.consumer)"
        self.logger = logger
    }

    public func run(_ process: ([StreamEntry]) async throws -> Void) async {
        let c = configuration
        let backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
        var failures = 0
        var claimedAt = ContinuousClock.now - c.claimInterval
        var groupReady = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if !groupReady {
                    try await redis.createGroup(c.stream, group: c.group)
                    groupReady = true
                }
                var entries: [StreamEntry] = []
                if ContinuousClock.now - claimedAt >= c.claimInterval {
                    entries = try await redis.autoClaim(c.stream, group: c.group, consumer: c.consumer, minIdle: c.claimIdle, count: c.batchSize).entries
                    claimedAt = .now
                    if !entries.isEmpty { logger.info("reclaimed pending entries", metadata: ["count": "\(entries.count)", "stream": "\(c.stream)"]) }
                }
                if entries.isEmpty {
                    entries = try await redis.readGroup(c.stream, group: c.group, consumer: c.consumer, count: c.batchSize, block: c.block)
                }
                if !entries.isEmpty { try await process(entries) }
                failures = 0
            } catch {
                if Task.isCancelled { break }
                failures += 1
                if let redisError = error as? RedisError, redisError.serverCode == "NOGROUP" { groupReady = false }
                logger.warning("\(c.group) pass failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
                try? await Task.sleep(for: backoff.delay(afterFailures: failures))
            }
        }
    }

    public func ack(_ entries: [StreamEntry]) async throws {
        try await redis.ack(configuration.stream, group: configuration.group, ids: entries.map(\.id))
    }
}
