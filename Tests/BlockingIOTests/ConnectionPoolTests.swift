import BlockingIO
import Foundation
import NIOPosix
import Synchronization
import Testing

/// The pool's rules over stand-in connections: how many open, who waits, what is
/// thrown away, how opening backs off, what closing does. The clients' own tests run the
/// same pool against the real servers.
@Suite("Connection pool") struct ConnectionPoolTests {
    final class StandIn: BlockingConnection {
        let serial: Int
        private let state = Mutex((broken: false, closed: false))
        init(serial: Int) { self.serial = serial }
        var isBroken: Bool { state.withLock { $0.broken } }
        var isClosed: Bool { state.withLock { $0.closed } }
        func breakIt() { state.withLock { $0.broken = true } }
        func close() { state.withLock { $0.closed = true } }
    }

    /// Counts what the pool asked of it; fails while told to.
    final class Factory: Sendable {
        private let state = Mutex((made: [StandIn](), failing: 0, attempts: 0))
        var made: [StandIn] { state.withLock { $0.made } }
        var attempts: Int { state.withLock { $0.attempts } }
        func fail(next count: Int) { state.withLock { $0.failing = count } }
        func make() throws -> StandIn {
            try state.withLock { state in
                state.attempts += 1
                if state.failing > 0 {
                    state.failing -= 1
                    throw Refused()
                }
                let connection = StandIn(serial: state.made.count)
                state.made.append(connection)
                return connection
            }
        }
    }

    struct Refused: Error {}

    final class Locked<Value: Sendable>: Sendable {
        private let mutex: Mutex<Value>
        init(_ value: Value) { mutex = Mutex(value) }
        var value: Value {
            get { mutex.withLock { $0 } }
            set { mutex.withLock { $0 = newValue } }
        }
        func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
    }

    static let threadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    func pool(max: Int, _ factory: Factory, backoff: Backoff = Backoff(initial: .milliseconds(1), maximum: .milliseconds(4))) -> ConnectionPool<StandIn> {
        ConnectionPool(maxConnections: max, threadPool: Self.threadPool, backoff: backoff) { try factory.make() }
    }

    @Test func manyBorrowersShareAtMostMaxConnections() async throws {
        let factory = Factory()
        let pool = pool(max: 3, factory)
        let inUse = Locked((now: 0, most: 0))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.withConnection { _ in
                        inUse.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        Thread.sleep(forTimeInterval: 0.002)
                        inUse.withLock { $0.now -= 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(factory.made.count <= 3)
        #expect(inUse.withLock { $0.most } <= 3)
        await pool.close()
    }

    @Test func theBorrowerRunsOnTheBlockingThreadPool() async throws {
        let pool = pool(max: 1, Factory())
        // Linux names the calling thread here; NIO names its thread pool's threads TP-#n.
        let thread = try await pool.withConnection { _ in try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
        let onPoolThread = thread.hasPrefix("TP-")
        #expect(onPoolThread, "a blocking C call must not hold a cooperative thread (ran on \(thread))")
        await pool.close()
    }

    @Test func aBrokenConnectionIsClosedAndNeverHandedOutAgain() async throws {
        let factory = Factory()
        let pool = pool(max: 1, factory)
        let first = try await pool.withConnection { connection in
            connection.breakIt()
            return connection.serial
        }
        let second = try await pool.withConnection { $0.serial }
        #expect(first != second)
        try await eventually { factory.made[first].isClosed }
        // A healthy one comes back to the next borrower.
        #expect(try await pool.withConnection { $0.serial } == second)
        await pool.close()
    }

    @Test func anErrorInTheBodyReturnsTheConnection() async throws {
        let factory = Factory()
        let pool = pool(max: 1, factory)
        await #expect(throws: Refused.self) { try await pool.withConnection { _ in throw Refused() } }
        #expect(try await pool.withConnection { $0.serial } == 0)
        #expect(factory.made.count == 1)
        await pool.close()
    }

    @Test func openingFailsFastThenBacksOffAndRecovers() async throws {
        let factory = Factory()
        let pool = pool(max: 2, factory, backoff: Backoff(initial: .milliseconds(40), maximum: .milliseconds(40)))
        factory.fail(next: 2)
        await #expect(throws: Refused.self) { try await pool.withConnection { _ in } }
        // After a failure, the next attempt first waits out the back-off (at least half its ceiling).
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: Refused.self) { try await pool.withConnection { _ in } }
        #expect(clock.now - started >= .milliseconds(20))
        #expect(try await pool.withConnection { $0.serial } == 0, "the server is back")
        #expect(factory.attempts == 3)
        await pool.close()
    }

    /// A connection that breaks while others wait frees its slot: the next waiter opens a new one.
    @Test func aWaiterOpensItsOwnWhenTheHeldConnectionBreaks() async throws {
        let factory = Factory()
        let pool = pool(max: 1, factory)
        let release = Locked(false)
        let holder = Task {
            try await pool.withConnection { connection in
                while !release.value { Thread.sleep(forTimeInterval: 0.001) }
                connection.breakIt()
            }
        }
        try await eventually { factory.made.count == 1 }
        let waiter = Task { try await pool.withConnection { $0.serial } }
        try await Task.sleep(for: .milliseconds(20))
        release.value = true
        try await holder.value
        #expect(try await waiter.value == 1)
        await pool.close()
    }

    @Test func closingRefusesNewLeasesReleasesWaitersAndClosesConnections() async throws {
        let factory = Factory()
        let pool = pool(max: 1, factory)
        let release = Locked(false)
        let holder = Task {
            try await pool.withConnection { _ in
                while !release.value { Thread.sleep(forTimeInterval: 0.001) }
            }
        }
        try await eventually { factory.made.count == 1 }
        let waiter = Task { try await pool.withConnection { _ in } }
        try await Task.sleep(for: .milliseconds(20))
        await pool.close()
        await #expect(throws: ConnectionPoolError.self) { try await waiter.value }
        await #expect(throws: ConnectionPoolError.self) { try await pool.withConnection { _ in } }
        release.value = true
        try await holder.value
        try await eventually { factory.made[0].isClosed }
    }

    @Test(arguments: [(1, 100), (2, 200), (3, 400), (6, 3200), (7, 5000), (60, 5000)])
    func backoffCeilingDoublesToItsMaximum(failures: Int, milliseconds: Int64) {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))
        #expect(backoff.ceiling(afterFailures: failures) == .milliseconds(milliseconds))
        for _ in 0..<50 {
            let delay = backoff.delay(afterFailures: failures)
            #expect(delay >= .milliseconds(milliseconds / 2) && delay <= .milliseconds(milliseconds))
        }
        #expect(backoff.delay(afterFailures: 0) == .zero)
    }

    /// Patient: other suites may keep the cooperative threads for seconds.
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while !condition() && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(2)) }
        #expect(condition())
    }
}
