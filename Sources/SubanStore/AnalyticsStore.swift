import Foundation
import Postgres
import SubanCore

/// The daily figures in PostgreSQL: what the analytics worker adds, what the API reads.
public enum AnalyticsStore {
    /// What analytics needs of each ticket: its cell coordinates, clocks, lead unit, and
    /// whether a unit ever sent it back.
    public static func facts(of tickets: [UUID], on connection: PostgresConnection) throws -> [UUID: TicketFacts] {
        guard !tickets.isEmpty else { return [:] }
        let rows = try connection.query("""
            SELECT t.id, coalesce(t.category_code, '') AS category, coalesce(t.item_code, '') AS item,
                   coalesce(t.district_code, '') AS district, coalesce(t.street_code, '') AS street, t.channel,
                   t.received_at, t.reply_due_at,
                   coalesce((SELECT a.department_code FROM assignments a WHERE a.ticket_id = t.id AND a.role = 'lead' AND a.status <> 'released'
                             ORDER BY a.id DESC LIMIT 1), '') AS lead,
                   EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = $2) AS returned,
                   t.address, t.text, t.street_code
            FROM tickets t WHERE t.id = ANY($1::uuid[])
            """, ["{" + tickets.map(\.postgresText).joined(separator: ",") + "}", TicketEventKind.returned])
        var facts: [UUID: TicketFacts] = [:]
        for row in rows {
            facts[try row.decode("id")] = TicketFacts(
                category: try row.decode("category"), item: try row.decode("item"), district: try row.decode("district"),
                street: try row.decode("street"), channel: try row.decode("channel"), receivedAt: try row.decode("received_at"),
                replyDueAt: try row.decodeIfPresent("reply_due_at"), leadDepartment: try row.decode("lead"), everReturned: try row.decode("returned"),
                place: HotIssues.place(address: try row.decodeIfPresent("address"), text: try row.decode("text"), street: try row.decodeIfPresent("street_code")))
        }
        return facts
    }

    /// The ratings recorded by these `rated` timeline rows.
    public static func ratings(ofEvents ids: [Int64], on connection: PostgresConnection) throws -> [Int64: Rating] {
        guard !ids.isEmpty else { return [:] }
        let rows = try connection.query("""
            SELECT id, (detail->>'speed')::int AS speed, (detail->>'effect')::int AS effect,
                   (detail->>'service')::int AS service, (detail->>'quality')::int AS quality
            FROM ticket_events WHERE id = ANY($1::bigint[]) AND kind = $2
            """, ["{" + ids.map(String.init).joined(separator: ",") + "}", TicketEventKind.rated])
        var ratings: [Int64: Rating] = [:]
        for row in rows {
            ratings[try row.decode("id")] = Rating(speed: try row.decode("speed"), effect: try row.decode("effect"),
                                                   service: try row.decode("service"), quality: try row.decode("quality"))
        }
        return ratings
    }

    /// One stream entry's share of the figures.
    public struct Contribution: Sendable {
        public var entry: String
        public var cell: FigureCell
        public var figures: DailyFigures
        /// Set on a receipt: where the ticket is, for `ticket_places`.
        public var placed: (ticket: UUID, receivedAt: Date, place: AppealPlace)?

        public init(entry: String, cell: FigureCell, figures: DailyFigures, placed: (ticket: UUID, receivedAt: Date, place: AppealPlace)? = nil) {
            self.entry = entry
            self.cell = cell
            self.figures = figures
            self.placed = placed
        }
    }

    static let counters = ["received", "dispatched", "replied", "closed", "overdue", "returned", "dissatisfaction_returns", "handling_days",
                           "on_time", "rated", "satisfied", "speed", "effect", "service", "quality", "first_time_right"]
    static let cellColumns = ["day", "category", "item", "district", "street", "department", "channel"]

    /// Adds the contributions of entries not counted before, in one statement: the
    /// entry ids go into `analytics_applied` first, and only those that were new are
    /// summed into their cells. A redelivered entry, or one a second worker already
    /// took, adds nothing. Cells are updated in key order, so workers never deadlock.
    @discardableResult
    public static func apply(_ contributions: [Contribution], on connection: PostgresConnection) throws -> Int {
        guard !contributions.isEmpty else { return 0 }
        let rows = contributions.map(ContributionRow.init)
        let cells = cellColumns.joined(separator: ", ")
        let counted = try connection.query(applyQuery.sql([
            "contribution_columns": RecordSet.columns(of: rows[0]), "cells": cells, "counters": counters.joined(separator: ", "),
            "sums": counters.map { "sum(\($0))" }.joined(separator: ", "),
            "additions": counters.map { "\($0) = analytics_daily.\($0) + EXCLUDED.\($0)" }.joined(separator: ", "),
        ]), [RecordSet.encode(rows)])
        return try counted[0].decode("fresh")
    }

    static let applyQuery = StoredQuery("apply-contributions")

    /// A contribution as `apply` unpacks it: the entry, the place, the cell (`cellColumns`) and the figures (`counters`).
    struct ContributionRow: RecordRow {
        var entry: String
        var ticket: UUID?
        var receivedAt: Date?
        var placeKey: String?
        var placeLabel: String?
        var day: LocalDay
        var category, item, district, street, department, channel: String
        var received, dispatched, replied, closed, overdue, returned, dissatisfactionReturns: Int
        var handlingDays: Double
        var onTime, rated, satisfied, speed, effect, service, quality, firstTimeRight: Int

        init(_ c: Contribution) {
            entry = c.entry
            ticket = c.placed?.ticket
            receivedAt = c.placed?.receivedAt
            placeKey = c.placed?.place.key
            placeLabel = c.placed?.place.label
            (day, category, item, district) = (c.cell.day, c.cell.category, c.cell.item, c.cell.district)
            (street, department, channel) = (c.cell.street, c.cell.department, c.cell.channel)
            let f = c.figures
            (received, dispatched, replied, closed, overdue, returned) = (f.received, f.dispatched, f.replied, f.closed, f.overdue, f.returned)
            (dissatisfactionReturns, handlingDays, onTime, rated, satisfied) = (f.dissatisfactionReturns, f.handlingDays, f.onTime, f.rated, f.satisfied)
            (speed, effect, service, quality, firstTimeRight) = (f.speed, f.effect, f.service, f.quality, f.firstTimeRight)
        }
    }

    /// Forgets applied entry ids older than `age`; no entry is redelivered that late.
    public static func pruneApplied(olderThan age: Duration, on connection: PostgresConnection) throws {
        try connection.query("DELETE FROM analytics_applied WHERE applied_at < now() - make_interval(secs => $1)", [age.seconds])
    }

    /// What to sum over and how to break it down.
    public struct Query: Sendable {
        public enum Dimension: String, Sendable, CaseIterable {
            case day, category, item, district, street, department, channel
        }
        public var from: LocalDay
        public var to: LocalDay
        public var district: String?
        public var department: String?
        public var category: String?
        public var by: [Dimension]

        public init(from: LocalDay, to: LocalDay, district: String? = nil, department: String? = nil, category: String? = nil, by: [Dimension] = []) {
            self.from = from
            self.to = to
            self.district = district
            self.department = department
            self.category = category
            self.by = by
        }
    }

    public struct Row: Sendable {
        /// The breakdown's values, in the query's `by` order.
        public var keys: [String]
        public var figures: DailyFigures

        public init(keys: [String], figures: DailyFigures) {
            self.keys = keys
            self.figures = figures
        }
    }

    /// The figures summed over the query's days and filters, one row per breakdown value.
    public static func figures(_ query: Query, on connection: PostgresConnection) throws -> [Row] {
        let groups = query.by.map(\.rawValue)
        let keys = groups.map { $0 == "day" ? "day::text AS day" : $0 }
        let select = (keys + counters.map { "sum(\($0)) AS \($0)" }).joined(separator: ", ")
        let rows = try connection.query("""
            SELECT \(select) FROM analytics_daily
            WHERE day BETWEEN $1::date AND $2::date
              AND ($3::text IS NULL OR district = $3) AND ($4::text IS NULL OR department = $4) AND ($5::text IS NULL OR category = $5)
            \(groups.isEmpty ? "" : "GROUP BY \(groups.joined(separator: ", ")) ORDER BY \(groups.joined(separator: ", "))")
            """, [query.from.description, query.to.description, query.district, query.department, query.category])
        return try rows.compactMap { row in
            // A sum over no rows is one row of NULLs: no figures.
            guard let received = try row.decodeIfPresent("received", as: Int.self) else { return nil }
            var f = DailyFigures()
            f.received = received
            f.dispatched = try row.decode("dispatched"); f.replied = try row.decode("replied"); f.closed = try row.decode("closed")
            f.overdue = try row.decode("overdue"); f.returned = try row.decode("returned")
            f.dissatisfactionReturns = try row.decode("dissatisfaction_returns"); f.handlingDays = try row.decode("handling_days")
            f.onTime = try row.decode("on_time"); f.rated = try row.decode("rated"); f.satisfied = try row.decode("satisfied")
            f.speed = try row.decode("speed"); f.effect = try row.decode("effect"); f.service = try row.decode("service")
            f.quality = try row.decode("quality"); f.firstTimeRight = try row.decode("first_time_right")
            return Row(keys: try groups.map { try row.decode($0, as: String.self) }, figures: f)
        }
    }
}
