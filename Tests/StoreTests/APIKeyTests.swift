import Foundation
import Postgres
import SubanStore
import SubanTestSupport
import Testing

/// Keys expire when told to, are revoked by id or by label, and are listed without their tokens.
@Suite struct APIKeyTests {
    @Test func anExpiredOrRevokedKeyNamesNoOne() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 1, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        try await postgres.withConnection { connection in
            let lasting = try APIKeys.create(department: "futian:urban-management", label: "desk-1", on: connection)
            let expiring = try APIKeys.create(department: nil, label: "pilot", expiresAt: Date().addingTimeInterval(3600), on: connection)
            let expired = try APIKeys.create(department: nil, label: "contractor", expiresAt: Date().addingTimeInterval(-1), on: connection)
            #expect(try APIKeys.principal(token: lasting.token, on: connection) == .department(code: "futian:urban-management", keyID: lasting.id, label: "desk-1"))
            #expect(try APIKeys.principal(token: expiring.token, on: connection) == .operator(keyID: expiring.id, label: "pilot"))
            #expect(try APIKeys.principal(token: expired.token, on: connection) == nil, "past its expiry")

            #expect(try APIKeys.revoke(id: lasting.id, on: connection))
            #expect(try !APIKeys.revoke(id: lasting.id, on: connection), "already revoked")
            #expect(try APIKeys.principal(token: lasting.token, on: connection) == nil)
            #expect(try APIKeys.principal(token: expiring.token, on: connection) != nil, "revoking one key leaves the others")

            let listed = try APIKeys.list(on: connection)
            #expect(listed.map(\.label) == ["desk-1", "pilot", "contractor"])
            #expect(listed[0].revokedAt != nil && listed[1].revokedAt == nil && listed[2].expiresAt != nil)
            #expect(!"\(listed)".contains(lasting.token) && !"\(listed)".contains(APIKeys.digest(lasting.token)), "no token, no digest")
        }
    }
}
