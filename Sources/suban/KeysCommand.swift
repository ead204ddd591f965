import ArgumentParser
import SubanCommand
import Foundation
import SubanCore
import SubanStore

/// Department and operator API keys: create (the token is printed once), list and revoke.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Create, list or revoke API keys for departments, operators and channels.",
                                                    subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its token (shown once); its id goes to stderr.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The department the key acts for, e.g. futian:urban-management.") var department: String?
        @Flag(help: "An operator key (triage, arbitration, callback visits) instead of a department key.") var `operator` = false
        @Option(help: "A channel's key, e.g. open311: its client files appeals as that channel and does nothing else.") var channel: String?
        @Option(help: "Who holds the key, e.g. a desk or a person; unique labels make revoking easy.") var label: String
        @Option(help: "Days until the key stops working; none: until revoked.") var expiresInDays: Int?

        func validate() throws {
            guard [department != nil, `operator`, channel != nil].filter({ $0 }).count == 1 else {
                throw ValidationError("give exactly one of --department, --operator and --channel")
            }
            if let channel, Channel(rawValue: channel) == nil {
                throw ValidationError("no channel '\(channel)'; one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let expiresInDays, expiresInDays < 1 { throw ValidationError("--expires-in-days must be 1 or more") }
        }

        func run() async throws {
            let (department, label, channel) = (department, label, channel.flatMap(Channel.init(rawValue:)))
            let expiresAt = expiresInDays.map { Date().addingTimeInterval(Double($0) * 86_400) }
            let created = try await options.withDatabase(role: "keys") { connection in
                if let department {
                    guard try !connection.query("SELECT 1 FROM departments WHERE code = $1", [department]).isEmpty else {
                        throw ValidationError("no department '\(department)'")
                    }
                }
                if let channel { return try APIKeys.create(channel: channel, label: label, expiresAt: expiresAt, on: connection) }
                return try APIKeys.create(department: department, label: label, expiresAt: expiresAt, on: connection)
            }
            FileHandle.standardError.write(Data("key \(created.id)\(expiresAt.map { ", expires \($0.formatted(.iso8601))" } ?? ""); revoke with: suban keys revoke --id \(created.id)\n".utf8))
            print(created.token)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every key: id, role, department, label, dates (never a token).")
        @OptionGroup var options: CommonOptions

        func run() async throws {
            let keys = try await options.withDatabase(role: "keys") { try APIKeys.list(on: $0) }
            print(["id", "role", "unit or channel", "label", "created", "expires", "revoked"].joined(separator: "\t"))
            for key in keys {
                print([String(key.id), key.role, key.department ?? key.channel ?? "-", key.label, key.createdAt.formatted(.iso8601),
                       key.expiresAt?.formatted(.iso8601) ?? "-", key.revokedAt?.formatted(.iso8601) ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id, or every live key with a label.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The label given at creation.") var label: String?
        @Option(help: "The key's id (printed at creation, and by keys list).") var id: Int64?

        func validate() throws {
            guard (label != nil) != (id != nil) else { throw ValidationError("give exactly one of --label and --id") }
        }

        func run() async throws {
            let (label, id) = (label, id)
            let revoked = try await options.withDatabase(role: "keys") { connection in
                if let id { return try APIKeys.revoke(id: id, on: connection) ? 1 : 0 }
                return try APIKeys.revoke(label: label!, on: connection)
            }
            print("revoked \(revoked) key(s)")
            if revoked == 0, id != nil { throw ExitCode(1) }
        }
    }
}
