/// A token bucket: `rate` tokens a second up to `burst`; each request takes one.
/// Pure, with time passed in, so the limiter's rule is tested without a clock.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Double
    private(set) var tokens: Double
    private(set) var updatedAt: Double

    public init(rate: Double, burst: Double, now: Double) {
        self.rate = rate
        self.burst = max(1, burst)
        tokens = self.burst
        updatedAt = now
    }

    /// Takes a token at `now` (seconds); nil when taken, else the seconds until one is there.
    public mutating func take(now: Double) -> Double? {
        refill(now: now)
        guard tokens >= 1 else { return rate > 0 ? (1 - tokens) / rate : .infinity }
        tokens -= 1
        return nil
    }

    /// No token to take at `now`.
    public func isEmpty(now: Double) -> Bool {
        tokens + max(0, now - updatedAt) * rate < 1
    }

    /// Seconds from `now` until a token is there (0 when one is).
    public func secondsUntilToken(now: Double) -> Double {
        let available = tokens + max(0, now - updatedAt) * rate
        return available >= 1 ? 0 : rate > 0 ? (1 - available) / rate : .infinity
    }

    /// Full again at `now`: nothing to remember about this client.
    public func isFull(now: Double) -> Bool {
        tokens + max(0, now - updatedAt) * rate >= burst
    }

    private mutating func refill(now: Double) {
        tokens = min(burst, tokens + max(0, now - updatedAt) * rate)
        updatedAt = max(updatedAt, now)
    }
}
