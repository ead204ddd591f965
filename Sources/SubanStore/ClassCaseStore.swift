import Foundation
import Postgres
import SubanCore

/// Class cases (类案) in PostgreSQL: found from `ticket_places` by `ClassCases.Rule`,
/// put under governance by operators, read with their weekly trend.
public enum ClassCaseStore {
    /// A class case with its last weeks of appeals.
    public struct View: Sendable, Encodable {
        public var id: Int64
        public var item: String
        public var itemName: String
        public var place: String
        public var district: String
        public var firstSeen: Date
        public var lastSeen: Date
        public var status: String
        public var leadDepartment: String?
        public var note: String?
        public var governanceSince: Date?
        /// Appeals a week, oldest first; the last is this week so far.
        public var weekly: [Int]
        public var weekStarts: [String]
        public var trend: ClassCases.Trend
        /// Mean appeals a week before governance and since; both nil until under governance.
        public var weeklyMeanBefore: Double?
        public var weeklyMeanSince: Double?
    }

    /// Weekly appeal counts per (item, place) with enough appeals in the rule's weeks.
    static func candidates(rule: ClassCases.Rule, today: LocalDay, on connection: PostgresConnection) throws
        -> [String: (item: String, key: String, label: String, district: String, first: Date, last: Date, weeks: [LocalDay: Int])] {
        let since = ClassCases.week(of: today).adding(days: -7 * (rule.weeks - 1))
        var found: [String: (item: String, key: String, label: String, district: String, first: Date, last: Date, weeks: [LocalDay: Int])] = [:]
        for row in try connection.query("""
            WITH candidates AS (
                SELECT item, place_key FROM ticket_places WHERE received_at >= $1 GROUP BY item, place_key HAVING count(*) >= $2
            )
            SELECT p.item, p.place_key, min(p.place_label) AS label, min(p.district) AS district,
                   (p.received_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, count(*) AS n,
                   min(p.received_at) AS first, max(p.received_at) AS last
            FROM ticket_places p JOIN candidates c USING (item, place_key)
            WHERE p.received_at >= $1
            GROUP BY p.item, p.place_key, day
            """, [since.start, rule.minAppeals]) {
            let item: String = try row.decode("item"), key: String = try row.decode("place_key")
            guard let day = LocalDay(iso: try row.decode("day")) else { continue }
            let first: Date = try row.decode("first"), last: Date = try row.decode("last"), count: Int = try row.decode("n")
            var entry = try found["\(item) \(key)"] ?? (item, key, row.decode("label"), row.decode("district"), first, last, [:])
            entry.weeks[ClassCases.week(of: day), default: 0] += count
            entry.first = min(entry.first, first)
            entry.last = max(entry.last, last)
            found["\(item) \(key)"] = entry
        }
        return found
    }

    /// Records every (item, place) the rule makes a class case, new ones open; known ones
    /// get their latest appeal. Returns how many cases qualified.
    @discardableResult
    public static func refresh(rule: ClassCases.Rule = .init(), today: LocalDay, on connection: PostgresConnection) throws -> Int {
        let cases = try candidates(rule: rule, today: today, on: connection).values.filter {
            rule.qualifies(ClassCases.weekly($0.weeks, weeks: rule.weeks, today: today))
        }
        guard !cases.isEmpty else { return 0 }
        struct CaseRow: RecordRow {
            var item, placeKey, label, district: String
            var firstSeen, lastSeen: Date
        }
        let rows = cases.map { CaseRow(item: $0.item, placeKey: $0.key, label: $0.label, district: $0.district, firstSeen: $0.first, lastSeen: $0.last) }
        try connection.query("""
            INSERT INTO class_cases (item, place_key, label, district, first_seen, last_seen)
            SELECT item, place_key, label, district, first_seen, last_seen
            FROM jsonb_to_recordset($1::jsonb) AS x(\(RecordSet.columns(of: rows[0])))
            ORDER BY item, place_key
            ON CONFLICT (item, place_key) DO UPDATE SET last_seen = greatest(class_cases.last_seen, EXCLUDED.last_seen),
                                                        first_seen = least(class_cases.first_seen, EXCLUDED.first_seen)
            """, [RecordSet.encode(rows)])
        return cases.count
    }

    /// The cases, most recent appeal first, with `weeks` weeks of trend.
    public static func list(status: String? = nil, district: String? = nil, id: Int64? = nil, weeks: Int = 12, today: LocalDay,
                            limit: Int = 200, on connection: PostgresConnection) throws -> [View] {
        let since = ClassCases.week(of: today).adding(days: -7 * (weeks - 1))
        let rows = try connection.query("""
            SELECT c.id, c.item, coalesce(i.name, c.item) AS item_name, c.place_key, c.label, c.district, c.first_seen, c.last_seen, c.status,
                   c.lead_department, c.note, c.governance_since,
                   (SELECT coalesce(jsonb_object_agg(day, n), '{}')::text FROM (
                        SELECT (p.received_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, count(*) AS n FROM ticket_places p
                        WHERE p.item = c.item AND p.place_key = c.place_key AND p.received_at >= $4 GROUP BY day) d) AS days
            FROM class_cases c LEFT JOIN catalog_items i ON i.code = c.item
            WHERE ($1::text IS NULL OR c.status = $1) AND ($2::text IS NULL OR c.district = $2) AND ($3::bigint IS NULL OR c.id = $3)
            ORDER BY c.last_seen DESC, c.id LIMIT $5
            """, [status, district, id, since.start, limit])
        return try rows.map { row in
            var counts: [LocalDay: Int] = [:]
            if case .object(let days) = try JSONValue.parse(try row.decode("days", as: String.self).utf8) {
                for (text, value) in days {
                    if let day = LocalDay(iso: text), case .number(let n) = value { counts[ClassCases.week(of: day), default: 0] += Int(n) }
                }
            }
            let weekly = ClassCases.weekly(counts, weeks: weeks, today: today)
            let governanceSince: Date? = try row.decodeIfPresent("governance_since")
            let split = governanceSince.map { ClassCases.beforeAndSince(weekly, today: today, since: LocalDay(containing: $0)) }
            return View(id: try row.decode("id"), item: try row.decode("item"), itemName: try row.decode("item_name"), place: try row.decode("label"),
                        district: try row.decode("district"), firstSeen: try row.decode("first_seen"), lastSeen: try row.decode("last_seen"),
                        status: try row.decode("status"), leadDepartment: try row.decodeIfPresent("lead_department"), note: try row.decodeIfPresent("note"),
                        governanceSince: governanceSince, weekly: weekly,
                        weekStarts: (0..<weeks).map { since.adding(days: 7 * $0).description }, trend: ClassCases.trend(weekly),
                        weeklyMeanBefore: split?.before, weeklyMeanSince: split?.since)
        }
    }

    public enum GovernError: Error { case noSuchCase, noSuchDepartment }

    /// Puts a case under governance by `lead`, from now (again: a new lead and note, the start kept).
    public static func govern(_ id: Int64, lead: String, note: String?, on connection: PostgresConnection) throws {
        guard try !connection.query("SELECT 1 FROM departments WHERE code = $1", [lead]).isEmpty else { throw GovernError.noSuchDepartment }
        let updated = try connection.query("""
            UPDATE class_cases SET status = 'governance', lead_department = $2, note = $3, governance_since = coalesce(governance_since, now())
            WHERE id = $1 RETURNING id
            """, [id, lead, note])
        guard !updated.isEmpty else { throw GovernError.noSuchCase }
    }
}
