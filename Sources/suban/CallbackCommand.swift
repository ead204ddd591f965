import ArgumentParser
import SubanCommand
import Foundation
import ServiceLifecycle
import SubanStore
import SubanWorkers

/// The callback role: evaluation requests and callback visits, SMS and signed webhooks.
struct CallbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "callback", abstract: "Tell citizens and channels of ticket events; request evaluations.")

    @OptionGroup var options: CommonOptions
    @Option(help: "SMS gateway endpoint that takes POST {to, text, tracking_code} (env SMS_GATEWAY_URL); none: SMS are not sent.")
    var smsGateway: String = Environment.string("SMS_GATEWAY_URL") ?? ""
    @Option(help: "Channel webhooks, channel=url|secret,... (env CALLBACK_WEBHOOKS).")
    var webhooks: String = Environment.string("CALLBACK_WEBHOOKS") ?? ""
    @Flag(help: "Allow plain-http webhooks outside loopback: a development sink only (env CALLBACK_ALLOW_HTTP=1).")
    var allowHTTP = Environment.string("CALLBACK_ALLOW_HTTP") == "1"
    @Option(help: "Attempts before a message goes to the dead-letter stream (env CALLBACK_MAX_ATTEMPTS).")
    var maxAttempts: Int = Environment.int("CALLBACK_MAX_ATTEMPTS") ?? 6
    @Option(help: "Seconds before the first retry; each later retry waits twice as long (env CALLBACK_RETRY_BASE).")
    var retryBase: Double = Double(Environment.string("CALLBACK_RETRY_BASE") ?? "") ?? 2
    @Option(help: "SMS to one number in 24 hours; more are kept unsent as 'capped' (env SMS_DAILY_CAP).")
    var smsDailyCap: Int = Environment.int("SMS_DAILY_CAP") ?? NotificationStore.defaultSMSDailyCap

    func run() async throws {
        let logger = options.logger(role: "callback")
        let targets = try WebhookTarget.parse(webhooks, allowPlainHTTP: allowHTTP)
        var gateway: URL?
        if !smsGateway.isEmpty {
            guard let url = URL(string: smsGateway), url.scheme?.hasPrefix("http") == true else { throw ValidationError("--sms-gateway must be an http(s) URL") }
            gateway = url
        }
        let infrastructure = try options.infrastructure()
        var sender = NotificationSender.Configuration(smsGateway: gateway)
        sender.webhooks = targets
        sender.maxAttempts = max(1, maxAttempts)
        sender.retryBase = .milliseconds(Int(retryBase * 1000))
        let services: [any Service] = [
            CallbackWorker(consumer: ConsumerName.make(role: "callback"), redis: infrastructure.redis, postgres: infrastructure.postgres,
                           publisher: infrastructure.publisher, webhookChannels: Set(targets.keys), smsDailyCap: max(0, smsDailyCap), logger: logger),
            NotificationSender(configuration: sender, postgres: infrastructure.postgres, redis: infrastructure.redis, logger: logger),
            OutboxRelay(publisher: infrastructure.publisher, logger: logger),
        ]
        try await options.runRole(services, infrastructure: infrastructure, logger: logger)
    }
}
