import ArgumentParser
import SubanCommand
import Foundation
import Hummingbird
import ServiceLifecycle
import SubanAPI
import SubanData
import SubanWorkers

/// The intake role: the appeals endpoint, its group-commit batcher and an outbox relay.
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "intake", abstract: "Serve POST /v1/appeals and Open311; record tickets and queue them for dispatch.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Listen address (env HOST).") var host: String = Environment.string("HOST") ?? "127.0.0.1"
    @Option(help: "Listen port (env PORT).") var port: Int = Environment.int("PORT") ?? 8080
    @Option(help: "Appeals a second per client; 0 turns the limit off (env INTAKE_RATE_LIMIT).")
    var rateLimit: Double = Double(Environment.string("INTAKE_RATE_LIMIT") ?? "") ?? ClientRateLimiter.Configuration().rate
    @Option(help: "Appeals a client may send at once before the rate applies (env INTAKE_RATE_BURST).")
    var rateBurst: Double = Double(Environment.string("INTAKE_RATE_BURST") ?? "") ?? ClientRateLimiter.Configuration().burst
    @Option(help: "Comma-separated client addresses never limited (env INTAKE_RATE_EXEMPT).")
    var rateExempt: String = Environment.string("INTAKE_RATE_EXEMPT") ?? ClientRateLimiter.Configuration().exempt.sorted().joined(separator: ",")
    @Option(help: "Comma-separated proxy addresses or networks (the gateway's) whose X-Forwarded-For names the client; none by default (env TRUSTED_PROXIES).")
    var trustedProxies: String = Environment.string("TRUSTED_PROXIES") ?? ""
    @Option(help: "Where Open311 GeoReport v2 is served; empty: not at all (env OPEN311_ROOT).")
    var open311Root: String = Environment.string("OPEN311_ROOT") ?? Open311Routes.Configuration().root
    @Option(help: "The Open311 jurisdiction_id served (env OPEN311_JURISDICTION).")
    var open311Jurisdiction: String = Environment.string("OPEN311_JURISDICTION") ?? Open311Routes.Configuration().jurisdiction

    func validate() throws {
        guard open311Root.isEmpty || (open311Root.hasPrefix("/") && !open311Root.hasSuffix("/")) else {
            throw ValidationError("--open311-root must start with / and not end with one, e.g. /open311/v2")
        }
    }

    func run() async throws {
        let logger = options.logger(role: "intake")
        var limits = ClientRateLimiter.Configuration()
        limits.rate = rateLimit
        limits.burst = rateBurst
        limits.exempt = Set(rateExempt.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        limits.trustedProxies = try AddressRange.list(trustedProxies)
        let infrastructure = try options.infrastructure()
        var batcherConfiguration = IntakeBatcher.Configuration()
        batcherConfiguration.flushers = max(1, options.databasePoolSize / 2)
        let outbox = OutboxQueue(publisher: infrastructure.publisher, logger: logger)
        let batcher = IntakeBatcher(configuration: batcherConfiguration, postgres: infrastructure.postgres, outbox: outbox, logger: logger)
        let relay = OutboxRelay(publisher: infrastructure.publisher, logger: logger)
        let calendars = try await infrastructure.calendars(logger: logger)
        let intake = IntakeRoutes(batcher: batcher, keys: ChannelKeys(postgres: infrastructure.postgres), calendars: calendars,
                                  limiter: ClientRateLimiter(configuration: limits))
        var routes = RouteSet(intake: intake, citizen: CitizenRoutes(postgres: infrastructure.postgres))
        if !open311Root.isEmpty {
            routes.open311 = Open311Routes(configuration: .init(root: open311Root, jurisdiction: open311Jurisdiction), postgres: infrastructure.postgres,
                                           intake: intake, definition: ShippedData.open311)
        }
        routes.metrics = Observability.render
        // Shut down in reverse: HTTP first, then the batcher drains into the queue, then the queue drains to Redis.
        let app = buildApplication(routes, host: host, port: port, services: [calendars, relay, outbox, batcher], logger: logger)
        // Intake and api serve /metrics on their own port.
        try await options.runRole([app], infrastructure: infrastructure, logger: logger, servesMetrics: false)
    }
}
