import BlockingIO
import Foundation
import Hummingbird
import Synchronization
import SubanCore

/// Intake's per-client limit: a token bucket per client address. A client is the
/// peer's address, or — behind the gateway, when `trustForwardedFor` is set — the
/// last address of `X-Forwarded-For`, the one the gateway added. Exempt addresses (the operators' own tools on
/// loopback by default) are never limited. Per process: with N intake replicas a
/// client gets at most N times the rate, which still stops a flood.
public final class ClientRateLimiter: Sendable {
    public struct Configuration: Sendable {
        /// Appeals a second per client; 0 turns limiting off.
        public var rate: Double = 20
        public var burst: Double = 40
        public var trustForwardedFor = false
        public var exempt: Set<String> = ["127.0.0.1", "::1"]

        public init() {}
    }

    public let configuration: Configuration
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let clock = ContinuousClock()
    private let started = ContinuousClock.now

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Throws `429` with `Retry-After` when the client is over its rate.
    public func admit(_ request: Request, context: some RemoteAddressRequestContext) throws {
        guard configuration.rate > 0 else { return }
        let client = client(request, context)
        guard !configuration.exempt.contains(client) else { return }
        let now = (clock.now - started).seconds
        let wait = buckets.withLock { buckets -> Double? in
            // Forget clients whose buckets have refilled, so a scan of many addresses cannot grow the table without end.
            if buckets.count > 50_000 { buckets = buckets.filter { !$0.value.isFull(now: now) } }
            var bucket = buckets[client] ?? TokenBucket(rate: configuration.rate, burst: configuration.burst, now: now)
            defer { buckets[client] = bucket }
            return bucket.take(now: now)
        }
        if let wait {
            throw APIError(.tooManyRequests, code: "rate_limited",
                           message: "more than \(configuration.rate) appeals a second from \(client); retry later",
                           retryAfter: max(1, Int(wait.rounded(.up))))
        }
    }

    func client(_ request: Request, _ context: some RemoteAddressRequestContext) -> String {
        // The gateway appends the address it saw; anything before it the client may have written itself.
        if configuration.trustForwardedFor, let forwarded = request.headers[.init("X-Forwarded-For")!],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }
}
