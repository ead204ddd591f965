import Crypto
import Foundation
import Postgres

/// The token a citizen rates with: only they receive it (in the evaluation SMS and the
/// channel's webhook), so a unit or operator who knows the tracking code cannot rate the
/// unit's own work. An HMAC of the ticket and its round, so it needs no table, one round's
/// token does not rate the next, and the lifecycle lets each round be rated once.
public struct RatingTokens: Sendable {
    let secret: [UInt8]

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// The secret migration 14 made.
    public static func load(on connection: PostgresConnection) throws -> RatingTokens {
        guard let row = try connection.query("SELECT encode(secret, 'hex') AS secret FROM platform_secrets WHERE name = 'rating-token'").first else {
            throw MissingSecret()
        }
        let hex = Array(try row.decode("secret", as: String.self).utf8)
        let digit = { (ascii: UInt8) in ascii <= UInt8(ascii: "9") ? ascii - UInt8(ascii: "0") : ascii - UInt8(ascii: "a") + 10 }
        return RatingTokens(secret: stride(from: 0, to: hex.count - 1, by: 2).map { digit(hex[$0]) << 4 | digit(hex[$0 + 1]) })
    }

    public struct MissingSecret: Error, CustomStringConvertible {
        public var description: String { "no rating-token secret in platform_secrets: run suban migrate" }
    }

    /// 16 characters of base 32 (80 bits), easy to type from an SMS.
    public func token(ticketID: UUID, round: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(ticketID.postgresText):\(round)".utf8), using: SymmetricKey(data: secret))
        var bits = 0, buffer = 0
        var token = ""
        for byte in mac.prefix(10) {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                token.append(Self.alphabet[buffer >> bits & 31])
            }
        }
        return token
    }

    public func verify(_ token: String, ticketID: UUID, round: Int) -> Bool {
        let expected = Array(self.token(ticketID: ticketID, round: round).utf8)
        let given = Array(token.uppercased().utf8)
        // Constant time in the token's content: a guess learns nothing from how long the answer took.
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Crockford's base 32: no I, L, O or U to misread.
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The ticket's current round, for checking a token against it; nil when there is no such ticket.
    public static func round(of ticketID: UUID, on connection: PostgresConnection) throws -> Int? {
        try connection.query("SELECT round FROM tickets WHERE id = $1", [ticketID]).first?.decode("round")
    }
}
