import ArgumentParser
import SubanStore

/// Department and operator API keys: create (the token is printed once) and revoke.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or revoke API keys for departments and operators.",
                                                    subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print its token (shown once).")
        @OptionGroup var options: CommonOptions
        @Option(help: "The department the key acts for, e.g. futian:urban-management.") var department: String?
        @Flag(help: "An operator key (triage, arbitration, callback visits) instead of a department key.") var `operator` = false
        @Option(help: "Who holds the key, e.g. a desk or a person; unique labels make revoking easy.") var label: String

        func validate() throws {
            guard (department != nil) != `operator` else { throw ValidationError("give exactly one of --department and --operator") }
        }

        func run() async throws {
            let (department, label) = (department, label)
            let token = try await options.withDatabase(role: "keys") { connection in
                if let department {
                    guard try !connection.query("SELECT 1 FROM departments WHERE code = $1", [department]).isEmpty else {
                        throw ValidationError("no department '\(department)'")
                    }
                }
                return try APIKeys.create(department: department, label: label, on: connection)
            }
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every live key with this label.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The label given at creation.") var label: String

        func run() async throws {
            let label = label
            let revoked = try await options.withDatabase(role: "keys") { try APIKeys.revoke(label: label, on: $0) }
            print("revoked \(revoked) key(s)")
        }
    }
}
