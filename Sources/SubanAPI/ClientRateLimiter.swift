import BlockingIO
import Foundation
import Hummingbird
import Synchronization
import SubanCore

/// Intake's per-client limit: a token bucket per client address. A client is the
/// peer's address; when the peer is one of `trustedProxies` (the gateway), the address
/// the proxies saw: `X-Forwarded-For` read from its end, past every trusted proxy. A
/// header from anyone else is the client's own words and ignored, so no client makes
/// itself exempt or someone else by writing it. Exempt addresses (the operators' own
/// tools on loopback by default) are never limited. Per process: with N intake replicas
/// a client gets at most N times the rate, which still stops a flood.
public final class ClientRateLimiter: Sendable {
    public struct Configuration: Sendable {
        /// Appeals a second per client; 0 turns limiting off.
        public var rate: Double = 20
        public var burst: Double = 40
        /// The proxies whose `X-Forwarded-For` is believed; none by default.
        public var trustedProxies: [AddressRange] = []
        public var exempt: Set<String> = ["127.0.0.1", "::1"]

        public init() {}
    }

    public let configuration: Configuration
    private let buckets: ClientBuckets

    public init(configuration: Configuration) {
        self.configuration = configuration
        buckets = ClientBuckets(rate: configuration.rate, burst: configuration.burst)
    }

    /// Throws `429` with `Retry-After` when the client is over its rate.
    public func admit(_ request: Request, context: some RemoteAddressRequestContext) throws {
        guard configuration.rate > 0 else { return }
        let client = client(request, context)
        guard !configuration.exempt.contains(client) else { return }
        if let wait = buckets.take(client) {
            throw APIError(.tooManyRequests, code: "rate_limited",
                           message: "more than \(configuration.rate) appeals a second from \(client); retry later",
                           retryAfter: max(1, Int(wait.rounded(.up))))
        }
    }

    func client(_ request: Request, _ context: some RemoteAddressRequestContext) -> String {
        Self.client(peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!],
                    trustedProxies: configuration.trustedProxies)
    }

    /// Each proxy appends the address it saw; anything before the last trusted one's the client may have written itself.
    public static func client(peer: String?, forwardedFor: [String], trustedProxies: [AddressRange]) -> String {
        guard var client = peer else { return "unknown" }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard trustedProxies.contains(where: { $0.contains(client) }), !hop.isEmpty else { break }
            client = hop
        }
        return client
    }
}

/// A token bucket per client, for intake's rate and the api's refused keys.
final class ClientBuckets: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let started = ContinuousClock.now

    init(rate: Double, burst: Double) {
        self.rate = rate
        self.burst = burst
    }

    /// Takes a token of `client`'s; nil when taken, else the seconds until one is there.
    func take(_ client: String) -> Double? {
        let now = (ContinuousClock.now - started).seconds
        return buckets.withLock { buckets in
            // Forget clients whose buckets have refilled, so a scan of many addresses cannot grow the table without end.
            if buckets.count > 50_000 { buckets = buckets.filter { !$0.value.isFull(now: now) } }
            var bucket = buckets[client] ?? TokenBucket(rate: rate, burst: burst, now: now)
            defer { buckets[client] = bucket }
            return bucket.take(now: now)
        }
    }

    /// The seconds until `client` has a token again, nil when it has one; takes nothing.
    func wait(_ client: String) -> Double? {
        let now = (ContinuousClock.now - started).seconds
        return buckets.withLock { buckets in
            guard let bucket = buckets[client], bucket.isEmpty(now: now) else { return nil }
            return bucket.secondsUntilToken(now: now)
        }
    }
}

/// An IPv4 or IPv6 address or network ("172.16.0.0/12", "10.0.0.7", "fd00::/8").
public struct AddressRange: Sendable, Hashable {
    let network: [UInt8]
    let prefixLength: Int

    /// A comma-separated list ("10.0.0.7, 172.16.0.0/12"); throws naming the first that is neither.
    public static func list(_ text: String) throws -> [AddressRange] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map {
            guard let range = AddressRange($0) else { throw InvalidAddress(text: $0) }
            return range
        }
    }

    public struct InvalidAddress: Error, CustomStringConvertible {
        public var text: String
        public var description: String { "'\(text)' is not an address or network" }
    }

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = Self.bytes(String(parts[0])) else { return nil }
        let length = parts.count == 2 ? Int(parts[1]) : address.count * 8
        guard let length, (0...address.count * 8).contains(length) else { return nil }
        network = address
        prefixLength = length
    }

    public func contains(_ text: String) -> Bool {
        guard let address = Self.bytes(text), address.count == network.count else { return false }
        for bit in 0..<prefixLength where (address[bit / 8] ^ network[bit / 8]) & (0x80 >> UInt8(bit % 8)) != 0 { return false }
        return true
    }

    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
