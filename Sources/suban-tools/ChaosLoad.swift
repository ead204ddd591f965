import ArgumentParser
import SubanCommand
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOSSL

/// `suban-tools chaos load`: a steady stream of appeals at a fixed rate, spread over
/// every intake replica, as channels send them while `scripts/chaos.sh` breaks
/// the fleet. A refused or unanswered appeal is sent again with the same
/// `channel_ref` (the idempotency key), as a channel retries, until an intake
/// acknowledges it or `--give-up` passes. Each appeal's outcome goes to `--record`,
/// which `suban-tools chaos check` holds PostgreSQL and Redis against.
struct ChaosLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "load", abstract: "Send appeals at a steady rate, retrying as a channel does, and record each outcome.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Intake base URLs, comma-separated.") var intake: String = "http://127.0.0.1:8080"
    @Option(help: "Appeals a second.") var rate: Int = 20
    @Option(help: "Seconds of load.") var seconds: Int = 60
    @Option(help: "Seconds one appeal is retried before the channel gives up.") var giveUp: Int = 120
    @Option(help: "Where each appeal's outcome is written (TSV).") var record: String
    @Option(help: "A PEM file of certificates to trust for https intake URLs, as a gateway's self-signed one.") var caFile: String?

    enum Outcome: String { case acknowledged, rejected, gaveUp = "gave-up" }

    struct Result: Sendable {
        var channelRef: String
        var outcome: String
        var ticketID: String
        var attempts: Int
        var lastStatus: Int
    }

    /// What the progress line shows.
    actor Tally {
        var started = 0, acknowledged = 0, retries = 0
        var answers: [Int: Int] = [:]
        func start() { started += 1 }
        func answer(_ status: Int) { answers[status, default: 0] += 1; if status != 202 { retries += 1 } }
        func acknowledge() { acknowledged += 1 }
        var line: String {
            let codes = answers.sorted { $0.key < $1.key }.map { "\($0.key == 0 ? "no answer" : String($0.key)) ×\($0.value)" }.joined(separator: ", ")
            return "submitted \(started), acknowledged \(acknowledged), retried \(retries) (answers: \(codes))"
        }
    }

    func run() async throws {
        let urls = try intake.split(separator: ",").map { text -> URL in
            guard let url = URL(string: String(text)), url.scheme != nil else { throw ValidationError("--intake: '\(text)' is not a URL") }
            return url.appendingPathComponent("v1/appeals")
        }
        guard rate > 0, seconds > 0 else { throw ValidationError("--rate and --seconds must be positive") }
        var configuration = HTTPClient.Configuration()
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, rate))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let runID = "chaos-\(Int(Date().timeIntervalSince1970))"
        // Made before the load starts: the run takes PostgreSQL away, and a channel holds its key throughout.
        let keys = try await options.withInfrastructure(role: "chaos-load") { try await LoadGenerator.keys(postgres: $0.postgres, label: runID) }
            .mapValues { "Bearer \($0)" }
        let total = rate * seconds
        let tally = Tally()
        let giveUp = Duration.seconds(giveUp)
        // Every tenth appeal reports an earlier incident again, so linking is broken on purpose too.
        let blocks = AppealBlocks(reportAgainEvery: 10)
        let start = ContinuousClock.now
        let reporter = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(5))
                let elapsed = (ContinuousClock.now - start).components.seconds
                FileHandle.standardError.write(Data("load \(elapsed)s: \(await tally.line)\n".utf8))
            }
        }
        let results = await withTaskGroup(of: Result.self) { group in
            for index in 0..<total {
                try? await Task.sleep(until: start + .milliseconds(index * 1000 / rate))
                group.addTask {
                    await tally.start()
                    return await Self.submit(index: index, block: blocks.block(of: index), runID: runID, urls: urls,
                                             authorization: keys[LoadGenerator.channel(of: index).rawValue] ?? "", client: client, giveUp: giveUp, tally: tally)
                }
            }
            var results: [Result] = []
            for await result in group { results.append(result) }
            return results
        }
        reporter.cancel()
        try? await client.shutdown()
        let lines = results.sorted { $0.channelRef < $1.channelRef }
            .map { "\($0.channelRef)\t\($0.outcome)\t\($0.ticketID)\t\($0.attempts)\t\($0.lastStatus)\n" }
        try Data(lines.joined().utf8).write(to: URL(fileURLWithPath: record))
        print("load done: \(await tally.line)")
    }

    /// One appeal, retried with the same `channel_ref` until an intake answers it for good.
    static func submit(index: Int, block: Int, runID: String, urls: [URL], authorization: String, client: HTTPClient, giveUp: Duration,
                       tally: Tally) async -> Result {
        let sample = SampleAppeals.all[index % SampleAppeals.all.count]
        let channelRef = "\(runID)-\(index)"
        let body = LoadGenerator.body(sample, channelRef: channelRef, index: index, block: block)
        let deadline = ContinuousClock.now + giveUp
        var attempt = 0
        var status = 0
        while true {
            // Another replica on each retry, as a load balancer would pick.
            var request = HTTPClientRequest(url: urls[(index + attempt) % urls.count].absoluteString)
            attempt += 1
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Authorization", value: authorization)
            request.body = .bytes(ByteBuffer(data: body))
            var retryAfter = Duration.milliseconds(min(2000, 250 * attempt))
            status = 0
            if let response = try? await client.execute(request, timeout: .seconds(10)),
               let data = try? await response.body.collect(upTo: 1 << 20) {
                status = Int(response.status.code)
                if status == 202, let json = try? JSONSerialization.jsonObject(with: Data(buffer: data)) as? [String: Any], let id = json["ticket_id"] as? String {
                    await tally.answer(status)
                    await tally.acknowledge()
                    return Result(channelRef: channelRef, outcome: Outcome.acknowledged.rawValue, ticketID: id.lowercased(), attempts: attempt, lastStatus: status)
                }
                // A 4xx other than 429 is final: the channel's appeal was wrong, not the system.
                if (400..<500).contains(status) && status != 429 {
                    await tally.answer(status)
                    return Result(channelRef: channelRef, outcome: Outcome.rejected.rawValue, ticketID: "", attempts: attempt, lastStatus: status)
                }
                if let seconds = response.headers.first(name: "Retry-After").flatMap(Int.init) { retryAfter = .seconds(min(seconds, 5)) }
            }
            await tally.answer(status)
            if ContinuousClock.now + retryAfter > deadline {
                return Result(channelRef: channelRef, outcome: Outcome.gaveUp.rawValue, ticketID: "", attempts: attempt, lastStatus: status)
            }
            try? await Task.sleep(for: retryAfter)
        }
    }
}
