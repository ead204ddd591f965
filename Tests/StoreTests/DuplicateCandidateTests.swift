import Foundation
import Postgres
import SubanCore
import SubanStore
import SubanTestSupport
import Testing

/// A report is compared only with the open tickets of its street that could share a place
/// with it, so a busy street's hundreds of open tickets elsewhere cost nothing.
@Suite("Duplicate candidates") struct DuplicateCandidateTests {
    @Test func onlyOpenTicketsThatShareAPlaceNameComeBack() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        // (words, stored place keys; nil = dispatched before keys were kept)
        let open: [(String, String, [String]?)] = [
            ("sameRoad", "民康路88号门口的路灯不亮", ["民康路"]),
            ("otherEstate", "星河丹堤小区里的路灯不亮", ["星河丹堤"]),
            ("keptNoKey", "在民康路那边路灯坏了", []),                   // kept no key, but the report's key is in its words
            ("legacy", "某处路灯不亮", nil),
            ("otherBlock", "民康路90号门口路灯不亮", ["民康路"]),        // numbers another house: another place
        ]
        var ids: [String: UUID] = [:]
        for (name, text, keys) in open {
            let id = UUID()
            ids[name] = id
            try await postgres.query("""
                INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at,
                                     category_code, item_code, street_code, place_keys, place_numbers)
                VALUES ($1, $2, 'app', $2, 'complaint', false, $3, false, 'dispatched', now(), now(),
                        'urban-management', 'urban-management.street-lighting', 'longhua.minzhi', $4::text[], $5::text[])
                """, [id, name, text, keys.map { "{" + $0.joined(separator: ",") + "}" }, keys.map { _ in "{" + PlaceMentions(text).numbers.joined(separator: ",") + "}" }])
        }
        let report = DuplicateDetector.Report(id: UUID(), categoryCode: "urban-management", itemCode: "urban-management.street-lighting",
                                              candidates: [], streetCode: "longhua.minzhi", urgent: false, receivedAt: Date(),
                                              address: "民治街道民康路88号", text: "路灯一直不亮")
        #expect(report.places.keys == ["民康路"] && report.places.numbers == ["88号"])
        let found = try await postgres.withConnection { try TicketStore.openParents(for: [report], within: .seconds(3600), on: $0) }
        #expect(Set(found.map(\.id)) == [ids["sameRoad"]!, ids["keptNoKey"]!, ids["legacy"]!])
        // The other way round: the ticket's key in the report's words, though the report names it without a suffix.
        let shortened = DuplicateDetector.Report(id: UUID(), categoryCode: "urban-management", itemCode: "urban-management.street-lighting",
                                                 candidates: [], streetCode: "longhua.minzhi", urgent: false, receivedAt: Date(),
                                                 address: nil, text: "星河丹堤路灯坏了")
        let estate = try await postgres.withConnection { try TicketStore.openParents(for: [shortened], within: .seconds(3600), on: $0) }
        #expect(Set(estate.map(\.id)) == [ids["otherEstate"]!, ids["legacy"]!])
        await postgres.close()
    }
}
