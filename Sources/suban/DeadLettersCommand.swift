import ArgumentParser
import SubanCommand
import Foundation
import Redis
import SubanStore

/// The entries consumer groups gave up on (poison): list, inspect, and replay
/// them onto their stream once the cause is fixed. Replaying is safe: every
/// consumer records nothing twice.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters", abstract: "List, show and replay stream entries that failed on every delivery.",
        subcommands: [List.self, Show.self, Replay.self])

    /// Each dead-letter stream with the stream and group it came from.
    static let sources = StreamNames.consumed.map { (dead: StreamNames.deadLetters(of: $0.stream, group: $0.group), stream: $0.stream, group: $0.group) }

    static func withRedis<T: Sendable>(_ options: CommonOptions, _ body: (RedisClient) async throws -> T) async throws -> T {
        try await options.withInfrastructure(role: "dead-letters") { try await body($0.redis) }
    }

    /// The entry's own fields, without what burying it added.
    static func original(_ entry: StreamEntry) -> [(key: String, value: String)] {
        entry.fields.filter { !$0.key.hasPrefix("dead.") }.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count the dead letters of each group and show the newest.")
        @OptionGroup var options: CommonOptions
        @Option(help: "Entries shown per stream, newest first.") var limit = 20

        func run() async throws {
            let limit = limit
            try await DeadLettersCommand.withRedis(options) { redis in
                for source in DeadLettersCommand.sources {
                    let count = try await redis.streamLength(source.dead)
                    print("\(source.dead)  (\(source.group) on \(source.stream)): \(count)")
                    let reply = try await redis.send("XREVRANGE", source.dead, "+", "-", "COUNT", limit)
                    for entry in try (reply.array ?? []).compactMap(RedisClient.decodeEntry) {
                        let fields = DeadLettersCommand.original(entry).map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                        print("  \(entry.id)  from \(entry.fields["dead.source_id"] ?? "?") after \(entry.fields["dead.deliveries"] ?? "?") deliveries: "
                              + "\(entry.fields["dead.error"] ?? "?")\n      \(fields)")
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every field of one dead letter.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The dead letter's id, as list prints it.") var id: String

        func run() async throws {
            let id = id
            let found = try await DeadLettersCommand.withRedis(options) { redis -> Bool in
                for source in DeadLettersCommand.sources {
                    guard let entry = try await redis.entries(source.dead, from: id, to: id, count: 1).first else { continue }
                    print("stream \(source.dead)\nid \(entry.id)")
                    for (key, value) in entry.fields.sorted(by: { $0.key < $1.key }) { print("\(key): \(value)") }
                    return true
                }
                return false
            }
            guard found else { throw ValidationError("no dead letter \(id)") }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put dead letters back on the stream they came from, then remove them.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "Ids of the dead letters to replay.") var ids: [String] = []
        @Flag(help: "Replay every dead letter.") var all = false

        func validate() throws {
            guard ids.isEmpty == all else { throw ValidationError("give dead-letter ids or --all, not both or neither") }
        }

        func run() async throws {
            let (ids, all) = (ids, all)
            let replayed = try await DeadLettersCommand.withRedis(options) { redis -> Int in
                var replayed = 0
                for source in DeadLettersCommand.sources {
                    let entries = all ? try await redis.entries(source.dead)
                                      : try await ids.asyncCompactMap { try await redis.entries(source.dead, from: $0, to: $0, count: 1).first }
                    for entry in entries {
                        // Add first, delete second: a crash in between replays twice, which consumers tolerate; it never loses one.
                        let newID = try await redis.send(RedisClient.xaddCommand(source.stream, fields: DeadLettersCommand.original(entry))).string ?? "?"
                        try await redis.send("XDEL", source.dead, entry.id)
                        print("\(entry.id) → \(source.stream) \(newID)")
                        replayed += 1
                    }
                }
                return replayed
            }
            print("replayed \(replayed)")
            if !all && replayed < ids.count { throw ValidationError("\(ids.count - replayed) of the ids are not dead letters") }
        }
    }
}

extension Array {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var result: [T] = []
        for element in self { if let value = try await transform(element) { result.append(value) } }
        return result
    }
}
