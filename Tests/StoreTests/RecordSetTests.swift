import Foundation
import Postgres
import SubanCore
@testable import SubanStore
import SubanTestSupport
import Testing

/// Batch rows name their columns once, as Swift properties; the statements that unpack
/// them, and the large ones kept as `.sql` files, are checked here.
@Suite("Record rows and stored queries") struct RecordSetTests {
    struct Sample: RecordRow {
        struct Part: RecordRow {
            var name: String
            var share: Double
        }

        var id: UUID
        var parentID: UUID?
        var status: TicketStatus
        var note: String?
        var urgent: Bool
        var count: Int
        var clockID: Int64
        var confidence: Double
        var receivedAt: Date
        var day: LocalDay
        var placeKeys: [String]
        var detail: JSONValue
        var parts: [Part]
        var main: Part?
    }

    static let sample = Sample(
        id: UUID(uuidString: "0A1B2C3D-0000-4000-8000-000000000001")!, parentID: nil, status: .dispatched, note: nil, urgent: true, count: 3,
        clockID: 9_007_199_254, confidence: 0.25, receivedAt: Date(timeIntervalSince1970: 1_790_000_000.5), day: LocalDay(2026, 11, 30),
        placeKeys: ["莲花村", "3栋"], detail: .object(["why": .string("test")]), parts: [Sample.Part(name: "a", share: 1)], main: nil)

    @Test func columnsAreThePropertiesInSnakeCaseWithTheirTypesOptionalOrNot() {
        #expect(RecordSet.columns(of: Self.sample) == """
            id uuid, parent_id uuid, status text, note text, urgent boolean, count bigint, clock_id bigint, confidence float8, \
            received_at timestamptz, day date, place_keys text[], detail jsonb, parts jsonb, main jsonb
            """)
    }

    @Test func aBatchIsOneJSONArrayWithNullsForNilColumns() throws {
        let json = try JSONValue.parse(RecordSet.encode([Self.sample]).utf8)
        guard case .array(let rows) = json, case .object(let row) = rows.first else {
            Issue.record("not an array of objects: \(json)")
            return
        }
        #expect(row["id"] == .string("0a1b2c3d-0000-4000-8000-000000000001"))
        #expect(row["parent_id"] == .null)
        #expect(row["note"] == .null)
        #expect(row["main"] == .null)
        #expect(row["status"] == .string("dispatched"))
        #expect(row["clock_id"] == .number(9_007_199_254))
        #expect(row["received_at"] == .string(Self.sample.receivedAt.postgresText))
        #expect(row["day"] == .string("2026-11-30"))
        #expect(row["place_keys"] == .array([.string("莲花村"), .string("3栋")]))
        #expect(row["parts"] == .array([.object(["name": .string("a"), "share": .number(1)])]))
        #expect(row.count == 14)
    }

    /// The column list and the JSON agree with PostgreSQL: every type comes back as it went.
    @Test func aBatchRoundTripsThroughJsonbToRecordset() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 1, threadPool: TestServers.threadPool)
        var second = Self.sample
        second.parentID = second.id
        second.note = "它's \"quoted\"\n"
        second.main = Sample.Part(name: "b", share: 0.5)
        second.placeKeys = []
        let batch = RecordSet.encode([Self.sample, second]), columns = RecordSet.columns(of: Self.sample)
        let rows = try await postgres.withConnection { connection in
            try connection.query("""
                SELECT id, parent_id, status, note, urgent, count, clock_id, confidence, received_at, day::text AS day,
                       array_to_string(place_keys, '|') AS place_keys, cardinality(place_keys) AS keys, detail->>'why' AS why,
                       parts->0->>'name' AS part, main->>'share' AS share
                FROM jsonb_to_recordset($1::jsonb) AS x(\(columns))
                """, [batch])
        }
        #expect(rows.count == 2)
        let first = rows[0], other = rows[1]
        #expect(try first.decode("id", as: UUID.self) == Self.sample.id)
        #expect(try first.decodeIfPresent("parent_id", as: UUID.self) == nil)
        #expect(try other.decodeIfPresent("parent_id", as: UUID.self) == Self.sample.id)
        #expect(try first.decode("status", as: TicketStatus.self) == .dispatched)
        #expect(try first.decodeIfPresent("note", as: String.self) == nil)
        #expect(try other.decode("note", as: String.self) == "它's \"quoted\"\n")
        #expect(try first.decode("urgent", as: Bool.self))
        #expect(try first.decode("count", as: Int.self) == 3)
        #expect(try first.decode("clock_id", as: Int64.self) == 9_007_199_254)
        #expect(try first.decode("confidence", as: Double.self) == 0.25)
        #expect(try first.decode("received_at", as: Date.self) == Self.sample.receivedAt)
        #expect(try first.decode("day", as: String.self) == "2026-11-30")
        #expect(try first.decode("place_keys", as: String.self) == "莲花村|3栋")
        #expect(try other.decodeIfPresent("keys", as: Int.self) == 0)
        #expect(try first.decode("why", as: String.self) == "test")
        #expect(try first.decode("part", as: String.self) == "a")
        #expect(try other.decode("share", as: Double.self) == 0.5)
        await postgres.close()
    }

    /// Each `.sql` file is read by exactly one statement, which fills exactly the placeholders it names.
    @Test func everyStoredQueryLoadsAndIsFilledByItsCaller() throws {
        let queries: [(StoredQuery, Set<String>)] = [
            (TicketStore.recordAppealsQuery, ["ticket_columns", "insert_messages"]),
            (TicketStore.recordDispatchQuery, ["outcome_columns", "insert_messages"]),
            (TicketStore.openParentsQuery, ["report_columns"]),
            (NotificationStore.planNotificationsQuery, ["notification_columns"]),
            (SLAStore.recordFiringsQuery, ["firing_columns", "insert_messages"]),
            (LifecycleStore.recordTimelineQuery, ["event_columns", "insert_messages"]),
            (Open311Requests.requestsQuery, ["conditions", "limit", "offset"]),
            (AnalyticsStore.applyQuery, ["contribution_columns", "cells", "counters", "sums", "additions"]),
        ]
        for (query, filled) in queries {
            #expect(Set(query.placeholders) == filled, "\(query.name)")
            #expect(query.template.hasPrefix("-- "), "\(query.name) opens with what it does")
        }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/SubanStore/queries")
        let shipped = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        #expect(Set(shipped.map { String($0.dropLast(4)) }) == Set(queries.map(\.0.name)), "a query file no statement reads")
    }
}
