import Foundation
import Logging
import Postgres
import ServiceLifecycle
import SubanCore
import SubanStore

public enum IntakeError: Error, CustomStringConvertible {
    /// PostgreSQL did not take the batch; nothing was acknowledged.
    case storeUnavailable(String)
    case shuttingDown

    public var description: String {
        switch self {
        case .storeUnavailable(let reason): "ticket store unavailable: \(reason)"
        case .shuttingDown: "intake is shutting down"
        }
    }
}

/// Group commit for intake: concurrent appeals share one transaction.
///
/// 1. `submit` parks the caller and queues its ticket.
/// 2. `flushers` loops each take everything queued (up to `maxBatch`) and
///    record it in one transaction; at low load a batch is one ticket and adds
///    no wait, under load batches grow by themselves.
/// 3. Callers are answered after COMMIT, and the outbox rows are handed to
///    `OutboxQueue` for Redis: a crash before they are published leaves them
///    for `OutboxRelay`.
/// 4. On shutdown it stops taking tickets and drains what is queued.
public actor IntakeBatcher: Service {
    public struct Configuration: Sendable {
        public var maxBatch = 256
        /// Concurrent transactions; at most the database pool's size.
        public var flushers = 4
        public init() {}
    }

    private struct Pending {
        var ticket: NewTicket
        var continuation: CheckedContinuation<IntakeReceipt, any Error>
    }

    private let configuration: Configuration
    private let postgres: PostgresClient
    private let outbox: OutboxQueue
    private let logger: Logger
    private var pending: [Pending] = []
    private var idleFlushers: [CheckedContinuation<[Pending]?, Never>] = []
    private var stopping = false

    public init(configuration: Configuration = Configuration(), postgres: PostgresClient, outbox: OutboxQueue, logger: Logger) {
        self.configuration = configuration
        self.postgres = postgres
        self.outbox = outbox
        self.logger = logger
    }

    /// Returns once the appeal is durable in PostgreSQL.
    public func submit(_ ticket: NewTicket) async throws -> IntakeReceipt {
        try await withCheckedThrowingContinuation { continuation in
            guard !stopping else {
                continuation.resume(throwing: IntakeError.shuttingDown)
                return
            }
            pending.append(Pending(ticket: ticket, continuation: continuation))
            if let flusher = idleFlushers.popLast() { flusher.resume(returning: takeBatch()) }
        }
    }

    /// Flushers wait in continuations, which cancellation does not reach: both a
    /// graceful shutdown and a cancelled group (a sibling service failed) stop them.
    public func run() async throws {
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for _ in 0..<configuration.flushers {
                        group.addTask {
                            while let batch = await self.nextBatch() { await self.flush(batch) }
                        }
                    }
                }
            } onGracefulShutdown: {
                Task { await self.stop() }
            }
        } onCancel: {
            Task { await self.stop() }
        }
    }

    private func stop() {
        stopping = true
        for flusher in idleFlushers { flusher.resume(returning: nil) }
        idleFlushers.removeAll()
    }

    private func takeBatch() -> [Pending] {
        let count = min(configuration.maxBatch, pending.count)
        defer { pending.removeFirst(count) }
        return Array(pending.prefix(count))
    }

    private func nextBatch() async -> [Pending]? {
        if !pending.isEmpty { return takeBatch() }
        if stopping { return nil }
        return await withCheckedContinuation { idleFlushers.append($0) }
    }

    private func flush(_ batch: [Pending]) async {
        let tickets = batch.map(\.ticket)
        let started = ContinuousClock.now
        do {
            let result = try await record(tickets)
            StageMetrics.time(StageMetrics.intakeCommit, since: started)
            StageMetrics.intakeBatch.record(tickets.count)
            if tickets.contains(where: \.replyDeadline.provisional) {
                logger.notice("provisional deadlines: they count days of a year whose holiday notice is not loaded, as plain weekends")
            }
            for item in batch {
                if let stored = result.stored[item.ticket.idempotencyKey] {
                    item.continuation.resume(returning: IntakeReceipt(stored, for: item.ticket))
                } else {
                    item.continuation.resume(throwing: IntakeError.storeUnavailable("ticket missing after commit"))
                }
            }
            await outbox.enqueue(result.outbox)
        } catch let error as PostgresError where error.kind == .server && !error.isTransient && batch.count > 1 {
            // One row the database refuses must not fail its neighbours: retry them one by one.
            logger.warning("batch refused, retrying singly", metadata: ["error": "\(error)", "size": "\(batch.count)"])
            for item in batch { await flush([item]) }
        } catch {
            logger.error("intake batch failed", metadata: ["error": "\(error)", "size": "\(batch.count)"])
            for item in batch { item.continuation.resume(throwing: IntakeError.storeUnavailable("\(error)")) }
        }
    }

    /// Deadlocks and serialization failures are retried; the statement is idempotent.
    private func record(_ tickets: [NewTicket]) async throws -> (stored: [IdempotencyKey: StoredTicket], outbox: [OutboxMessage]) {
        var attempt = 0
        while true {
            do {
                return try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }
            } catch let error as PostgresError where error.sqlState == "40P01" || error.sqlState == "40001" {
                attempt += 1
                if attempt >= 3 { throw error }
            }
        }
    }
}
