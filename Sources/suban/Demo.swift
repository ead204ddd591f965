import ArgumentParser
import Foundation
import Postgres
import SubanStore

/// A demo workload against a running fleet: submits realistic appeals with a
/// progress bar, waits until dispatch has placed them, and prints what happened.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Send a demo workload through a running system and summarise it.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Intake base URL.") var intake: String = "http://127.0.0.1:8080"
    @Option(help: "Appeals to send.") var count: Int = 200
    @Option(help: "Requests in flight.") var concurrency: Int = 16

    func run() async throws {
        _ = options.logger(role: "demo")
        let infrastructure = try options.infrastructure()
        let run = try await LoadRun.perform(redis: infrastructure.redis, intake: intake, count: count, concurrency: concurrency,
                                            runID: "demo-\(Int(Date().timeIntervalSince1970))", timeout: .seconds(60))
        let runID = run.runID
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
        await infrastructure.shutdown()
        if done < accepted.count { throw ExitCode(1) }
    }
}
