import Foundation
import Hummingbird
import HTTPTypes
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanWorkers

/// The web console the api role serves (no external CDN: every byte comes from here):
/// `/console/ops` (queues, lag, throughput, deadlines), `/console/analytics` (trend,
/// breakdowns, top-10, class cases, charts as SVG), `/console/workbench` (a unit's queue
/// and actions), and `/track` (a citizen's ticket by tracking code, and the rating form).
/// The pages call the JSON API with the key the user typed, kept in the browser.
/// Plus the one API the ops page needs beyond the others: `GET /v1/ops/status`.
public struct ConsoleRoutes: Sendable {
    let postgres: PostgresClient
    let redis: RedisClient
    let auth: Authenticator

    public init(postgres: PostgresClient, redis: RedisClient) {
        self.postgres = postgres
        self.redis = redis
        self.auth = Authenticator(postgres: postgres)
    }

    /// The paths of the pages, the stylesheet and the script (not part of the JSON API).
    public static let pagePaths = ConsolePages.all.map(\.0)

    /// What the ops page shows: `suban status`, and appeals received and dispatched per minute over the last hour.
    struct OpsStatus: Encodable {
        var status: FleetStatus
        var throughput: [Minute]
        struct Minute: Encodable {
            var minute: Date
            var received: Int
            var dispatched: Int
        }
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/v1/ops/status") { request, _ in
            _ = try await auth.operator(request)
            let status = try await FleetStatus.collect(redis: redis, postgres: postgres)
            let rows = try await postgres.query("""
                SELECT m.minute, (SELECT count(*) FROM tickets t WHERE t.received_at >= m.minute AND t.received_at < m.minute + interval '1 minute') AS received,
                       (SELECT count(*) FROM tickets t WHERE t.dispatched_at >= m.minute AND t.dispatched_at < m.minute + interval '1 minute') AS dispatched
                FROM generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') AS m(minute)
                """)
            let throughput = try rows.map { OpsStatus.Minute(minute: try $0.decode("minute"), received: try $0.decode("received"), dispatched: try $0.decode("dispatched")) }
            return try JSONResponse.make(.ok, OpsStatus(status: status, throughput: throughput))
        }
        for (path, page) in ConsolePages.all {
            router.get(RouterPath(path)) { _, _ in Self.page(page.body, type: page.type) }
        }
    }

    static func page(_ body: String, type: String) -> Response {
        Response(status: .ok, headers: [
            .contentType: type,
            .cacheControl: "no-cache",
            // Only this origin's scripts and styles; the pages talk to the API of the same origin.
            HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
