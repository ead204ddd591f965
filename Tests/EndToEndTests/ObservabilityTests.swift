import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Redis
import SubanCore
import SubanStore
import SubanWorkers
import Synchronization
import SubanTestSupport
import Testing

/// `/metrics` of a running fleet (intake and dispatch as processes) shows what it did,
/// and JSON logs are one object a line with the ticket's id as a field.
@Suite("Metrics and logs") struct ObservabilityTests {
    static func get(_ url: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url)!)
        return String(decoding: data, as: UTF8.self)
    }

    /// The value of the sample `name{labels…}` where every given label matches.
    static func sample(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let parts = line.split(separator: " ")
            guard labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }), let value = parts.last.flatMap({ Double($0) }) else { continue }
            return value
        }
        return nil
    }

    @Test func aRunningFleetsMetricsShowWhatItDid() async throws {
        let databaseURL = try await TestServers.freshDatabase()
        let (redisURL, redis) = try await TestServers.freshRedis()
        let environment = ["DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "LOG_LEVEL": "debug", "LOG_FORMAT": "json"]
        let intakePort = RoleProcess.freePort(), metricsPort = RoleProcess.freePort()
        let intake = try RoleProcess(["intake", "--port", "\(intakePort)"], environment: environment)
        try await eventually(timeout: .seconds(30), "intake serving") { (try? await Self.get("http://127.0.0.1:\(intakePort)/health")) != nil }
        let key = try await AppealSamples.appKey(databaseURL: databaseURL)
        var ids: [String] = []
        for index in 0..<5 {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(intakePort)/v1/appeals")!)
            request.httpMethod = "POST"
            request.httpBody = AppealSamples.json(AppealSamples.body(channelRef: "metrics-\(index)", index: index, channel: "app"))
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
            let (data, _) = try await URLSession.shared.data(for: request)
            ids.append(try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["ticket_id"] as? String))
        }
        var bad = URLRequest(url: URL(string: "http://127.0.0.1:\(intakePort)/v1/appeals")!)
        bad.httpMethod = "POST"
        bad.httpBody = Data(#"{"channel": "app"}"#.utf8)
        bad.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
        _ = try await URLSession.shared.data(for: bad)

        try await eventually(timeout: .seconds(10), "the appeals on the stream") { try await redis.streamLength(StreamNames.newTickets) == 5 }

        // Dispatch starts with 5 entries waiting: its gauge shows the lag, then its counters the work.
        let dispatch = try RoleProcess(["dispatch", "--metrics-port", "\(metricsPort)"], environment: environment)
        let dispatchLabels = ["stream": StreamNames.newTickets, "group": StreamNames.dispatchGroup]
        try await eventually(timeout: .seconds(30), "dispatch's lag of 5") {
            guard let text = try? await Self.get("http://127.0.0.1:\(metricsPort)/metrics") else { return false }
            return Self.sample(text, "suban_stream_lag", dispatchLabels) == 5
        }
        // With no model stored (no `suban migrate` here) dispatch trains one from the shipped
        // appeals first: seconds alone, far longer beside the rest of the suite on two cores.
        try await eventually(timeout: .seconds(120), "dispatch's counters") {
            let text = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
            return Self.sample(text, "suban_stream_entries_total", dispatchLabels.merging(["outcome": "handled"]) { $1 }) == 5
        }
        // Lag and pending are read every claim interval (5 s).
        try await eventually(timeout: .seconds(20), "dispatch's lag back to 0") {
            let text = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
            return Self.sample(text, "suban_stream_lag", dispatchLabels) == 0 && Self.sample(text, "suban_stream_pending", dispatchLabels) == 0
        }
        let dispatchText = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
        for stage in ["decide", "record", "publish"] {
            #expect((Self.sample(dispatchText, "suban_dispatch_stage_seconds_count", ["stage": stage]) ?? 0) >= 1, "\(stage)\n\(dispatchText)")
        }
        #expect((Self.sample(dispatchText, "suban_stream_batch_entries_sum", dispatchLabels) ?? 0) == 5)

        let intakeText = try await Self.get("http://127.0.0.1:\(intakePort)/metrics")
        #expect(Self.sample(intakeText, "suban_intake_appeals_total", ["outcome": "accepted"]) == 5, "\(intakeText)")
        #expect(Self.sample(intakeText, "suban_intake_appeals_total", ["outcome": "invalid"]) == 1)
        #expect((Self.sample(intakeText, "suban_intake_commit_seconds_count") ?? 0) >= 1)
        #expect((Self.sample(intakeText, "http_server_request_duration_count", ["http_route": "/v1/appeals", "http_response_status_code": "202"]) ?? 0) >= 5, "\(intakeText)")

        _ = await intake.terminate()
        _ = await dispatch.terminate()
        // JSON lines, each a whole object; dispatch's decisions name their tickets.
        let lines = dispatch.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty && lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(dispatch.output.prefix(2000))")
        let decided = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["msg"] as? String == "ticket decided" }.compactMap { $0["ticket"] as? String }
        #expect(Set(decided) == Set(ids.map { $0.lowercased() }), "every ticket's decision is logged with its id")
        #expect(!intake.output.contains("13800"), "no citizen's number in any log line")
        await redis.close()
    }

    @Test func jsonLogLinesCarryLevelMessageAndMetadataAsFields() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "suban.test") { label in JSONLogHandler(label: label, level: .info) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "role"] = "dispatch"
        logger.debug("not shown below the level")
        logger.info("ticket decided", metadata: ["ticket": "5f0c…", "units": .array(["a", "b"]), "quote": "say \"hi\"\n"])
        let written = lines.withLock { $0 }
        #expect(written.count == 1 && written[0].hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written[0].utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info" && object["msg"] as? String == "ticket decided" && object["logger"] as? String == "suban.test")
        #expect(object["role"] as? String == "dispatch" && object["ticket"] as? String == "5f0c…" && object["units"] as? [String] == ["a", "b"])
        #expect(object["quote"] as? String == "say \"hi\"\n" && (object["ts"] as? String)?.hasPrefix("20") == true)
    }
}
