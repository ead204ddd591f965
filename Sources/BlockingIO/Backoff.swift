/// Exponential back-off with full jitter, so reconnecting processes do not
/// hammer a recovering server in step.
public struct Backoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        precondition(initial > .zero && maximum >= initial, "back-off bounds must be positive and ordered")
        self.initial = initial
        self.maximum = maximum
    }

    /// The ceiling of the delay after `failures` consecutive failures (1-based).
    public func ceiling(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        let exponent = min(failures - 1, 20)
        let scaled = initial * (1 << exponent)
        return min(scaled, maximum)
    }

    /// A random delay in [ceiling/2, ceiling].
    public func delay(afterFailures failures: Int) -> Duration {
        let ceiling = ceiling(afterFailures: failures)
        guard ceiling > .zero else { return .zero }
        let ms = Double(ceiling.wholeMilliseconds)
        return .milliseconds(Int64(ms / 2 + Double.random(in: 0...(ms / 2))))
    }
}
