import ArgumentParser
import SubanCommand
import Foundation
import SubanWorkers

/// `suban status`: streams and consumer groups, dead letters, the outbox, open
/// tickets and deadlines of a running fleet, as a table or as JSON.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each stream's length, lag and pending entries, consumers, dead letters, the outbox and deadlines near or past.")

    @OptionGroup var options: CommonOptions
    @Flag(help: "Print JSON instead of tables.") var json = false

    func run() async throws {
        let status = try await options.withInfrastructure(role: "status") { try await FleetStatus.collect(redis: $0.redis, postgres: $0.postgres) }
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print(status.rendered)
        }
    }
}
