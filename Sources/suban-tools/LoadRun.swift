import ArgumentParser
import Foundation
import Redis

/// One run of appeals through a live fleet, as `demo` and `bench` make it:
/// watch the events stream, submit with a progress bar, then wait (with a
/// second bar) until dispatch has placed every accepted ticket.
struct LoadRun {
    var runID: String
    var submissions: [LoadGenerator.Submission]
    var completed: [String: (event: String, at: ContinuousClock.Instant)]
    var started: ContinuousClock.Instant
    var submitted: ContinuousClock.Instant

    var accepted: [LoadGenerator.Submission] { submissions.filter { $0.status == 202 && $0.ticketID != nil } }
    var placedCount: Int { accepted.filter { completed[$0.ticketID!] != nil }.count }

    static func perform(redis: RedisClient, intake: String, keys: [String: String], count: Int, pace: LoadGenerator.Pace, runID: String,
                        timeout: Duration, reportAgainEvery: Int? = nil) async throws -> LoadRun {
        guard let url = URL(string: intake), url.scheme != nil else { throw ValidationError("--intake must be a URL, not '\(intake)'") }
        let watcher = try await DispatchWatcher(redis: redis)
        let following = Task { try await watcher.follow() }
        defer { following.cancel() }
        let bar = ProgressBar(total: count, label: "submitting ")
        let started = ContinuousClock.now
        var generator = LoadGenerator(intakeURL: url, pace: pace, keys: keys)
        generator.blocks.reportAgainEvery = reportAgainEvery
        let submissions = await generator.run(count: count, runID: runID) { bar.draw($0) }
        let submitted = ContinuousClock.now
        let tickets = Set(submissions.compactMap { $0.status == 202 ? $0.ticketID : nil })
        _ = try await DispatchWatcher.wait(watcher, for: tickets, timeout: timeout, progress: ProgressBar(total: tickets.count, label: "dispatching"))
        return LoadRun(runID: runID, submissions: submissions, completed: await watcher.completed, started: started, submitted: submitted)
    }
}
