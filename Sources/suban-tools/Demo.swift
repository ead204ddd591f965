import ArgumentParser
import SubanCommand
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Postgres
import SubanStore

/// A demo workload against a running fleet: submits realistic appeals with a
/// progress bar, waits until dispatch has placed them, and prints what happened.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a demo workload through a running system and summarise it.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Intake base URL.") var intake: String = "http://127.0.0.1:8080"
    @Option(help: "API base URL; when given, units handle some tickets and citizens rate them.") var api: String?
    @Option(help: "Tickets walked through the whole loop when --api is given.") var handle: Int = 20
    @Option(help: "Appeals to send.") var count: Int = 200
    @Option(help: "Requests in flight.") var concurrency: Int = 16

    func run() async throws {
        _ = options.logger(role: "demo")
        let infrastructure = try options.infrastructure()
        let runID = "demo-\(Int(Date().timeIntervalSince1970))"
        let keys = try await LoadGenerator.keys(postgres: infrastructure.postgres, label: runID)
        let run = try await LoadRun.perform(redis: infrastructure.redis, intake: intake, keys: keys, count: count, pace: .inFlight(concurrency),
                                            runID: runID, timeout: .seconds(60), reportAgainEvery: 10)
        let accepted = run.accepted
        let done = run.placedCount

        let rows = try await infrastructure.postgres.query("""
            SELECT d.name, count(*) AS n FROM assignments a
            JOIN tickets t ON t.id = a.ticket_id JOIN departments d ON d.code = a.department_code
            WHERE t.channel_ref LIKE $1 AND a.role = 'lead' GROUP BY d.name ORDER BY n DESC, d.name LIMIT 8
            """, ["\(runID)-%"])
        let states = try await infrastructure.postgres.query("""
            SELECT status, count(*) AS n, count(*) FILTER (WHERE urgent) AS urgent FROM tickets WHERE channel_ref LIKE $1 GROUP BY status ORDER BY status
            """, ["\(runID)-%"])
        print("\nsubmitted \(run.submissions.count), accepted \(accepted.count), placed by dispatch \(done)")
        for row in states {
            print("  \(try row.decode("status", as: String.self)): \(try row.decode("n", as: Int.self)) (urgent \(try row.decode("urgent", as: Int.self)))")
        }
        print("lead units with the most tickets:")
        for row in rows { print("  \(try row.decode("n", as: Int.self))\t\(try row.decode("name", as: String.self))") }
        if let code = accepted.first?.trackingCode {
            print("track one: curl -s \(intake)/v1/appeals/\(code)")
        }
        if let api, let base = URL(string: api) {
            let ids = accepted.compactMap(\.ticketID).prefix(handle)
            try await DemoLoop(api: base, postgres: infrastructure.postgres).walk(Array(ids))
        }
        await infrastructure.shutdown()
        if done < accepted.count { throw ExitCode(1) }
    }
}

/// The rest of the loop for a few demo tickets, over the real API: each lead unit
/// (with a demo key) accepts and replies, co-handlers send their parts, the
/// callback role asks the citizen, and the citizen rates — some unsatisfied.
struct DemoLoop {
    let api: URL
    let postgres: PostgresClient

    func walk(_ tickets: [String]) async throws {
        let parts = try await postgres.query("""
            SELECT a.ticket_id::text AS ticket, a.department_code, t.tracking_code FROM assignments a JOIN tickets t ON t.id = a.ticket_id
            WHERE a.ticket_id::text = ANY($1::text[]) AND a.status = 'queued' ORDER BY a.role DESC, a.id
            """, ["{" + tickets.joined(separator: ",") + "}"]).map {
            (ticket: try $0.decode("ticket", as: String.self), department: try $0.decode("department_code", as: String.self),
             code: try $0.decode("tracking_code", as: String.self))
        }
        var keys: [String: String] = [:]
        for department in Set(parts.map(\.department)) {
            keys[department] = try await postgres.withConnection { try APIKeys.create(department: department, label: "demo-\(UUID().uuidString.prefix(8))", on: $0).token }
        }
        let bar = ProgressBar(total: parts.count, label: "units reply")
        for (index, part) in parts.enumerated() {
            let path = "v1/departments/\(part.department)/tickets/\(part.ticket)"
            _ = try await post(path + "/accept", [:], key: keys[part.department])
            _ = try await post(path + "/reply", ["text": "已现场核查并处理完毕（演示答复）"], key: keys[part.department])
            bar.draw(index + 1)
        }
        let codes = Array(Set(parts.map(\.code))).sorted()
        let deadline = ContinuousClock.now + .seconds(30)
        var rated: [String: Int] = [:]
        var pending = codes
        let rating = ProgressBar(total: codes.count, label: "citizens rate")
        while !pending.isEmpty && ContinuousClock.now < deadline {
            var still: [String] = []
            for code in pending {
                // The citizen's rating token is in the evaluation SMS or webhook they received; one who got neither cannot rate here.
                guard let token: String = try await postgres.query("""
                    SELECT n.payload->>'rating_token' AS token FROM notifications n JOIN tickets t ON t.id = n.ticket_id
                    WHERE t.tracking_code = $1 AND n.payload ? 'rating_token' ORDER BY n.id DESC LIMIT 1
                    """, [code]).first?.decode("token") else {
                    still.append(code)
                    continue
                }
                var scores: [String: Any] = code.hasSuffix("0") || code.hasSuffix("5")
                    ? ["speed": 4, "effect": 2, "service": 3, "quality": 3] : ["speed": 5, "effect": 5, "service": 5, "quality": 4]
                scores["token"] = token
                let (status, body) = try await post("v1/appeals/\(code)/rating", scores)
                if status == 200, let next = body["status"] as? String { rated[next, default: 0] += 1 } else { still.append(code) }
            }
            pending = still
            rating.draw(codes.count - pending.count)
            if !pending.isEmpty { try await Task.sleep(for: .milliseconds(300)) }
        }
        print("\nafter the units' replies and the citizens' ratings: " + rated.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("SMS and webhooks sent meanwhile: var/log/dev-sink.log")
    }

    func post(_ path: String, _ body: [String: Any], key: String? = nil) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: api.appendingPathComponent(path).absoluteString)
        request.method = .POST
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 1 << 20))
        return (Int(response.status.code), (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }
}
