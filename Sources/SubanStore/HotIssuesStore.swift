import Foundation
import Postgres
import SubanCore

/// The daily top-10 hot issues: worked out from the day's tickets, stored at day close.
public enum HotIssuesStore {
    /// The day's appeals as the ranking reads them, in order of receipt.
    static func appeals(on day: LocalDay, scope: Scope, on connection: PostgresConnection) throws -> [HotIssues.Appeal] {
        try connection.query("""
            SELECT t.id, coalesce(t.item_code, '') AS item, coalesce(i.name, '') AS item_name, t.address, t.text, t.street_code
            FROM tickets t LEFT JOIN catalog_items i ON i.code = t.item_code
            WHERE t.received_at >= $1 AND t.received_at < $2
              AND ($3::text IS NULL OR t.district_code = $3) AND ($4::text IS NULL OR t.category_code = $4)
            ORDER BY t.received_at, t.id
            """, [day.start, day.adding(days: 1).start, scope.district, scope.category]).map { row in
            HotIssues.Appeal(ticketID: try row.decode("id", as: UUID.self).postgresText, item: try row.decode("item"), itemName: try row.decode("item_name"),
                             place: HotIssues.place(address: try row.decodeIfPresent("address"), text: try row.decode("text"),
                                                    street: try row.decodeIfPresent("street_code")))
        }
    }

    /// Which appeals a ranking looks at: the whole city (what day close stores), or one district or category.
    public struct Scope: Sendable, Hashable {
        public var district: String?
        public var category: String?
        public static let city = Scope()

        public init(district: String? = nil, category: String? = nil) {
            self.district = district
            self.category = category
        }
    }

    /// The top issues of `day` so far, from its tickets and the day before's.
    public static func compute(_ day: LocalDay, scope: Scope = .city, limit: Int = 10, on connection: PostgresConnection) throws -> [HotIssue] {
        HotIssues.top(try appeals(on: day, scope: scope, on: connection), previous: try appeals(on: day.adding(days: -1), scope: scope, on: connection), limit: limit)
    }

    /// The stored top issues of a closed day; nil when the day is not closed.
    public static func stored(_ day: LocalDay, on connection: PostgresConnection) throws -> [HotIssue]? {
        guard try !connection.query("SELECT 1 FROM hot_issue_days WHERE day = $1::date", [day.description]).isEmpty else { return nil }
        return try connection.query("""
            SELECT kind, rank, key, label, count, previous, samples::text AS samples FROM hot_issues WHERE day = $1::date ORDER BY kind, rank
            """, [day.description]).compactMap { row in
            guard case .array(let samples) = try JSONValue.parse(try row.decode("samples", as: String.self).utf8) else { return nil }
            return HotIssue(kind: HotIssue.Kind(rawValue: try row.decode("kind")) ?? .item, rank: try row.decode("rank"), key: try row.decode("key"),
                            label: try row.decode("label"), count: try row.decode("count"), previous: try row.decode("previous"),
                            samples: samples.compactMap { if case .string(let code) = $0 { code } else { nil } })
        }
    }

    /// Closes `day` once: works out and stores its top issues. A second closer (another
    /// replica) waits on the day's lock and then finds it closed. Returns whether this call closed it.
    @discardableResult
    public static func close(_ day: LocalDay, on connection: PostgresConnection) throws -> Bool {
        try connection.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock(hashtext('hot_issues'), $1::int)", [day.number])
            guard try connection.query("SELECT 1 FROM hot_issue_days WHERE day = $1::date", [day.description]).isEmpty else { return false }
            let issues = try compute(day, on: connection)
            if let first = issues.first {
                try connection.query("""
                    INSERT INTO hot_issues (day, kind, rank, key, label, count, previous, samples)
                    SELECT $1::date, kind, rank, key, label, count, previous, to_jsonb(samples)
                    FROM jsonb_to_recordset($2::jsonb) AS x(\(RecordSet.columns(of: first)))
                    """, [day.description, RecordSet.encode(issues)])
            }
            try connection.query("INSERT INTO hot_issue_days (day) VALUES ($1::date)", [day.description])
            return true
        }
    }
}

/// Stored as it is: its properties are `hot_issues` columns.
extension HotIssue: RecordRow {}
