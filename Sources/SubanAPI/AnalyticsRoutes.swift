import Foundation
import Hummingbird
import Postgres
import SubanCore
import SubanStore

/// The figures for city leaders and the supervision office (operator keys), as JSON
/// or, with `format=csv`, as a spreadsheet:
/// - `GET /v1/analytics/figures?from&to&district&department&category&by` — counts and
///   rates over a date range, broken down by any of day, category, item, district,
///   street, department, channel;
/// - `GET /v1/analytics/hot-issues?day&district&category` — a day's top-10 items and places (today: so far);
/// - `GET /v1/analytics/class-cases?status&district` — class cases with their weekly trend,
///   and `POST /v1/analytics/class-cases/{case}/governance` to put one under a lead unit.
public struct AnalyticsRoutes: Sendable {
    let postgres: PostgresClient
    let auth: Authenticator

    public init(postgres: PostgresClient) {
        self.postgres = postgres
        self.auth = Authenticator(postgres: postgres)
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        registerClassCases(on: router)
        router.get("/v1/analytics/figures") { request, _ in
            _ = try await auth.operator(request)
            let query = try Self.figuresQuery(request.uri.queryParameters)
            let csv = try Self.wantsCSV(request.uri.queryParameters)
            let rows = try await postgres.withConnection { try AnalyticsStore.figures(query, on: $0) }
            let total = rows.reduce(DailyFigures()) { $0 + $1.figures }
            let items = rows.map { FigureRow(query.by, $0) }
            if csv { return Self.csv(FigureRow.csvHeader(query.by), items.map { $0.csvFields(query.by) }, name: "figures-\(query.from)-\(query.to)") }
            return try JSONResponse.make(.ok, FiguresBody(from: query.from.description, to: query.to.description, by: query.by.map(\.rawValue),
                                                          total: FigureRow([], .init(keys: [], figures: total)), items: items))
        }
        router.get("/v1/analytics/hot-issues") { request, _ in
            _ = try await auth.operator(request)
            let parameters = request.uri.queryParameters
            let today = LocalDay(containing: Date())
            let day = try Self.day(parameters, "day") ?? today
            guard day <= today else { throw Self.invalid("day", "not after today") }
            let csv = try Self.wantsCSV(parameters)
            let scope = HotIssuesStore.Scope(district: try Self.filter(parameters, "district"), category: try Self.filter(parameters, "category"))
            // Day close stores the city's; a district's or a category's is worked out when asked.
            let (issues, closed) = try await postgres.withConnection { connection -> ([HotIssue], Bool) in
                if scope == .city, let stored = try HotIssuesStore.stored(day, on: connection) { return (stored, true) }
                return (try HotIssuesStore.compute(day, scope: scope, on: connection), day < today)
            }
            if csv {
                return Self.csv(["kind", "rank", "label", "count", "previous", "change", "samples"],
                                issues.map { [$0.kind.rawValue, "\($0.rank)", $0.label, "\($0.count)", "\($0.previous)", "\($0.change)", $0.samples.joined(separator: " ")] },
                                name: "hot-issues-\(day)")
            }
            return try JSONResponse.make(.ok, HotIssuesBody(day: day.description, closed: closed,
                                                            items: issues.filter { $0.kind == .item }.map(HotIssueBody.init),
                                                            places: issues.filter { $0.kind == .place }.map(HotIssueBody.init)))
        }
    }

    func registerClassCases<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/analytics/class-cases") { request, _ in
            _ = try await auth.operator(request)
            let parameters = request.uri.queryParameters
            let status = parameters.get("status")
            guard status == nil || ["open", "governance"].contains(status!) else { throw Self.invalid("status", "open or governance") }
            let district = try Self.filter(parameters, "district")
            let csv = try Self.wantsCSV(parameters)
            let today = LocalDay(containing: Date())
            let cases = try await postgres.withConnection { try ClassCaseStore.list(status: status, district: district, today: today, on: $0) }
            if csv {
                return Self.csv(["id", "item", "place", "district", "status", "lead_department", "trend", "first_seen", "last_seen", "weekly"],
                                cases.map { ["\($0.id)", $0.itemName, $0.place, $0.district, $0.status, $0.leadDepartment ?? "", $0.trend.rawValue,
                                             $0.firstSeen.formatted(.iso8601), $0.lastSeen.formatted(.iso8601), $0.weekly.map(String.init).joined(separator: " ")] },
                                name: "class-cases-\(today)")
            }
            return try JSONResponse.make(.ok, ["items": cases])
        }
        router.post("/v1/analytics/class-cases/:case/governance") { request, context in
            _ = try await auth.operator(request)
            guard let id = context.parameters.get("case", as: Int64.self) else {
                throw APIError(.notFound, code: "not_found", message: "case must be a number", fields: [FieldError("case", "not a number")])
            }
            let (lead, note) = try await RequestBody.fields(request, known: ["lead_department", "note"]) { reader -> (String, String?)? in
                let lead = reader.string("lead_department", required: true, maxCharacters: 64)
                let note = reader.string("note", required: false, maxCharacters: 500)
                return reader.errors.isEmpty ? lead.map { ($0, note) } : nil
            }
            let today = LocalDay(containing: Date())
            do {
                let view = try await postgres.withConnection { connection in
                    try ClassCaseStore.govern(id, lead: lead, note: note, on: connection)
                    return try ClassCaseStore.list(id: id, today: today, on: connection)
                }
                return try JSONResponse.make(.ok, view[0])
            } catch ClassCaseStore.GovernError.noSuchCase {
                throw APIError(.notFound, code: "not_found", message: "no such class case", fields: [FieldError("case", "unknown")])
            } catch ClassCaseStore.GovernError.noSuchDepartment {
                throw APIError(.unprocessableContent, code: "invalid_body", message: "no such unit", fields: [FieldError("lead_department", "unknown unit")])
            }
        }
    }

    static func invalid(_ field: String, _ reason: String) -> APIError {
        APIError(.badRequest, code: "invalid_query", message: "\(field): \(reason)", fields: [FieldError(field, reason)])
    }

    static func day(_ parameters: Parameters, _ name: String) throws -> LocalDay? {
        guard let text = parameters.get(name) else { return nil }
        guard let day = LocalDay(iso: text) else { throw invalid(name, "a date as YYYY-MM-DD") }
        return day
    }

    static func wantsCSV(_ parameters: Parameters) throws -> Bool {
        switch parameters.get("format") ?? "json" {
        case "json": false
        case "csv": true
        default: throw invalid("format", "json or csv")
        }
    }

    /// The longest range one request sums: a year and a day.
    static let maxDays = 367

    static func figuresQuery(_ parameters: Parameters) throws -> AnalyticsStore.Query {
        let today = LocalDay(containing: Date())
        let to = try day(parameters, "to") ?? today
        let from = try day(parameters, "from") ?? to.adding(days: -29)
        guard from <= to else { throw invalid("from", "not after to") }
        guard to.number - from.number < maxDays else { throw invalid("from", "at most \(maxDays) days before to") }
        var by: [AnalyticsStore.Query.Dimension] = []
        for name in (parameters.get("by") ?? "").split(separator: ",") {
            guard let dimension = AnalyticsStore.Query.Dimension(rawValue: String(name)), !by.contains(dimension) else {
                throw invalid("by", "distinct names from \(AnalyticsStore.Query.Dimension.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            by.append(dimension)
        }
        return AnalyticsStore.Query(from: from, to: to, district: try filter(parameters, "district"), department: try filter(parameters, "department"),
                                    category: try filter(parameters, "category"), by: by)
    }

    /// An optional filter value: absent, or 1 to 64 characters.
    static func filter(_ parameters: Parameters, _ name: String) throws -> String? {
        guard let value = parameters.get(name) else { return nil }
        guard !value.isEmpty, value.count <= 64 else { throw invalid(name, "1 to 64 characters") }
        return value
    }

    /// RFC 4180: fields with commas, quotes or line breaks are quoted. A UTF-8 BOM, so a
    /// spreadsheet opens the Chinese labels right.
    static func csv(_ header: [String], _ rows: [[String]], name: String) -> Response {
        let text = "\u{FEFF}" + ([header] + rows).map { $0.map(CSVField.escaped).joined(separator: ",") + "\r\n" }.joined()
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name).csv\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    struct FiguresBody: Encodable {
        var from: String
        var to: String
        var by: [String]
        var total: FigureRow
        var items: [FigureRow]
    }

    /// One breakdown value's counts, with the rates derived from them (null when undefined).
    struct FigureRow: Encodable {
        var keys: [String: String]
        var received, dispatched, replied, closed, overdue, returned, dissatisfactionReturns, rated: Int
        var averageHandlingDays, onTimeRate, satisfactionRate, firstTimeRightRate: Double?
        var dimensionMeans: [String: Double]?

        init(_ by: [AnalyticsStore.Query.Dimension], _ row: AnalyticsStore.Row) {
            keys = Dictionary(uniqueKeysWithValues: zip(by.map(\.rawValue), row.keys))
            let f = row.figures
            (received, dispatched, replied, closed, overdue, returned, dissatisfactionReturns, rated) =
                (f.received, f.dispatched, f.replied, f.closed, f.overdue, f.returned, f.dissatisfactionReturns, f.rated)
            (averageHandlingDays, onTimeRate, satisfactionRate, firstTimeRightRate) = (f.averageHandlingDays, f.onTimeRate, f.satisfactionRate, f.firstTimeRightRate)
            dimensionMeans = f.dimensionMeans
        }

        static let measures = ["received", "dispatched", "replied", "closed", "overdue", "returned", "dissatisfaction_returns", "rated",
                               "average_handling_days", "on_time_rate", "satisfaction_rate", "first_time_right_rate",
                               "speed_mean", "effect_mean", "service_mean", "quality_mean"]

        static func csvHeader(_ by: [AnalyticsStore.Query.Dimension]) -> [String] { by.map(\.rawValue) + measures }

        func csvFields(_ by: [AnalyticsStore.Query.Dimension]) -> [String] {
            func rate(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }
            let means = ["speed", "effect", "service", "quality"].map { rate(dimensionMeans?[$0]) }
            return by.map { keys[$0.rawValue] ?? "" }
                + [received, dispatched, replied, closed, overdue, returned, dissatisfactionReturns, rated].map(String.init)
                + [averageHandlingDays, onTimeRate, satisfactionRate, firstTimeRightRate].map(rate) + means
        }
    }

    struct HotIssuesBody: Encodable {
        var day: String
        /// False for a day still open (today): figures so far.
        var closed: Bool
        var items: [HotIssueBody]
        var places: [HotIssueBody]
    }

    struct HotIssueBody: Encodable {
        var rank: Int
        var key: String
        var label: String
        var count: Int
        var previous: Int
        var change: Int
        var samples: [String]

        init(_ issue: HotIssue) {
            (rank, key, label, count, previous, change, samples) = (issue.rank, issue.key, issue.label, issue.count, issue.previous, issue.change, issue.samples)
        }
    }
}

/// One cell of a CSV export. Labels come from what citizens wrote (a place they named), and a
/// spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) as
/// a formula: such a cell gets a leading apostrophe, unless it is a plain number ("-2").
public enum CSVField {
    public static func escaped(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil { text = "'" + text }
        return text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
