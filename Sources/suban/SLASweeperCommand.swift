import ArgumentParser
import SubanCommand
import ServiceLifecycle
import SubanCore
import SubanWorkers

/// The sla-sweeper role: warnings, overdue supervision and escalations; run as many replicas as you like.
struct SLASweeperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sla-sweeper", abstract: "Fire SLA warnings, overdue supervision and escalations.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Seconds between sweeps (env SLA_INTERVAL).") var interval: Double = Double(Environment.string("SLA_INTERVAL") ?? "") ?? 5
    @Option(help: "Share of the time after which a warning goes out (env SLA_WARNING_SHARE).")
    var warningShare: Double = Double(Environment.string("SLA_WARNING_SHARE") ?? "") ?? 0.75
    @Option(help: "Hours after the deadline an open clock escalates (env SLA_ESCALATE_HOURS).")
    var escalateHours: Double = Double(Environment.string("SLA_ESCALATE_HOURS") ?? "") ?? 24

    func validate() throws {
        guard (0...1).contains(warningShare) else { throw ValidationError("--warning-share is a fraction from 0 to 1") }
        guard interval > 0, escalateHours >= 0 else { throw ValidationError("--interval must be positive and --escalate-hours not negative") }
    }

    func run() async throws {
        let logger = options.logger(role: "sla-sweeper")
        let infrastructure = try options.infrastructure()
        var configuration = SLASweeper.Configuration()
        configuration.interval = .milliseconds(Int(interval * 1000))
        configuration.policy = SweepPolicy(warningShare: warningShare, escalateAfter: escalateHours * 3600)
        let sweeper = SLASweeper(configuration: configuration, postgres: infrastructure.postgres, publisher: infrastructure.publisher, logger: logger)
        try await options.runRole([sweeper], infrastructure: infrastructure, logger: logger)
    }
}
