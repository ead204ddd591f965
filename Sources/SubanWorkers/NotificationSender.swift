import AsyncHTTPClient
import BlockingIO
import Crypto
import Foundation
import Logging
import NIOCore
import Postgres
import Redis
import ServiceLifecycle
import SubanCore
import SubanStore

/// Where a channel wants its webhooks, and the secret that signs them.
public struct WebhookTarget: Sendable, Hashable {
    public var url: URL
    public var secret: String

    public init(url: URL, secret: String) {
        self.url = url
        self.secret = secret
    }

    /// `CALLBACK_WEBHOOKS`: `channel=url|secret` pairs separated by commas. A webhook carries
    /// tracking codes and rating tokens, so it goes over https; plain http only to loopback, or
    /// anywhere with `allowPlainHTTP` (a development sink on a private network).
    public static func parse(_ text: String, allowPlainHTTP: Bool = false) throws -> [String: WebhookTarget] {
        var targets: [String: WebhookTarget] = [:]
        for pair in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
            guard let equals = pair.firstIndex(of: "="), let bar = pair.lastIndex(of: "|"), equals < bar,
                  let url = URL(string: String(pair[pair.index(after: equals)..<bar])), let scheme = url.scheme, ["http", "https"].contains(scheme) else {
                throw ConfigurationError("webhook '\(pair)' is not channel=http(s)://url|secret")
            }
            guard scheme == "https" || allowPlainHTTP || ["127.0.0.1", "localhost", "::1", "[::1]"].contains(url.host ?? "") else {
                throw ConfigurationError("webhook '\(pair[..<equals])' must use https outside loopback (CALLBACK_ALLOW_HTTP=1 allows a development sink)")
            }
            targets[String(pair[..<equals])] = WebhookTarget(url: url, secret: String(pair[pair.index(after: bar)...]))
        }
        return targets
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Delivers stored notifications: SMS through the gateway adapter (an HTTP POST
/// to the configured endpoint) and HMAC-signed webhooks to channels.
///
/// 1. Claim due rows (a lease, `SKIP LOCKED`), send them concurrently, each with
///    an `Idempotency-Key` so a gateway drops a resend after a crash.
/// 2. A 2xx marks the row sent. Anything else retries with exponential back-off;
///    after `maxAttempts` the row is dead and its error goes to the dead-letter stream.
public struct NotificationSender: Service {
    public struct Configuration: Sendable {
        public var smsGateway: URL?
        public var webhooks: [String: WebhookTarget] = [:]
        public var maxAttempts = 6
        public var retryBase: Duration = .seconds(2)
        public var retryCap: Duration = .seconds(3600)
        public var interval: Duration = .milliseconds(500)
        public var batchSize = 50
        public var timeout: Duration = .seconds(10)

        public init(smsGateway: URL?) {
            self.smsGateway = smsGateway
        }
    }

    let configuration: Configuration
    let postgres: PostgresClient
    let redis: RedisClient
    let client: HTTPClient
    let logger: Logger

    public init(configuration: Configuration, postgres: PostgresClient, redis: RedisClient, logger: Logger) {
        self.configuration = configuration
        self.postgres = postgres
        self.redis = redis
        self.client = .shared
        self.logger = logger
    }

    public func run() async throws {
        await PollingLoop(interval: configuration.interval, name: "notification send", logger: logger).run {
            try await sendOnce() == configuration.batchSize
        }
    }

    /// One pass; returns how many rows it attempted.
    @discardableResult
    public func sendOnce() async throws -> Int {
        let (limit, lease) = (configuration.batchSize, configuration.timeout * 3)
        let due = try await postgres.withConnection { try NotificationStore.claimDue(limit: limit, lease: lease, on: $0) }
        let sent = await withTaskGroup(of: Int64?.self) { group in
            for message in due {
                group.addTask { await deliver(message) ? message.id : nil }
            }
            return await group.reduce(into: [Int64]()) { sent, id in if let id { sent.append(id) } }
        }
        // Marked in one statement, not one commit a message. Unmarked, their claims lapse and
        // they go again under the same dedupe keys, which gateways and webhooks use to drop repeats.
        do {
            try await postgres.withConnection { try NotificationStore.markSent(sent, on: $0) }
        } catch {
            logger.warning("sent notifications not recorded", metadata: ["notifications": "\(sent.count)", "error": "\(error)"])
        }
        return due.count
    }

    /// Sends one message and records a failure; true when it was sent (the caller records those together).
    func deliver(_ message: NotificationStore.Outgoing) async -> Bool {
        let failure: String?
        do {
            failure = try await send(message)
        } catch let error as HTTPClientError {
            failure = "network error: \(error)"
        } catch {
            failure = "\(error)"
        }
        do {
            if let failure {
                let dead = message.attempts >= configuration.maxAttempts
                let delay = Backoff(initial: configuration.retryBase, maximum: configuration.retryCap).ceiling(afterFailures: message.attempts)
                let retryAt = dead ? nil : Date().addingTimeInterval(delay.seconds)
                try await postgres.withConnection { try NotificationStore.markFailed(message.id, error: failure, retryAt: retryAt, on: $0) }
                StageMetrics.notification(message.transport.rawValue, dead ? "dead" : "retry").increment()
                logger.warning("notification failed", metadata: ["notification": "\(message.id)", "ticket": "\(message.ticketID.postgresText)",
                                                                 "attempt": "\(message.attempts)",
                                                                 "error": "\(failure)", "dead": "\(dead)"])
                if dead { try await deadLetter(message, error: failure) }
                return false
            }
            StageMetrics.notification(message.transport.rawValue, "sent").increment()
            return true
        } catch {
            // The claim lapses and another pass retries the row.
            logger.warning("notification outcome not recorded", metadata: ["notification": "\(message.id)", "error": "\(error)"])
            return false
        }
    }

    /// Sends one message; nil on success, else why it failed.
    func send(_ message: NotificationStore.Outgoing) async throws -> String? {
        let url: URL
        var request = HTTPClientRequest(url: "")
        let body: String
        switch message.transport {
        case .sms:
            guard let gateway = configuration.smsGateway else { return "no SMS gateway configured" }
            guard let phone = message.phone else { return "the citizen left no number" }
            guard case .object(var fields) = try JSONValue.parse(message.payload.utf8) else { return "payload is not an object" }
            fields["to"] = .string(phone)
            body = JSONValue.object(fields).serialized
            url = gateway
        case .webhook:
            let channel = String(message.recipient.dropFirst("channel:".count))
            guard let target = configuration.webhooks[channel] else { return "no webhook configured for channel \(channel)" }
            body = message.payload
            url = target.url
            let timestamp = String(Int(Date().timeIntervalSince1970))
            request.headers.add(name: "X-Suban-Timestamp", value: timestamp)
            request.headers.add(name: "X-Suban-Signature",
                                value: "sha256=" + Self.signature(secret: target.secret, timestamp: timestamp, idempotencyKey: Self.idempotencyKey(message), body: Data(body.utf8)))
        }
        request.url = url.absoluteString
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: Self.idempotencyKey(message))
        let response = try await client.execute(request, timeout: .init(configuration.timeout))
        // Drained, so the connection goes back to the pool; what a gateway answers is not read.
        _ = try await response.body.collect(upTo: 1 << 20)
        return (200..<300).contains(Int(response.status.code)) ? nil : "HTTP \(response.status.code)"
    }

    /// One key a message, however often it is retried: receivers drop a key they have seen.
    static func idempotencyKey(_ message: NotificationStore.Outgoing) -> String { "suban-\(message.id)" }

    /// HMAC-SHA256 of "timestamp.idempotency-key.body" in hex: receivers recompute it, reject
    /// stale timestamps and drop keys they have seen. The key is signed so that a captured
    /// request replayed under another key fails the check.
    public static func signature(secret: String, timestamp: String, idempotencyKey: String, body: Data) -> String {
        var signed = Data("\(timestamp).\(idempotencyKey).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    func deadLetter(_ message: NotificationStore.Outgoing, error: String) async throws {
        _ = try await redis.xadd(StreamNames.callbackDeadLetters, fields: [
            "notification": String(message.id), "ticket": message.ticketID.uuidString.lowercased(), "transport": message.transport.rawValue,
            "recipient": message.recipient, "attempts": String(message.attempts), "error": error,
        ], maxLength: 100_000)
    }
}
