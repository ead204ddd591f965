import Foundation
import Postgres
import SubanCore
import SubanStore
import SubanTestSupport
import Testing

/// SMS to a number its channel did not verify stop at the daily cap, kept as `capped`, never sent.
@Suite struct SMSCapTests {
    @Test func smsBeyondTheCapOfANumberAreKeptUnsentAndOtherNumbersAreNotHeldUp() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 1, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        var tickets: [UUID] = []
        for (index, phone) in ["13800000001", "13800000001", "13800000001", "13800000001", "13900000002"].enumerated() {
            let ticket = UUID()
            try await postgres.query("""
                INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at)
                VALUES ($1, $2, 'hotline', $2, 'complaint', false, '路灯不亮', false, 'dispatched', now(), now())
                """, [ticket, "CAP\(index)"])
            try await postgres.query("INSERT INTO citizen_contacts (ticket_id, phone) VALUES ($1, $2)", [ticket, phone])
            tickets.append(ticket)
        }
        func plan(_ ids: ArraySlice<UUID>) async throws -> NotificationStore.Planned {
            try await postgres.withConnection { connection in
                try NotificationStore.plan(ids.map { TicketEvent(kind: .dispatched, ticketID: $0, at: "2026-11-30 10:00:00+00") },
                                           webhookChannels: [], smsDailyCap: 2, on: connection)
            }
        }
        let first = try await plan(tickets[0..<1])
        #expect(first.stored == 1 && first.capped == 0)
        // In one batch: the second SMS to the number reaches the cap, the third is over it; the other number is not.
        let batch = try await plan(tickets[1...])
        #expect(batch.stored == 4 && batch.capped == 2)
        let statuses = try await postgres.query("""
            SELECT c.phone, n.status, count(*) AS n FROM notifications n JOIN citizen_contacts c USING (ticket_id) GROUP BY 1, 2 ORDER BY 1, 2
            """).map { "\(try $0.decode("phone", as: String.self)) \(try $0.decode("status", as: String.self)) \(try $0.decode("n", as: Int.self))" }
        #expect(statuses == ["13800000001 capped 2", "13800000001 pending 2", "13900000002 pending 1"])
        let due = try await postgres.withConnection { try NotificationStore.claimDue(limit: 10, lease: .seconds(30), on: $0) }
        #expect(due.count == 3, "capped messages are never claimed for sending")

        // The same number, verified by the channel of a new appeal: its SMS go out past the cap.
        let verified = UUID()
        try await postgres.query("""
            INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at)
            VALUES ($1, 'CAPV', 'hotline', 'CAPV', 'complaint', false, '路灯不亮', false, 'dispatched', now(), now())
            """, [verified])
        try await postgres.query("INSERT INTO citizen_contacts (ticket_id, phone, verified) VALUES ($1, '13800000001', true)", [verified])
        let past = try await plan([verified][...])
        #expect(past.stored == 1 && past.capped == 0, "a verified number is not held to the cap")
    }
}
