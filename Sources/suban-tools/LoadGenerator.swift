import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import SubanCore
import Postgres
import SubanStore

/// Sends appeals to an intake endpoint, as demo and bench do, over AsyncHTTPClient's
/// keep-alive connections (cheap enough to offer thousands a second from the same 2 cores).
struct LoadGenerator {
    /// How requests are paced.
    enum Pace: Sendable {
        /// Closed loop: this many in flight; the next is sent when one is answered.
        case inFlight(Int)
        /// Open loop: this many a second whatever the answers. Each is timed from when it was
        /// due, not when it went out, so a server that stalls is charged for the queue it causes.
        case perSecond(Double)
    }

    struct Submission: Sendable {
        var channelRef: String
        var ticketID: String?
        var trackingCode: String?
        var status: Int
        /// When it was sent (closed loop) or due (open loop).
        var submittedAt: ContinuousClock.Instant
        var answeredAt: ContinuousClock.Instant
    }

    let appealsURL: String
    let pace: Pace
    /// The `Authorization` header of each channel's key (`ChannelKeysForLoad`).
    let authorizations: [String: String]

    init(intakeURL: URL, pace: Pace, keys: [String: String]) {
        appealsURL = intakeURL.appendingPathComponent("v1/appeals").absoluteString
        self.pace = pace
        authorizations = keys.mapValues { "Bearer \($0)" }
    }

    /// The channels generated appeals come from, in turn.
    static let channels: [SubanCore.Channel] = [.hotline, .miniProgram, .app, .web]

    static func channel(of index: Int) -> SubanCore.Channel { channels[index % channels.count] }

    /// A key for each channel the generator files for, made in the fleet's database and expiring in a day:
    /// intake takes appeals only with a channel's key.
    static func keys(postgres: PostgresClient, label: String) async throws -> [String: String] {
        try await postgres.withConnection { connection in
            let expiry = Date().addingTimeInterval(86_400)
            return Dictionary(uniqueKeysWithValues: try channels.map {
                ($0.rawValue, try APIKeys.create(channel: $0, label: "\(label)-\($0.rawValue)", expiresAt: expiry, on: connection).token)
            })
        }
    }

    var blocks = AppealBlocks()

    /// Every generated citizen's number starts so: what the chaos check looks for where no number may be.
    static let phonePrefix = "1380013"

    static func body(_ sample: SampleAppeals.Sample, channelRef: String, index: Int, block: Int) -> Data {
        var location: [String: Any] = [:]
        if let district = sample.district { location["district"] = district }
        location["address"] = (sample.address ?? "深圳市") + "\(block)号楼"
        let phone = phonePrefix + String(format: "%04d", index % 10_000)
        let contact: [String: Any] = index % 5 == 0 ? ["anonymous": true] : ["phone": phone, "anonymous": false]
        var object: [String: Any] = ["channel": channel(of: index).rawValue, "channel_ref": channelRef, "type": sample.type]
        object["urgent"] = sample.urgent
        object["text"] = sample.text
        object["location"] = location
        object["contact"] = contact
        return try! JSONSerialization.data(withJSONObject: object)
    }

    /// Submits `count` appeals; `progress` is called with the number answered (closed loop) or sent (open loop) so far.
    func run(count: Int, runID: String, progress: @escaping @Sendable (Int) -> Void) async -> [Submission] {
        // Bodies are written before the clock starts: the generator's own work stays out of the figures.
        let bodies = (0..<count).map { index in
            ByteBuffer(data: Self.body(SampleAppeals.all[index % SampleAppeals.all.count], channelRef: "\(runID)-\(index)",
                                       index: index, block: blocks.block(of: index)))
        }
        var configuration = HTTPClient.Configuration()
        let connections = switch pace { case .inFlight(let n): n; case .perSecond: 512 }
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let results = await withTaskGroup(of: Submission.self) { group in
            var results: [Submission] = []
            results.reserveCapacity(count)
            var next = 0
            func launch(due: ContinuousClock.Instant) {
                let (index, url) = (next, appealsURL)
                let authorization = authorizations[Self.channel(of: index).rawValue] ?? ""
                next += 1
                group.addTask { await Self.submit(bodies[index], channelRef: "\(runID)-\(index)", to: url, authorization: authorization, due: due, client: client) }
            }
            switch pace {
            case .inFlight(let concurrency):
                while next < min(concurrency, count) { launch(due: .now) }
                for await result in group {
                    results.append(result)
                    progress(results.count)
                    if next < count { launch(due: .now) }
                }
            case .perSecond(let rate):
                let start = ContinuousClock.now
                func due(_ index: Int) -> ContinuousClock.Instant { start + .seconds(Double(index) / rate) }
                while next < count {
                    let now = ContinuousClock.now
                    while next < count, due(next) <= now { launch(due: due(next)) }
                    progress(next)
                    if next < count { try? await Task.sleep(until: min(due(next), now + .milliseconds(1))) }
                }
                for await result in group { results.append(result) }
            }
            return results
        }
        try? await client.shutdown()
        return results
    }

    static func submit(_ body: ByteBuffer, channelRef: String, to url: String, authorization: String, due: ContinuousClock.Instant,
                       client: HTTPClient) async -> Submission {
        var submission = Submission(channelRef: channelRef, status: 0, submittedAt: due, answeredAt: due)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: authorization)
        request.body = .bytes(body)
        if let response = try? await client.execute(request, timeout: .seconds(30)) {
            submission.status = Int(response.status.code)
            // The project's own JSON reader: Foundation's costs the generator CPU the fleet shares.
            if let answer = try? await response.body.collect(upTo: 1 << 20),
               case .object(let json)? = try? JSONValue.parse(answer.readableBytesView) {
                if case .string(let id) = json["ticket_id"] { submission.ticketID = id.lowercased() }
                if case .string(let code) = json["tracking_code"] { submission.trackingCode = code }
            }
        }
        submission.answeredAt = .now
        return submission
    }
}

/// Which block ("N号楼") each appeal of a run names.
struct AppealBlocks {
    /// Every `reportAgainEvery`-th appeal repeats an earlier one's words and block, as a
    /// second citizen reporting the same incident would; the others name a block of their own.
    var reportAgainEvery: Int?
    /// Blocks of this run, apart from an earlier run's still-open tickets (which its reports would join).
    let firstBlock = Int.random(in: 1...9_999) * 100_000

    /// The block an appeal names: its own, or the earlier appeal's with the same sample it reports again.
    func block(of index: Int) -> Int {
        if let every = reportAgainEvery, index % every == every - 1, index >= SampleAppeals.all.count { return block(of: index - SampleAppeals.all.count) }
        return firstBlock + index + 1
    }
}

/// A one-line progress bar on stderr: redrawn in place on a terminal, one line
/// per 10% otherwise (logs, CI), and only when the figure shown changes.
final class ProgressBar: @unchecked Sendable {
    let total: Int
    let label: String
    private let interactive = isatty(STDERR_FILENO) == 1
    private var shown = -1
    private let lock = NSLock()

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    func draw(_ done: Int) {
        let percent = total == 0 ? 100 : done * 100 / total
        lock.lock()
        defer { lock.unlock() }
        let step = interactive ? percent : percent / 10 * 10
        guard step != shown else { return }
        shown = step
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\(label) \(bar) \(done)/\(total)"
        FileHandle.standardError.write(Data((interactive ? "\r\(line)" + (percent >= 100 ? "\n" : "") : line + "\n").utf8))
    }
}
