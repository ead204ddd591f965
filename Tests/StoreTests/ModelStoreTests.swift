import Foundation
import Postgres
import SubanCore
import SubanData
import SubanStore
import SubanTestSupport
import Testing

/// Dispatch models versioned in PostgreSQL, and operators' corrections as training examples.
@Suite struct ModelStoreTests {
    @Test func aPromotedModelRetiresTheOneBeforeAndRoundTrips() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        let bytes = ShippedData.trainedModel.encoded()
        let (first, second) = try await postgres.withConnection { connection in
            let first = try ModelStore.insert(bytes, trainedOn: .object([:]), report: .object(["category": .number(0.9)]), on: connection)
            try ModelStore.set(first, to: .active, on: connection)
            let second = try ModelStore.insert(bytes, trainedOn: .object([:]), report: .object([:]), on: connection)
            return (first, second)
        }
        #expect(try await postgres.withConnection { try ModelStore.current(on: $0) } == (first, nil))
        try await postgres.withConnection { try ModelStore.set(second, to: .shadow, on: $0) }
        #expect(try await postgres.withConnection { try ModelStore.current(on: $0) } == (first, second))
        try await postgres.withConnection { try ModelStore.set(second, to: .active, on: $0) }
        #expect(try await postgres.withConnection { try ModelStore.current(on: $0) } == (second, nil))
        let statuses = try await postgres.withConnection { try ModelStore.list(on: $0) }.map(\.status)
        #expect(statuses == [.retired, .active])
        let stored = try #require(try await postgres.withConnection { try ModelStore.model(second, on: $0) })
        #expect(stored.bytes == bytes)
        let decoded = try AppealModel(encoded: stored.bytes, lexicon: ShippedData.shenzhen.lexicon)
        #expect(decoded.classifier.classify("楼上装修电钻声太吵") == ShippedData.trainedModel.classifier.classify("楼上装修电钻声太吵"))
        await #expect(throws: ModelStore.ModelNotFound.self) { try await postgres.withConnection { try ModelStore.set(999, to: .active, on: $0) } }
    }

    @Test func anOperatorsTriageChoiceBecomesATrainingExample() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        let ticket = UUID()
        try await postgres.query("""
            INSERT INTO tickets (id, tracking_code, channel, channel_ref, type, urgent, text, anonymous, status, received_at, dispatch_due_at)
            VALUES ($1, 'T1', 'app', 't1', 'help', true, '楼道那个箱子一直噼啪响', false, 'triage', now(), now())
            """, [ticket])
        try await postgres.withConnection { connection in
            try OperatorQueues.prepareTriage(ticketID: ticket, item: "safety.electrical-safety", departments: [], on: connection)
            // A second choice for the same ticket replaces the first rather than teaching both.
            try connection.query("UPDATE tickets SET status = 'triage' WHERE id = $1", [ticket])
            try OperatorQueues.prepareTriage(ticketID: ticket, item: "utilities.power-facilities", departments: [], on: connection)
        }
        let corrections = try await postgres.withConnection { try ModelStore.corrections(on: $0) }
        #expect(corrections.count == 1)
        #expect(corrections.first?.appeal == LabeledAppeal(text: "楼道那个箱子一直噼啪响", itemCode: "utilities.power-facilities", urgent: true))
        #expect(corrections.first?.source == .triage)
    }
}

/// `suban train` as operators run it: corrections in, a new model measured, stored and promoted.
@Suite struct TrainCommandTests {
    @Test func trainLearnsFromCorrectionsAndPromotesAModelThatIsNotWorse() async throws {
        let url = try await TestServers.freshDatabase()
        let postgres = PostgresClient(url: url, maxConnections: 1, threadPool: TestServers.threadPool)
        defer { Task { await postgres.close() } }
        try await postgres.withConnection {
            try ModelStore.recordCorrection(ticketID: nil, text: "楼道那个箱子一直噼啪响", itemCode: "safety.electrical-safety", urgent: true,
                                            source: .import, operator: "test", on: $0)
        }
        func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
            let process = try RoleProcess(["train"] + arguments, environment: ["DATABASE_URL": url, "LOG_LEVEL": "error"])
            await process.waitForExit(killAfter: .seconds(120))
            return (process.process.terminationStatus, process.output)
        }
        let trained = try await run([])
        #expect(trained.status == 0, "\(trained.output)")
        #expect(trained.output.contains("1 operators' corrections") && trained.output.contains("is now active"), "\(trained.output)")
        let current = try await postgres.withConnection { try ModelStore.current(on: $0) }
        let active = try #require(current.active)
        let shadowed = try await run(["--shadow"])
        #expect(shadowed.status == 0 && shadowed.output.contains("in shadow"), "\(shadowed.output)")
        #expect(try await postgres.withConnection { try ModelStore.current(on: $0) }.active == active, "shadow leaves the active model alone")
        let listed = try await run(["list"])
        #expect(listed.output.contains("v\(active)") && listed.output.contains("shadow"), "\(listed.output)")
    }
}
