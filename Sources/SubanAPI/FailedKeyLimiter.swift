import Foundation
import Hummingbird
import SubanCore
import Synchronization

/// Stops key guessing on the api role: every request whose bearer key is refused (401) takes a
/// token from its client's bucket, and a client whose bucket is empty gets `429` before any key
/// is looked up. Right keys take nothing, so a desk that works is never slowed; the client is
/// found as intake's limiter finds it (`TRUSTED_PROXIES`). Per process, like intake's limit.
public final class FailedKeyLimiter: RouterMiddleware, Sendable {
    public typealias Context = SubanRequestContext

    public struct Configuration: Sendable {
        /// Refused keys a client may send at once, then one every `1 / rate` seconds.
        public var burst: Double = 20
        public var rate: Double = 0.1
        public var trustedProxies: [AddressRange] = []
        /// Never limited: the operators' own tools on loopback by default.
        public var exempt: Set<String> = ["127.0.0.1", "::1"]

        public init() {}
    }

    let configuration: Configuration
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let started = ContinuousClock.now

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let client = ClientRateLimiter.client(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!],
                                              trustedProxies: configuration.trustedProxies)
        guard !configuration.exempt.contains(client), request.headers[.authorization] != nil else { return try await next(request, context) }
        let now = (ContinuousClock.now - started).seconds
        if let wait = buckets.withLock({ buckets -> Double? in
            guard let bucket = buckets[client] else { return nil }
            return bucket.isEmpty(now: now) ? bucket.secondsUntilToken(now: now) : nil
        }) {
            throw APIError(.tooManyRequests, code: "too_many_refused_keys", message: "too many refused keys from \(client); retry later",
                           retryAfter: max(1, Int(wait.rounded(.up))))
        }
        do {
            let response = try await next(request, context)
            if response.status == .unauthorized { refused(client, now: now) }
            return response
        } catch let error as APIError where error.status == .unauthorized {
            refused(client, now: now)
            throw error
        }
    }

    private func refused(_ client: String, now: Double) {
        buckets.withLock { buckets in
            if buckets.count > 50_000 { buckets = buckets.filter { !$0.value.isFull(now: now) } }
            var bucket = buckets[client] ?? TokenBucket(rate: configuration.rate, burst: configuration.burst, now: now)
            _ = bucket.take(now: now)
            buckets[client] = bucket
        }
    }
}
