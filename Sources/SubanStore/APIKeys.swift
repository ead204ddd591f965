import Crypto
import Foundation
import Postgres
import SubanCore

/// Who is calling the department and operator API.
public enum Principal: Sendable, Hashable {
    /// A handling unit's key: it sees and touches that unit's queue and tickets only.
    case department(code: String, keyID: Int64, label: String)
    /// Platform staff: triage, arbitration, callback visits.
    case `operator`(keyID: Int64, label: String)
    /// A channel's client (an Open311 app): it files appeals as that channel, and nothing else.
    case channel(Channel, keyID: Int64, label: String)

    /// A stable consumer name in the unit's queue group, one per key.
    public var consumerName: String {
        switch self {
        case .department(_, let id, _), .operator(let id, _), .channel(_, let id, _): "key-\(id)"
        }
    }
}

/// Bearer keys. Only a SHA-256 of each key is stored, so a leaked table grants nothing.
public enum APIKeys {
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new key: its id (to revoke it by) and its token, shown once: `sbk_` + 256 random bits.
    public struct Created: Sendable, Hashable {
        public var id: Int64
        public var token: String
    }

    /// Creates a key for `department`, or an operator key when it is nil; it stops working at `expiresAt`.
    public static func create(department: String?, label: String, expiresAt: Date? = nil, on connection: PostgresConnection) throws -> Created {
        try create(role: department == nil ? "operator" : "department", department: department, channel: nil, label: label, expiresAt: expiresAt,
                   on: connection)
    }

    /// Creates a key that files appeals as `channel`.
    public static func create(channel: Channel, label: String, expiresAt: Date? = nil, on connection: PostgresConnection) throws -> Created {
        try create(role: "channel", department: nil, channel: channel, label: label, expiresAt: expiresAt, on: connection)
    }

    static func create(role: String, department: String?, channel: Channel?, label: String, expiresAt: Date?,
                       on connection: PostgresConnection) throws -> Created {
        let token = "sbk_" + TrackingCode.generate() + TrackingCode.generate()
        let id: Int64 = try connection.query("""
            INSERT INTO api_keys (token_sha256, role, department_code, channel, label, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """, [digest(token), role, department, channel?.rawValue, label, expiresAt]).first!.decode("id")
        return Created(id: id, token: token)
    }

    public static func principal(token: String, on connection: PostgresConnection) throws -> Principal? {
        guard token.hasPrefix("sbk_"), token.utf8.count <= 80,
              let row = try connection.query("""
                SELECT id, role, department_code, channel, label FROM api_keys
                WHERE token_sha256 = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                """, [digest(token)]).first else { return nil }
        let id: Int64 = try row.decode("id")
        let label: String = try row.decode("label")
        if let department: String = try row.decodeIfPresent("department_code") {
            return .department(code: department, keyID: id, label: label)
        }
        if let name: String = try row.decodeIfPresent("channel") {
            // A channel this build does not know (a newer release made the key) acts as nobody.
            return Channel(rawValue: name).map { .channel($0, keyID: id, label: label) }
        }
        return .operator(keyID: id, label: label)
    }

    /// Revokes every live key with `label`; returns how many.
    public static func revoke(label: String, on connection: PostgresConnection) throws -> Int {
        try connection.query("UPDATE api_keys SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL RETURNING id", [label]).count
    }

    /// Revokes the key `id`; false when there is no such live key.
    public static func revoke(id: Int64, on connection: PostgresConnection) throws -> Bool {
        try !connection.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id", [id]).isEmpty
    }

    /// A key as operators list them: never its token, which is not stored.
    public struct Listed: Sendable, Hashable {
        public var id: Int64
        public var role: String
        public var department: String?
        public var channel: String?
        public var label: String
        public var createdAt: Date
        public var expiresAt: Date?
        public var revokedAt: Date?
    }

    public static func list(on connection: PostgresConnection) throws -> [Listed] {
        try connection.query("SELECT id, role, department_code, channel, label, created_at, expires_at, revoked_at FROM api_keys ORDER BY id").map { row in
            Listed(id: try row.decode("id"), role: try row.decode("role"), department: try row.decodeIfPresent("department_code"),
                   channel: try row.decodeIfPresent("channel"),
                   label: try row.decode("label"), createdAt: try row.decode("created_at"), expiresAt: try row.decodeIfPresent("expires_at"),
                   revokedAt: try row.decodeIfPresent("revoked_at"))
        }
    }
}
