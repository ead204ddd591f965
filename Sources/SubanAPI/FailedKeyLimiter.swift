import Foundation
import Hummingbird

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
    private let buckets: ClientBuckets

    public init(configuration: Configuration) {
        self.configuration = configuration
        buckets = ClientBuckets(rate: configuration.rate, burst: configuration.burst)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let client = ClientRateLimiter.client(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!],
                                              trustedProxies: configuration.trustedProxies)
        guard !configuration.exempt.contains(client), request.headers[.authorization] != nil else { return try await next(request, context) }
        if let wait = buckets.wait(client) {
            throw APIError(.tooManyRequests, code: "too_many_refused_keys", message: "too many refused keys from \(client); retry later",
                           retryAfter: max(1, Int(wait.rounded(.up))))
        }
        do {
            let response = try await next(request, context)
            if response.status == .unauthorized { _ = buckets.take(client) }
            return response
        } catch let error as APIError where error.status == .unauthorized {
            _ = buckets.take(client)
            throw error
        }
    }
}
