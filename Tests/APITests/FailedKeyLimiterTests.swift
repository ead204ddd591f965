import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import SubanAPI
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// Guessing keys on the api role: refused keys use up the client's budget, then 429 before any look-up.
@Suite struct FailedKeyLimiterTests {
    @Test func aClientSendingRefusedKeysIsHeldOffAndRightKeysCostNothing() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        let key = try await postgres.withConnection { try APIKeys.create(department: nil, label: "leader", on: $0).token }
        var limits = FailedKeyLimiter.Configuration()
        limits.burst = 3
        limits.exempt = []  // the test client is on loopback, which is exempt by default
        var routes = RouteSet(analytics: AnalyticsRoutes(postgres: postgres))
        routes.failedKeys = FailedKeyLimiter(configuration: limits)
        let app = buildApplication(routes, host: "127.0.0.1", port: 0, logger: TestServers.logger)
        try await app.test(.router) { client in
            func status(_ token: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/v1/analytics/figures?from=2025-01-27&to=2025-02-10", method: .get,
                                         headers: [.authorization: "Bearer \(token)"]) { $0.status }
            }
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 { statuses.append(try await status(key)) }
            #expect(statuses.allSatisfy { $0 == .ok }, "a right key takes nothing from the budget")
            statuses = []
            for guess in 0..<4 { statuses.append(try await status("sbk_guess\(guess)")) }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests], "the budget spent: no look-up")
            let rightKeyNow = try await status(key)
            #expect(rightKeyNow == .tooManyRequests, "the client is held off whatever key it sends, until a token comes back")
        }
    }
}
