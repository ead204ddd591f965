import ArgumentParser
import SubanCommand
import Foundation
import ServiceLifecycle
import SubanWorkers

/// The analytics role: daily figures from the events stream, and each day's hot issues at day close.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analytics",
                                                    abstract: "Count ticket events into daily figures; close each day's top-10 hot issues.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Consumers in this process (env ANALYTICS_WORKERS).") var workers: Int = Environment.int("ANALYTICS_WORKERS") ?? 1

    func run() async throws {
        let logger = options.logger(role: "analytics")
        let infrastructure = try options.infrastructure()
        let calendars = try await infrastructure.calendars(logger: logger)
        var services: [any Service] = (0..<max(1, workers)).map { _ in
            AnalyticsWorker(consumer: ConsumerName.make(role: "analytics"), redis: infrastructure.redis, postgres: infrastructure.postgres,
                            calendar: calendars, logger: logger)
        }
        services += [calendars, DayCloser(postgres: infrastructure.postgres, logger: logger)]
        try await options.runRole(services, infrastructure: infrastructure, logger: logger)
    }
}
