import Foundation
import Hummingbird
import Logging
import Postgres
import Redis
import SubanAPI
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// `docs/openapi.json` stays true: every route the intake and api roles serve is
/// documented with the same method and path, nothing documented is missing, and
/// every operation documents its errors with the one JSON error body.
@Suite struct OpenAPIDocumentTests {
    static func documentedOperations() throws -> (operations: Set<String>, document: [String: Any]) {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations = Set<String>()
        for (path, methods) in paths {
            // Hummingbird describes a captured parameter as OpenAPI writes it: {name}.
            for method in methods.keys { operations.insert("\(method.uppercased()) \(path)") }
        }
        return (operations, document)
    }

    @Test func documentsExactlyTheRoutesTheRolesServe() throws {
        // Clients that never connect: building the router only registers routes.
        let postgres = PostgresClient(url: "postgresql://suban@127.0.0.1:1/suban", maxConnections: 1, threadPool: TestServers.threadPool)
        let redis = RedisClient(configuration: try RedisConfiguration(url: "redis://127.0.0.1:1"), threadPool: TestServers.threadPool)
        let logger = Logger(label: "openapi-test")
        let publisher = OutboxPublisher(redis: redis, postgres: postgres)
        var routes = APIRoutes.all(postgres, redis, publisher: publisher, calendars: CalendarSource(postgres: postgres, logger: logger),
                                   lease: .seconds(60), logger: logger)
        routes.intake = IntakeRoutes(batcher: IntakeBatcher(postgres: postgres, outbox: OutboxQueue(publisher: publisher, logger: logger), logger: logger),
                                     keys: ChannelKeys(postgres: postgres))
        routes.metrics = { "" }
        // The web console's pages are for browsers, not part of the API the document describes.
        let pages = Set(ConsoleRoutes.pagePaths)
        let served = Set(buildRouter(routes).routes.filter { !pages.contains("\($0.path)") }.map { "\($0.method) \($0.path)" })
        let (documented, _) = try Self.documentedOperations()
        #expect(served.subtracting(documented).isEmpty, "served, not documented: \(served.subtracting(documented).sorted())")
        #expect(documented.subtracting(served).isEmpty, "documented, not served: \(documented.subtracting(served).sorted())")
    }

    @Test func everyOperationDocumentsItsErrorsWithTheErrorBody() throws {
        let (_, document) = try Self.documentedOperations()
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, methods) in paths where path != "/health" && path != "/metrics" {
            for (method, operation) in methods {
                let responses = try #require(operation["responses"] as? [String: [String: Any]], "\(method) \(path)")
                let errors = responses.filter { $0.key.hasPrefix("4") || $0.key.hasPrefix("5") }
                #expect(!errors.isEmpty, "\(method) \(path) documents no error")
                for (status, response) in errors {
                    let schema = ((response["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: String]
                    #expect(schema?["$ref"] == "#/components/schemas/Error", "\(method) \(path) \(status)")
                }
            }
        }
    }
}
