import ArgumentParser
import SubanCommand
import Foundation
import Hummingbird
import ServiceLifecycle
import SubanAPI
import SubanWorkers

/// The api role: the citizen view and rating, the departments' queues and actions, the operators' queues.
struct APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "api", abstract: "Serve the citizen, department and operator API.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Listen address (env HOST).") var host: String = Environment.string("HOST") ?? "127.0.0.1"
    @Option(help: "Listen port (env PORT).") var port: Int = Environment.int("PORT") ?? 8081
    @Option(help: "Seconds a department holds a ticket it took before it goes back to the queue (env LEASE_SECONDS).")
    var leaseSeconds: Int = Environment.int("LEASE_SECONDS") ?? 300
    @Option(help: "Refused keys a client may send before it gets 429, then one every 10 s (env API_REFUSED_KEY_BURST).")
    var refusedKeyBurst: Double = Double(Environment.string("API_REFUSED_KEY_BURST") ?? "") ?? FailedKeyLimiter.Configuration().burst
    @Option(help: "Comma-separated proxy addresses or networks (the gateway's) whose X-Forwarded-For names the client (env TRUSTED_PROXIES).")
    var trustedProxies: String = Environment.string("TRUSTED_PROXIES") ?? ""

    func run() async throws {
        let logger = options.logger(role: "api")
        var refused = FailedKeyLimiter.Configuration()
        refused.burst = refusedKeyBurst
        refused.trustedProxies = try AddressRange.list(trustedProxies)
        let infrastructure = try options.infrastructure()
        let calendars = try await infrastructure.calendars(logger: logger)
        var routes = APIRoutes.all(infrastructure.postgres, infrastructure.redis, publisher: infrastructure.publisher,
                                   calendars: calendars, lease: .seconds(leaseSeconds), logger: logger)
        routes.metrics = Observability.render
        routes.failedKeys = FailedKeyLimiter(configuration: refused)
        let app = buildApplication(routes, host: host, port: port, services: [calendars, OutboxRelay(publisher: infrastructure.publisher, logger: logger)],
                                   logger: logger)
        // Intake and api serve /metrics on their own port.
        try await options.runRole([app], infrastructure: infrastructure, logger: logger, servesMetrics: false)
    }
}
