import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends appeals to an intake endpoint with bounded concurrency, as demo and bench do.
struct LoadGenerator {
    struct Submission: Sendable {
        var channelRef: String
        var ticketID: String?
        var trackingCode: String?
        var status: Int
        var submittedAt: ContinuousClock.Instant
        var answeredAt: ContinuousClock.Instant
    }

    let intakeURL: URL
    let concurrency: Int
    let session: URLSession

    init(intakeURL: URL, concurrency: Int) {
        self.intakeURL = intakeURL.appendingPathComponent("v1/appeals")
        self.concurrency = concurrency
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = concurrency
        configuration.timeoutIntervalForRequest = 30
        session = URLSession(configuration: configuration)
    }

    var blocks = AppealBlocks()

    /// Every generated citizen's number starts so: what the chaos check looks for where no number may be.
    static let phonePrefix = "1380013"

    static func body(_ sample: SampleAppeals.Sample, channelRef: String, index: Int, block: Int) -> Data {
        var location: [String: Any] = [:]
        if let district = sample.district { location["district"] = district }
        location["address"] = (sample.address ?? "深圳市") + "\(block)号楼"
        let channels = ["hotline", "mini-program", "app", "web"]
        let phone = phonePrefix + String(format: "%04d", index % 10_000)
        let contact: [String: Any] = index % 5 == 0 ? ["anonymous": true] : ["phone": phone, "anonymous": false]
        var object: [String: Any] = ["channel": channels[index % channels.count], "channel_ref": channelRef, "type": sample.type]
        object["urgent"] = sample.urgent
        object["text"] = sample.text
        object["location"] = location
        object["contact"] = contact
        return try! JSONSerialization.data(withJSONObject: object)
    }

    /// Submits `count` appeals; `progress` is called after each answer with the number answered so far.
    func run(count: Int, runID: String, progress: @escaping @Sendable (Int) -> Void) async -> [Submission] {
        await withTaskGroup(of: Submission.self) { group in
            var results: [Submission] = []
            results.reserveCapacity(count)
            var next = 0
            func launch(_ index: Int) {
                let sample = SampleAppeals.all[index % SampleAppeals.all.count]
                let channelRef = "\(runID)-\(index)"
                var request = URLRequest(url: intakeURL)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Self.body(sample, channelRef: channelRef, index: index, block: blocks.block(of: index))
                group.addTask { [session] in
                    let start = ContinuousClock.now
                    var submission = Submission(channelRef: channelRef, status: 0, submittedAt: start, answeredAt: start)
                    if let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse {
                        submission.status = http.statusCode
                        if let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                            submission.ticketID = (json["ticket_id"] as? String)?.lowercased()
                            submission.trackingCode = json["tracking_code"] as? String
                        }
                    }
                    submission.answeredAt = .now
                    return submission
                }
            }
            while next < min(concurrency, count) { launch(next); next += 1 }
            for await result in group {
                results.append(result)
                progress(results.count)
                if next < count { launch(next); next += 1 }
            }
            return results
        }
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
