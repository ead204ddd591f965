import Foundation
import Postgres

/// A city's own address base and street-office boundaries (`place_data`), loaded by
/// `suban gazetteer`; validated before they are stored, so dispatch can trust them.
public enum PlaceDataStore {
    public enum Kind: String, Sendable {
        case gazetteer, boundaries
    }

    public struct Stored: Sendable, Hashable {
        public var content: String
        public var replacesShipped: Bool
    }

    public static func save(_ kind: Kind, content: String, entries: Int, replacesShipped: Bool = false, on connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO place_data (kind, content, replaces_shipped, entries) VALUES ($1, $2, $3, $4)
            ON CONFLICT (kind) DO UPDATE SET content = EXCLUDED.content, replaces_shipped = EXCLUDED.replaces_shipped,
                entries = EXCLUDED.entries, loaded_at = now()
            """, [kind.rawValue, content, replacesShipped, entries])
    }

    /// When each kind was last loaded: cheap to poll, so the content is read only when it changed.
    public static func versions(on connection: PostgresConnection) throws -> [Kind: Date] {
        var versions: [Kind: Date] = [:]
        for row in try connection.query("SELECT kind, loaded_at FROM place_data") {
            if let kind = Kind(rawValue: try row.decode("kind")) { versions[kind] = try row.decode("loaded_at") }
        }
        return versions
    }

    public static func load(_ kind: Kind, on connection: PostgresConnection) throws -> Stored? {
        try connection.query("SELECT content, replaces_shipped FROM place_data WHERE kind = $1", [kind.rawValue]).first.map { row in
            Stored(content: try row.decode("content"), replacesShipped: try row.decode("replaces_shipped"))
        }
    }
}
