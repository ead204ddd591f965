import ArgumentParser
import SubanCommand
import ServiceLifecycle
import SubanWorkers

/// The dispatch role: `--workers` consumers in the dispatch group, plus an outbox relay.
struct DispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dispatch", abstract: "Classify and route new tickets onto department queues.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Consumers in this process (env DISPATCH_WORKERS).") var workers: Int = Environment.int("DISPATCH_WORKERS") ?? 1
    @Option(help: "Seconds a pending entry must idle before another consumer takes it over (env DISPATCH_CLAIM_IDLE).")
    var claimIdle: Int = Environment.int("DISPATCH_CLAIM_IDLE") ?? 30

    func run() async throws {
        limitMallocArenas()
        let logger = options.logger(role: "dispatch")
        let infrastructure = try options.infrastructure()
        var services: [any Service] = (0..<max(1, workers)).map { _ in
            var configuration = DispatchWorker.Configuration(consumer: ConsumerName.make(role: "dispatch"))
            configuration.consumer.claimIdle = .seconds(claimIdle)
            return DispatchWorker(configuration: configuration, redis: infrastructure.redis, postgres: infrastructure.postgres,
                                  publisher: infrastructure.publisher, logger: logger)
        }
        services.append(OutboxRelay(publisher: infrastructure.publisher, logger: logger))
        try await options.runRole(services, infrastructure: infrastructure, logger: logger)
    }
}
