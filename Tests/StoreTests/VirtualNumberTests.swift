import Foundation
import Postgres
import SubanStore
import SubanTestSupport
import Testing

/// The privacy-number pool goes round: numbers of open or lately closed tickets are skipped,
/// those of tickets closed long ago are taken back; it never fails at ten million.
@Suite struct VirtualNumberTests {
    @Test func thePoolGoesRoundSkippingNumbersInUseAndTakingBackOldOnes() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        let (open, lately, longAgo, new) = (UUID(), UUID(), UUID(), UUID())
        try await postgres.transaction { connection in
            for (id, status, closedDaysAgo) in [(open, "dispatched", nil), (lately, "closed", 3), (longAgo, "closed", 40), (new, "dispatched", nil)] as [(UUID, String, Int?)] {
                try connection.query("""
                    INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at, closed_at)
                    VALUES ($1, $2, 'app', $2, 'complaint', false, '路灯坏了', true, $3, now(), now(), now() - make_interval(days => $4))
                    """, [id, id.uuidString, status, closedDaysAgo])
            }
            // The sequence is about to go round to 17000000000.
            for (ticket, number) in [(open, "17000000000"), (lately, "17000000001"), (longAgo, "17000000002")] {
                try connection.query("INSERT INTO virtual_numbers (ticket_id, number) VALUES ($1, $2)", [ticket, number])
            }
            try connection.query("SELECT setval('virtual_number_seq', 9999999)")
        }
        let number = try await postgres.withConnection { try TicketStore.virtualNumber(for: new, on: $0) }
        #expect(number == "17000000002", "the open ticket's and the lately closed one's are skipped, the old one's taken back")
        #expect(try await postgres.withConnection { try TicketStore.virtualNumber(for: new, on: $0) } == number, "one number a ticket")
        let longAgoNumbers = try await postgres.query("SELECT number FROM virtual_numbers WHERE ticket_id = $1", [longAgo])
        #expect(longAgoNumbers.isEmpty, "the old ticket no longer holds it")
        #expect(try await postgres.withConnection { try TicketStore.virtualNumber(for: open, on: $0) } == "17000000000")
    }
}
