import Foundation
import Postgres
import SubanCore

/// Dispatch models in PostgreSQL (`dispatch_models`), versioned, and the
/// operators' corrections they learn from (`training_examples`).
///
/// A model is `candidate` when stored, `shadow` while it decides beside the
/// active one without acting, `active` when dispatch decides with it, and
/// `retired` once another took over. At most one is active and one shadow.
public enum ModelStore {
    public enum Status: String, Sendable {
        case candidate, shadow, active, retired
    }

    public struct StoredModel: Sendable {
        public var version: Int
        public var bytes: [UInt8]
    }

    public struct Summary: Sendable {
        public var version: Int
        public var status: Status
        public var createdAt: Date
        public var bytes: Int
        public var report: String
    }

    /// Stores a trained model as a candidate; returns its version.
    public static func insert(_ bytes: [UInt8], trainedOn: JSONValue, report: JSONValue, on connection: PostgresConnection) throws -> Int {
        let encoder = JSONEncoder()
        return try connection.query("""
            INSERT INTO dispatch_models (status, model, trained_on, report) VALUES ('candidate', decode($1, 'base64'), $2::jsonb, $3::jsonb)
            RETURNING version
            """, [Data(bytes).base64EncodedString(), String(decoding: try encoder.encode(trainedOn), as: UTF8.self),
                  String(decoding: try encoder.encode(report), as: UTF8.self)]).first!.decode("version")
    }

    /// Moves a model to `status`; making one active or shadow retires the model that held that place.
    public static func set(_ version: Int, to status: Status, on connection: PostgresConnection) throws {
        try connection.transaction { connection in
            if status == .active || status == .shadow {
                try connection.query("UPDATE dispatch_models SET status = 'retired' WHERE status = $1 AND version <> $2", [status.rawValue, version])
            }
            let updated = try connection.query("""
                UPDATE dispatch_models SET status = $2, promoted_at = CASE WHEN $2 = 'active' THEN now() ELSE promoted_at END WHERE version = $1
                """, [version, status.rawValue]).affectedRows
            guard updated == 1 else { throw ModelNotFound(version: version) }
        }
    }

    public struct ModelNotFound: Error, CustomStringConvertible {
        public var version: Int
        public var description: String { "no dispatch model \(version)" }
    }

    /// The versions dispatch should decide with, cheap enough to poll.
    public static func current(on connection: PostgresConnection) throws -> (active: Int?, shadow: Int?) {
        var active: Int?, shadow: Int?
        for row in try connection.query("SELECT version, status FROM dispatch_models WHERE status IN ('active', 'shadow')") {
            if try row.decode("status", as: String.self) == Status.active.rawValue { active = try row.decode("version") } else { shadow = try row.decode("version") }
        }
        return (active, shadow)
    }

    /// Read a megabyte at a time: a model is megabytes, and one text result of it (with its
    /// base64 copy and the decoded bytes beside it) would set dispatch's memory high-water mark.
    public static func model(_ version: Int, on connection: PostgresConnection, chunkBytes: Int = 1 << 20) throws -> StoredModel? {
        guard let size: Int = try connection.query("SELECT octet_length(model) AS size FROM dispatch_models WHERE version = $1", [version])
            .first?.decode("size") else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        while bytes.count < size {
            let chunk: String = try connection.query("""
                SELECT encode(substring(model FROM $2 FOR $3), 'base64') AS chunk FROM dispatch_models WHERE version = $1
                """, [version, bytes.count + 1, chunkBytes]).first!.decode("chunk")
            guard let decoded = Data(base64Encoded: chunk, options: .ignoreUnknownCharacters), !decoded.isEmpty else { break }
            bytes.append(contentsOf: decoded)
        }
        return StoredModel(version: version, bytes: bytes)
    }

    public static func list(on connection: PostgresConnection) throws -> [Summary] {
        try connection.query("""
            SELECT version, status, created_at, octet_length(model) AS bytes, report::text AS report FROM dispatch_models ORDER BY version
            """).map { row in
            Summary(version: try row.decode("version"), status: Status(rawValue: try row.decode("status")) ?? .retired,
                    createdAt: try row.decode("created_at"), bytes: try row.decode("bytes"), report: try row.decode("report"))
        }
    }

    // MARK: Corrections

    /// Where a labelled example came from.
    public enum CorrectionSource: String, Sendable {
        /// An operator placed a triaged appeal.
        case triage
        /// Arbitration kept a disputed duty where it was and named the appeal's right item.
        case arbitration
        /// A unit's return was upheld: arbitration moved the duty and named the appeal's right item.
        case returnUpheld = "return-upheld"
        /// Loaded from a city's own file.
        case `import`
    }

    /// Records a correction as a training example; a second correction of the same kind for one ticket replaces the first.
    public static func recordCorrection(ticketID: UUID?, text: String, itemCode: String, urgent: Bool?, source: CorrectionSource,
                                        operator: String?, on connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO training_examples (ticket_id, text, item_code, urgent, source, operator) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (ticket_id, source) DO UPDATE SET item_code = EXCLUDED.item_code, urgent = EXCLUDED.urgent,
                operator = EXCLUDED.operator, created_at = now()
            """, [ticketID, text, itemCode, urgent, source.rawValue, `operator`])
    }

    /// Every correction, oldest first, as labelled appeals (urgency unknown counts as calm).
    public static func corrections(on connection: PostgresConnection) throws -> [(appeal: LabeledAppeal, source: CorrectionSource)] {
        try connection.query("SELECT text, item_code, urgent, source FROM training_examples ORDER BY id").map { row in
            (LabeledAppeal(text: try row.decode("text"), itemCode: try row.decode("item_code"), urgent: try row.decodeIfPresent("urgent") ?? false),
             CorrectionSource(rawValue: try row.decode("source")) ?? .import)
        }
    }
}
