import Foundation
import Postgres
import SubanStore
import SubanTestSupport
import Testing

@Suite struct RatingTokenTests {
    let tokens = RatingTokens(secret: Array(repeating: 7, count: 32))
    let ticket = UUID(uuidString: "6f1c2a7e-0b7d-4a57-9a52-2f3c1d9e8b41")!

    @Test func aTokenIsSixteenCharactersOfItsTicketAndRound() {
        let token = tokens.token(ticketID: ticket, round: 1)
        #expect(token.count == 16 && token.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(tokens.verify(token, ticketID: ticket, round: 1))
        #expect(tokens.verify(token.lowercased(), ticketID: ticket, round: 1), "typed from an SMS in either case")
        #expect(!tokens.verify(token, ticketID: ticket, round: 2), "a round's token does not rate the next")
        #expect(!tokens.verify(token, ticketID: UUID(), round: 1))
        #expect(!tokens.verify(String(token.dropLast()), ticketID: ticket, round: 1))
        #expect(!RatingTokens(secret: Array(repeating: 8, count: 32)).verify(token, ticketID: ticket, round: 1), "another secret, another token")
    }

    @Test func eachDatabaseMakesASecretOfItsOwnAtMigration() async throws {
        var made: [String] = []
        for _ in 0..<2 {
            let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 1, threadPool: TestServers.threadPool)
            made.append(try await postgres.withConnection { try RatingTokens.load(on: $0) }.token(ticketID: ticket, round: 1))
            await postgres.close()
        }
        #expect(made[0] != made[1], "no secret is shipped: each deployment's is random")
    }
}
