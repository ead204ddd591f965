import NIOPosix

/// A small pool of blocking connections that runs every borrower on a
/// dedicated thread pool.
///
/// 1. `withConnection` takes an idle connection, or opens one while below
///    `maxConnections`, or waits for one to come back.
/// 2. The borrower's closure runs on the `NIOThreadPool`, so blocking C calls
///    never occupy a cooperative thread.
/// 3. A connection left broken by the closure is closed, not returned.
/// 4. Opening fails fast after consecutive failures and waits out a jittered
///    back-off first, so callers that retry in a loop do not spin.
public actor ConnectionPool<Connection: BlockingConnection> {
    public typealias Factory = @Sendable () throws -> Connection

    public nonisolated let maxConnections: Int
    private let threadPool: NIOThreadPool
    private let factory: Factory
    private let backoff: Backoff
    private var idle: [Connection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Connection?, Never>] = []
    private var consecutiveFailures = 0
    private var closed = false

    public init(maxConnections: Int, threadPool: NIOThreadPool, backoff: Backoff = Backoff(), factory: @escaping Factory) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.maxConnections = maxConnections
        self.threadPool = threadPool
        self.factory = factory
        self.backoff = backoff
    }

    /// Runs `body` with a connection, on the blocking thread pool.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (Connection) throws -> Result
    ) async throws -> Result {
        let connection = try await lease()
        do {
            let result = try await threadPool.runIfActive { try body(connection) }
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Closes idle connections and refuses new leases; borrowed ones close on return.
    public func close() async {
        closed = true
        let toClose = idle
        idle.removeAll()
        open -= toClose.count
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
        if !toClose.isEmpty {
            try? await threadPool.runIfActive { for connection in toClose { connection.close() } }
        }
    }

    private func lease() async throws -> Connection {
        while true {
            if closed { throw ConnectionPoolError.closed }
            if let connection = idle.popLast() {
                if connection.isBroken {
                    open -= 1
                    discard(connection)
                    continue
                }
                return connection
            }
            if open < maxConnections {
                open += 1
                do {
                    return try await connect()
                } catch {
                    open -= 1
                    wakeOneWaiterToConnect()
                    throw error
                }
            }
            if let connection = await withCheckedContinuation({ waiters.append($0) }) {
                return connection
            }
            // Woken without a connection: a slot was freed, loop and try again.
        }
    }

    private func connect() async throws -> Connection {
        if consecutiveFailures > 0 {
            try await Task.sleep(for: backoff.delay(afterFailures: consecutiveFailures))
        }
        do {
            let connection = try await threadPool.runIfActive(factory)
            consecutiveFailures = 0
            return connection
        } catch {
            consecutiveFailures += 1
            throw error
        }
    }

    private func release(_ connection: Connection) {
        if connection.isBroken || closed {
            open -= 1
            discard(connection)
            wakeOneWaiterToConnect()
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Closing may write to the socket, so it too runs on the blocking pool.
    private func discard(_ connection: Connection) {
        threadPool.submit { _ in connection.close() }
    }

    private func wakeOneWaiterToConnect() {
        if !waiters.isEmpty { waiters.removeFirst().resume(returning: nil) }
    }
}

public enum ConnectionPoolError: Error, CustomStringConvertible {
    case closed
    public var description: String { "connection pool is closed" }
}
