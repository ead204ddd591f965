import BlockingIO
import Logging
import ServiceLifecycle
import SubanTestSupport
import Synchronization
import Testing
@testable import SubanWorkers

/// The loop the relay, the SLA sweeper, the day closer and the calendar refresh share: at once
/// while work waits, backing off while passes fail, and stopping promptly however long its interval.
/// Its interval is an hour, so "at once" is anything well under it: the bounds hold on a busy
/// machine whose cooperative threads other suites keep for seconds.
@Suite struct PollingLoopTests {
    static let patience = Duration.seconds(120)

    final class Passes: Sendable {
        private let state = Mutex((count: 0, instants: [ContinuousClock.Instant]()))
        var count: Int { state.withLock { $0.count } }
        var instants: [ContinuousClock.Instant] { state.withLock { $0.instants } }
        func note() -> Int { state.withLock { $0.count += 1; $0.instants.append(.now); return $0.count } }
    }

    static func loop(interval: Duration, backoff: Backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))) -> PollingLoop {
        PollingLoop(interval: interval, backoff: backoff, name: "test", logger: TestServers.logger)
    }

    @Test func goesAgainAtOnceWhileMoreWorkWaits() async throws {
        let passes = Passes()
        // An hour's interval: only "more is waiting" can bring the next pass.
        let task = Task { await Self.loop(interval: .seconds(3600)).run { passes.note() < 5 } }
        try await eventually(timeout: Self.patience) { passes.count == 5 }
        try await Task.sleep(for: .milliseconds(50))
        #expect(passes.count == 5, "the fifth pass found nothing more: the loop waits its interval")
        task.cancel()
        await task.value
    }

    @Test func failingPassesBackOffExponentiallyAndASuccessResetsIt() async throws {
        let passes = Passes()
        let backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(80))
        struct Down: Error {}
        let task = Task {
            await Self.loop(interval: .seconds(3600), backoff: backoff).run {
                let n = passes.note()
                if n <= 4 { throw Down() }
                return n < 6
            }
        }
        try await eventually(timeout: Self.patience) { passes.count == 6 }
        let instants = passes.instants
        let gaps = zip(instants, instants.dropFirst()).map { $1 - $0 }
        // After failures 1, 2, 3, 4 the loop waited at least half of 20, 40, 80, 80 ms.
        for (gap, least) in zip(gaps, [10, 20, 40, 40]) { #expect(gap >= .milliseconds(least)) }
        #expect(gaps[4] < .seconds(60), "a success with more waiting goes again at once, not after the hour")
        task.cancel()
        await task.value
    }

    @Test func gracefulShutdownEndsAPauseAtOnce() async throws {
        struct Looping: Service {
            let passes: Passes
            func run() async throws { await PollingLoopTests.loop(interval: .seconds(3600)).run { _ = passes.note(); return false } }
        }
        let passes = Passes()
        let group = ServiceGroup(configuration: .init(services: [Looping(passes: passes)], logger: TestServers.logger))
        let running = Task { try await group.run() }
        try await eventually(timeout: Self.patience) { passes.count == 1 }
        let clock = ContinuousClock()
        let asked = clock.now
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(clock.now - asked < .seconds(60), "an hour's pause must not hold up a SIGTERM")
        #expect(passes.count == 1)
    }
}
