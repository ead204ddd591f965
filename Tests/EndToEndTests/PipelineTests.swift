import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Postgres
import Redis
import SubanCore
import SubanStore
import SubanTestSupport
import Testing

/// The whole pipeline as operators run it: two intake and two dispatch
/// processes on real servers, 1,000 appeals at once, one dispatch process
/// killed with SIGKILL mid-run and replaced.
@Suite("Pipeline end to end", .serialized) struct PipelineTests {
    let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 64
        configuration.timeoutIntervalForRequest = 30
        return URLSession(configuration: configuration)
    }()

    struct Answer: Sendable {
        var status: Int
        var ticketID: String?
        var trackingCode: String?
        var duplicate: Bool?
    }

    func post(_ port: Int, _ body: [String: Any], key: String) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/appeals")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        request.httpBody = AppealSamples.json(body)
        let (data, response) = try await session.data(for: request)
        let json = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        return Answer(status: (response as! HTTPURLResponse).statusCode, ticketID: json["ticket_id"] as? String,
                      trackingCode: json["tracking_code"] as? String, duplicate: json["duplicate"] as? Bool)
    }

    func waitForHealth(_ port: Int, _ process: RoleProcess) async throws {
        try await eventually(timeout: .seconds(30), "intake on \(port)") {
            (try? await session.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)) != nil
        }
        #expect(process.process.isRunning, "\(process.output)")
    }

    @Test func thousandAppealsSurviveADispatchWorkerKilledMidRun() async throws {
        let databaseURL = try await TestServers.freshDatabase()
        let (redisURL, redis) = try await TestServers.freshRedis()
        let postgres = PostgresClient(url: databaseURL, maxConnections: 2, threadPool: TestServers.threadPool)
        let environment = ["DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "LOG_LEVEL": "warning", "DISPATCH_CLAIM_IDLE": "2"]

        let first = RoleProcess.freePort()
        let ports = [first, first + 1]
        let intakes = try ports.map { try RoleProcess(["intake", "--port", "\($0)"], environment: environment) }
        var dispatchers = try (0..<2).map { _ in try RoleProcess(["dispatch"], environment: environment) }
        for (port, intake) in zip(ports, intakes) { try await waitForHealth(port, intake) }

        let key = try await AppealSamples.appKey(databaseURL: databaseURL)
        let total = 1000
        let runID = "pipeline-\(UUID().uuidString.prefix(6))"
        let killAfter = 300
        var replacement: RoleProcess?
        let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
            var answers: [Answer] = []
            var next = 0
            func submit(_ index: Int) {
                group.addTask { try await post(ports[index % 2], AppealSamples.body(channelRef: "\(runID)-\(index)", index: index), key: key) }
            }
            while next < 64 { submit(next); next += 1 }
            for try await answer in group {
                answers.append(answer)
                if answers.count == killAfter {
                    await dispatchers[0].kill()
                    replacement = try RoleProcess(["dispatch"], environment: environment)
                }
                if next < total { submit(next); next += 1 }
            }
            return answers
        }
        if let replacement { dispatchers.append(replacement) }

        #expect(answers.count == total)
        #expect(answers.allSatisfy { $0.status == 202 }, "\(Set(answers.map(\.status)))")
        let ticketIDs = Set(answers.compactMap(\.ticketID))
        #expect(ticketIDs.count == total)

        // Everything acknowledged is stored, and dispatch gets to all of it.
        try await eventually(timeout: .seconds(90), "every ticket dispatched") {
            try await postgres.query("SELECT count(*) AS n FROM tickets WHERE status = 'received'").first!.decode("n", as: Int.self) == 0
        }
        try await eventually(timeout: .seconds(30), "outbox drained") { try await postgres.query("SELECT 1 FROM outbox").isEmpty }

        let stored = try await postgres.query("SELECT id, status FROM tickets WHERE channel_ref LIKE $1", ["\(runID)-%"])
        #expect(Set(try stored.map { try $0.decode("id", as: UUID.self).uuidString.lowercased() }) == ticketIDs)
        let byStatus = Dictionary(grouping: try stored.map { try $0.decode("status", as: String.self) }, by: { $0 }).mapValues(\.count)
        #expect(byStatus.keys.allSatisfy { ["dispatched", "triage"].contains($0) }, "\(byStatus)")
        #expect((byStatus["dispatched"] ?? 0) >= total * 3 / 4, "\(byStatus)")

        // Exactly one lead per dispatched ticket, and each assignment exactly once on its department's stream.
        let leads = try await postgres.query("""
            SELECT count(*) FILTER (WHERE n <> 1) AS bad FROM (
                SELECT t.id, count(a.id) FILTER (WHERE a.role = 'lead') AS n FROM tickets t LEFT JOIN assignments a ON a.ticket_id = t.id
                WHERE t.status = 'dispatched' GROUP BY t.id) x
            """)
        #expect(try leads.first!.decode("bad", as: Int.self) == 0)
        let assignments = try await postgres.query("SELECT id, department_code FROM assignments")
        var expected: [String: String] = [:]
        for row in assignments { expected[String(try row.decode("id", as: Int.self))] = try row.decode("department_code", as: String.self) }
        var seen: [String: Int] = [:]
        for department in Set(expected.values) {
            for entry in try await redis.entries(StreamNames.departmentQueue(department)) {
                let assignment = try #require(entry.fields["assignment"])
                #expect(expected[assignment] == department)
                seen[assignment, default: 0] += 1
            }
        }
        #expect(Set(seen.keys) == Set(expected.keys), "every assignment is on its queue")
        #expect(seen.values.allSatisfy { $0 == 1 }, "and only once")

        // One received and one dispatched/triaged event per ticket on the events stream.
        var received: [String: Int] = [:]
        var placed: [String: Int] = [:]
        for entry in try await redis.entries(StreamNames.events) {
            guard let event = TicketEvent(fields: entry.fields) else { continue }
            let ticket = event.ticketID.uuidString.lowercased()
            switch event.kind {
            case .received: received[ticket, default: 0] += 1
            case .dispatched, .triaged: placed[ticket, default: 0] += 1
            default: break
            }
        }
        #expect(Set(received.keys) == ticketIDs && received.values.allSatisfy { $0 == 1 })
        #expect(Set(placed.keys) == ticketIDs && placed.values.allSatisfy { $0 == 1 })

        // A retried submission answers with the ticket it already made.
        let again = try await post(ports[1], AppealSamples.body(channelRef: "\(runID)-7", index: 7), key: key)
        #expect(again.status == 202 && again.duplicate == true)
        #expect(again.ticketID != nil && answers.contains { $0.ticketID == again.ticketID && $0.trackingCode == again.trackingCode })

        // SIGTERM stops every role promptly.
        for process in intakes + dispatchers where process.process.isRunning {
            let took = await process.terminate()
            #expect(took < .seconds(15), "\(process.role) took \(took) to stop")
        }
        await postgres.close()
        await redis.close()
    }
}
