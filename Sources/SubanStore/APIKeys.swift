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

    /// A stable consumer name in the unit's queue group, one per key.
    public var consumerName: String {
        switch self {
        case .department(_, let id, _), .operator(let id, _): "key-\(id)"
        }
    }
}

/// Bearer keys. Only a SHA-256 of each key is stored, so a leaked table grants nothing.
public enum APIKeys {
    public static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Creates a key and returns the token, shown once: `sbk_` + 256 random bits.
    public static func create(department: String?, label: String, on connection: PostgresConnection) throws -> String {
        let token = "sbk_" + TrackingCode.generate() + TrackingCode.generate()
        try connection.query("""
            INSERT INTO api_keys (token_sha256, role, department_code, label) VALUES ($1, $2, $3, $4)
            """, [digest(token), department == nil ? "operator" : "department", department, label])
        return token
    }

    public static func principal(token: String, on connection: PostgresConnection) throws -> Principal? {
        guard token.hasPrefix("sbk_"), token.utf8.count <= 80,
              let row = try connection.query("""
                SELECT id, role, department_code, label FROM api_keys WHERE token_sha256 = $1 AND revoked_at IS NULL
                """, [digest(token)]).first else { return nil }
        let id: Int64 = try row.decode("id")
        let label: String = try row.decode("label")
        if let department: String = try row.decodeIfPresent("department_code") {
            return .department(code: department, keyID: id, label: label)
        }
        return .operator(keyID: id, label: label)
    }

    public static func revoke(label: String, on connection: PostgresConnection) throws -> Int {
        try connection.query("UPDATE api_keys SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL RETURNING id", [label]).count
    }
}
