import ArgumentParser
import SubanCommand
import BlockingIO
import Foundation
import Histogram

/// The pipeline benchmark: N appeals over HTTP into intake, timed until each is
/// on its department queues (its `dispatched` event), against a running fleet.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure tickets per second and submit-to-queue latency end to end.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Intake base URL.") var intake: String = "http://127.0.0.1:8080"
    @Option(help: "Appeals to send.") var count: Int = 5000
    @Option(help: "Requests in flight (closed loop).") var concurrency: Int = 64
    @Option(help: ArgumentHelp("Offer appeals at this rate a second instead (open loop): each is sent when due, whatever the answers, and timed from then.",
                               valueName: "per-second"))
    var rate: Double?
    @Flag(help: "Only submit: leave the tickets on the stream for dispatch (a backlog to time dispatch alone).")
    var noWait = false
    @Flag(help: "Also measure this machine's Redis XADD and PostgreSQL insert ceilings, and give our figure as a share of them.")
    var ceilings = false

    var pace: LoadGenerator.Pace { rate.map(LoadGenerator.Pace.perSecond) ?? .inFlight(concurrency) }

    func validate() throws {
        if let rate, !(rate > 0 && rate <= 100_000) { throw ValidationError("--rate must be between 0 and 100000 appeals a second, not \(rate)") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        _ = options.logger(role: "bench")
        let infrastructure = try options.infrastructure()
        let machine = ceilings ? try await MachineCeilings.measure(redis: infrastructure.redis, postgres: infrastructure.postgres) : nil
        let keys = try await LoadGenerator.keys(postgres: infrastructure.postgres, label: "bench-\(UUID().uuidString.prefix(8))")
        if noWait {
            guard let url = URL(string: intake), url.scheme != nil else { throw ValidationError("--intake must be a URL, not '\(intake)'") }
            let bar = ProgressBar(total: count, label: "submitting ")
            let start = ContinuousClock.now
            let submissions = await LoadGenerator(intakeURL: url, pace: pace, keys: keys).run(count: count, runID: "backlog-\(UUID().uuidString.prefix(8))") { bar.draw($0) }
            let accepted = submissions.filter { $0.status == 202 }.count
            print("backlog: \(accepted) of \(count) acknowledged in \(String(format: "%.2f", (ContinuousClock.now - start).seconds)) s")
            await infrastructure.shutdown()
            if accepted < count { throw ExitCode(1) }
            return
        }
        let cpuBefore = Self.cpuSeconds
        let run = try await LoadRun.perform(redis: infrastructure.redis, intake: intake, keys: keys, count: count, pace: pace,
                                            runID: "bench-\(UUID().uuidString.prefix(8))", timeout: .seconds(120))
        let (start, submitted, accepted, completed) = (run.started, run.submitted, run.accepted, run.completed)

        var acknowledge = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var endToEnd = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var last = submitted
        for submission in accepted {
            _ = acknowledge.record(UInt64(max(0, (submission.answeredAt - submission.submittedAt).wholeMicroseconds)))
            if let done = completed[submission.ticketID!] {
                _ = endToEnd.record(UInt64(max(0, (done.at - submission.submittedAt).wholeMicroseconds)))
                last = max(last, done.at)
            }
        }
        let seconds = (last - start).seconds
        print("""

            appeals sent       \(count) (\(paceDescription)), accepted \(accepted.count), on queues \(endToEnd.totalCount)
            submit phase       \(String(format: "%.2f", (submitted - start).seconds)) s, \(String(format: "%.0f", Double(accepted.count) / (submitted - start).seconds)) appeals/s acknowledged
            end to end         \(String(format: "%.2f", seconds)) s, \(String(format: "%.0f", Double(endToEnd.totalCount) / seconds)) tickets/s
            202 latency  ms    p50 \(Self.ms(acknowledge, 50))  p99 \(Self.ms(acknowledge, 99))  p99.9 \(Self.ms(acknowledge, 99.9))
            on-queue latency ms p50 \(Self.ms(endToEnd, 50))  p99 \(Self.ms(endToEnd, 99))  p99.9 \(Self.ms(endToEnd, 99.9))
            load generator     \(String(format: "%.2f", (Self.cpuSeconds - cpuBefore) * 1000 / Double(count))) ms CPU an appeal (its share of the machine)
            """)
        if let machine {
            // Each ticket costs about 6 stream entries (new ticket, events, unit queues) and about 12 row writes (ticket, contact, timeline, clocks, assignments, the dispatch update; the outbox writes a row a batch).
            let rate = Double(endToEnd.totalCount) / seconds
            print("""
                machine ceilings   Redis XADD pipelined \(String(format: "%.0f", machine.xaddPerSecond))/s, PostgreSQL 100-row inserts \(String(format: "%.0f", machine.insertRowsPerSecond)) rows/s
                our share          \(String(format: "%.2f", rate / machine.xaddPerSecond * 100))% of the XADD ceiling in tickets (\(String(format: "%.1f", rate * 6 / machine.xaddPerSecond * 100))% in entries), \(String(format: "%.2f", rate / machine.insertRowsPerSecond * 100))% of the insert ceiling in tickets (\(String(format: "%.1f", rate * 12 / machine.insertRowsPerSecond * 100))% in row writes)
                """)
        }
        await infrastructure.shutdown()
        if endToEnd.totalCount < UInt64(accepted.count) || accepted.count < count { throw ExitCode(1) }
    }

    /// CPU time this process has used, user and system.
    static var cpuSeconds: Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }

    var paceDescription: String {
        switch pace {
        case .inFlight(let n): "\(n) in flight"
        case .perSecond(let rate): "open loop, \(String(format: "%.0f", rate)) offered a second"
        }
    }

    static func ms(_ histogram: Histogram<UInt64>, _ percentile: Double) -> String {
        String(format: "%.1f", Double(histogram.valueAtPercentile(percentile)) / 1000)
    }
}
