import Foundation
import Hummingbird
import Postgres
import Synchronization
import SubanCore
import SubanStore

/// The channel a bearer key files appeals for. Intake answers thousands of appeals a second,
/// so a key's answer is kept for `ttl` (a revoked key stops within that), a refused one for
/// less: a client guessing keys still costs a look-up every few seconds, on top of its rate limit.
public final class ChannelKeys: Sendable {
    let postgres: PostgresClient
    let ttl: Duration
    let refusedTTL: Duration
    private let known = Mutex<[String: (channel: Channel?, until: ContinuousClock.Instant)]>([:])

    public init(postgres: PostgresClient, ttl: Duration = .seconds(30), refusedTTL: Duration = .seconds(5)) {
        self.postgres = postgres
        self.ttl = ttl
        self.refusedTTL = refusedTTL
    }

    /// The key's channel, nil for a key that files nothing (unknown, revoked, expired, or a unit's or operator's).
    public func channel(of token: String) async throws -> Channel? {
        let digest = APIKeys.digest(token)
        let now = ContinuousClock.now
        if let cached = known.withLock({ $0[digest] }), cached.until > now { return cached.channel }
        let principal = try await postgres.withConnection { try APIKeys.principal(token: token, on: $0) }
        let channel: Channel? = if case .channel(let channel, _, _) = principal { channel } else { nil }
        known.withLock { known in
            // Forget expired answers before the table grows past what a fleet of channels needs.
            if known.count > 10_000 { known = known.filter { $0.value.until > now } }
            known[digest] = (channel, now + (channel == nil ? refusedTTL : ttl))
        }
        return channel
    }

    /// The channel of the request's `Authorization: Bearer` key; 401 without a channel's key.
    func channel(of request: Request) async throws -> Channel {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, code: "unauthorized", message: "send Authorization: Bearer <your channel's key>",
                           fields: [FieldError("authorization", "missing")])
        }
        guard let channel = try await channel(of: String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "not a live channel key",
                           fields: [FieldError("authorization", "unknown, revoked or expired key, or not a channel's")])
        }
        return channel
    }
}
