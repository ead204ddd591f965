import Foundation
import Postgres
import SubanCore

extension TicketStore {
    /// A duplicate scope: reports can only join within one category on one street office,
    /// and only when they share a place name — so the lock is per place, and dispatchers
    /// deciding reports of other places on the same street do not wait for each other.
    public struct DuplicateScope: Sendable, Hashable {
        public var category: String
        public var street: String
        /// A place key the report names (`PlaceMentions.keys`).
        public var place: String
        /// A house or block number the report names there; nil: the place as a whole.
        public var number: String?
        /// Held shared: a report naming numbers holds its place so, and each number exclusively.
        public var shared: Bool

        public init(category: String, street: String, place: String, number: String? = nil, shared: Bool = false) {
            self.category = category
            self.street = street
            self.place = place
            self.number = number
            self.shared = shared
        }

        /// The scopes a report locks; none for a report without a street, a site or a place. Reports
        /// naming other numbers of one place are never linked (the detector's rule), so they
        /// hold the place shared and only their numbers exclusively, and are decided in
        /// parallel; a report naming no number may join any of them, so it holds the place
        /// exclusively and waits for them all.
        public static func of(_ report: DuplicateDetector.Report) -> [DuplicateScope] {
            let numbers = report.places.numbers
            // Every category and scope it may join a ticket in: two dispatchers must not both open a parent there.
            return report.categories.sorted().flatMap { category in
                report.scopes.flatMap { street in report.places.keys.map { (street, $0) } }.flatMap { street, place in
                    numbers.isEmpty
                        ? [DuplicateScope(category: category, street: street, place: place)]
                        : [DuplicateScope(category: category, street: street, place: place, shared: true)]
                            + numbers.map { DuplicateScope(category: category, street: street, place: place, number: $0) }
                }
            }
        }

        var key: String { [category, street, place, number].compactMap { $0 }.joined(separator: "|") }
    }

    /// Serialises duplicate decisions per scope until the caller's transaction ends,
    /// so two dispatchers deciding two reports of one incident at once do not both
    /// make a parent: the second waits, then finds the first's. A scope some report of the
    /// batch wants exclusively is held exclusively. Sorted, so two batches wanting
    /// overlapping scopes cannot deadlock. (Two reports that share a place only as a name one
    /// of them writes without its suffix take no common lock: such a race can leave them
    /// unlinked, never wrongly linked.)
    public static func lockDuplicateScopes(_ scopes: Set<DuplicateScope>, on connection: PostgresConnection) throws {
        guard !scopes.isEmpty else { return }
        struct ScopeLock: RecordRow {
            var key: String
            var shared: Bool
        }
        let rows = scopes.map { ScopeLock(key: $0.key, shared: $0.shared) }
        try connection.query("""
            SELECT count(CASE WHEN shared THEN pg_advisory_xact_lock_shared(h)::text ELSE pg_advisory_xact_lock(h)::text END)
            FROM (SELECT hashtextextended(key, 0) AS h, bool_and(shared) AS shared
                  FROM jsonb_to_recordset($1::jsonb) AS s(\(RecordSet.columns(of: rows[0]))) GROUP BY 1 ORDER BY 1) x
            """, [RecordSet.encode(rows)])
    }

    /// The open tickets in the reports' scopes, within the window, that could be one of
    /// the reports' parent. Only tickets that share a place name with a report come back:
    /// a report's place key in the ticket's words, or one of the ticket's keys in the
    /// report's — the detector needs a shared place, and a busy street holds hundreds of
    /// open tickets elsewhere; and none naming other house or block numbers than the
    /// report's. Tickets dispatched before place keys were kept all come back.
    public static func openParents(for reports: [DuplicateDetector.Report], within window: Duration,
                                   on connection: PostgresConnection) throws -> [DuplicateDetector.Report] {
        let rows = reports.compactMap { report -> ReportScope? in
            guard !report.scopes.isEmpty else { return nil }
            return ReportScope(categories: report.categories.sorted(), street: report.streetCode, district: report.districtCode,
                               words: report.places.words, keys: report.places.keys, numbers: report.places.numbers)
        }
        guard let first = rows.first else { return [] }
        // The report's keys and numbers arrive as arrays: unpacking its JSON for every pair of
        // report and open ticket made this statement 4–5 times dearer once thousands were open.
        return try connection.query(openParentsQuery.sql(["report_columns": RecordSet.columns(of: first)]),
                                    [RecordSet.encode(rows), window.seconds]).map { row in
            var candidates: [Classification.Candidate] = []
            if let text: String = try row.decodeIfPresent("candidates"), case .array(let entries) = try JSONValue.parse(Array(text.utf8)) {
                for case .object(let entry) in entries {
                    if case .string(let item) = entry["item"], case .number(let probability) = entry["p"] {
                        candidates.append(Classification.Candidate(itemCode: item, probability: probability))
                    }
                }
            }
            return DuplicateDetector.Report(
                id: try row.decode("id"), categoryCode: try row.decode("category_code"), itemCode: try row.decode("item_code"), candidates: candidates,
                streetCode: try row.decodeIfPresent("street_code"), urgent: try row.decode("urgent"), receivedAt: try row.decode("received_at"),
                address: try row.decodeIfPresent("address"), text: try row.decode("text"), districtCode: try row.decodeIfPresent("district_code"),
                // The keys it was stored with carry the gazetteer's names of its places.
                alsoNamed: PlaceMentions.canonicalNames(in: try JSONDecoder().decode([String].self, from: Data(try row.decode("place_keys", as: String.self).utf8))))
        }
    }

    static let openParentsQuery = StoredQuery("open-parents")

    /// A report as `open-parents.sql` looks for its parents.
    struct ReportScope: RecordRow {
        var categories: [String]
        var street: String?
        var district: String?
        var words: String
        var keys: [String]
        var numbers: [String]
    }
}
