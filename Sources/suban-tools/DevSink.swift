import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// A stand-in SMS gateway and webhook receiver for development: logs every POST it gets as one JSON line.
struct DevSink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dev-sink",
                                                    abstract: "Receive SMS-gateway and webhook posts locally and print them (development only).")

    @Option(help: "Listen address.") var host = "127.0.0.1"
    @Option(help: "Listen port.") var port = 8099

    func run() async throws {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let line = "\(Date().formatted(.iso8601)) \(request.uri.path) key=\(request.headers[HTTPField.Name("Idempotency-Key")!] ?? "-") "
                + String(buffer: body)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            return Response(status: .ok)
        }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "suban-dev-sink"))
        try await app.runService()
    }
}
