import BlockingIO
import Logging
import ServiceLifecycle

/// The loop every polling role shares (outbox relay, SLA sweeper, notification
/// sender): run a pass every `interval`, jittered so replicas do not poll in step;
/// go again at once when the pass says more is waiting; back off exponentially
/// on failure so a dead server is not hammered; stop on graceful shutdown.
struct PollingLoop: Sendable {
    var interval: Duration
    var backoff = Backoff(initial: .milliseconds(200), maximum: .seconds(10))
    let name: String
    let logger: Logger

    /// `pass` returns true when more work is waiting.
    func run(_ pass: () async throws -> Bool) async {
        var failures = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var delay = interval * Double.random(in: 0.8...1.2)
            do {
                if try await pass() { delay = .zero }
                failures = 0
            } catch {
                if Task.isCancelled { break }
                failures += 1
                delay = backoff.delay(afterFailures: failures)
                logger.warning("\(name) pass failed", metadata: ["error": "\(error)", "failures": "\(failures)"])
            }
            // Woken by graceful shutdown too: a long interval must not hold up a SIGTERM.
            let pause = delay
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}
