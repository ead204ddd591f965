import BlockingIO
import Foundation
import Postgres
import SubanStore
import Synchronization
import SubanTestSupport
import Testing

/// Two dispatchers deciding reports of one incident at once must not both make a
/// parent: the second waits on the scope's lock until the first has committed.
@Suite("Duplicate scope locks") struct DuplicateScopeLockTests {
    final class Flags: Sendable {
        let raised = Mutex<Set<String>>([])
        func set(_ flag: String) { raised.withLock { _ = $0.insert(flag) } }
        func isSet(_ flag: String) -> Bool { raised.withLock { $0.contains(flag) } }
    }

    /// Threads of its own: the test measures waits on locks, not on the shared pool.
    static let threadPool = BlockingThreadPool.make(threads: 10)

    @Test func aSecondTransactionOnAnOverlappingScopeWaitsForTheFirstsCommit() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 3, threadPool: Self.threadPool)
        let flags = Flags()
        let scope = TicketStore.DuplicateScope(category: "urban-management", street: "longhua.minzhi", place: "民康路")

        let first = Task {
            try await postgres.transaction { connection in
                try TicketStore.lockDuplicateScopes([scope, TicketStore.DuplicateScope(category: "noise", street: "futian.futian", place: "福华路")], on: connection)
                flags.set("first holds")
                // This closure runs on the blocking pool's thread, so a short sleep loop blocks no Swift task.
                while !flags.isSet("release first") { usleep(5_000) }
            }
        }
        try await eventually(timeout: .seconds(10), "first transaction holds its scopes") { flags.isSet("first holds") }

        let second = Task {
            try await postgres.transaction { connection in
                try TicketStore.lockDuplicateScopes([TicketStore.DuplicateScope(category: "transport", street: "nanshan.yuehai", place: "科技园"), scope], on: connection)
                flags.set("second locked")
            }
        }
        // A disjoint scope is not held up: another street, or another place on the same street.
        try await postgres.transaction { connection in
            try TicketStore.lockDuplicateScopes([TicketStore.DuplicateScope(category: "urban-management", street: "longhua.longhua", place: "民康路"),
                                                 TicketStore.DuplicateScope(category: "urban-management", street: "longhua.minzhi", place: "民旺路")],
                                                on: connection)
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(!flags.isSet("second locked"), "the overlapping scope waits while the first transaction is open")

        flags.set("release first")
        try await first.value
        try await second.value
        #expect(flags.isSet("second locked"))
        await postgres.close()
    }

    @Test func reportsOfOtherNumbersOfOnePlaceRunTogetherAndOneNamingNoNumberWaitsForThem() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 4, threadPool: Self.threadPool)
        let flags = Flags()
        @Sendable func scopes(_ number: String?) -> Set<TicketStore.DuplicateScope> {
            let place = TicketStore.DuplicateScope(category: "housing", street: "futian.meilin", place: "梅林一村", shared: number != nil)
            return number.map { [place, TicketStore.DuplicateScope(category: "housing", street: "futian.meilin", place: "梅林一村", number: $0)] } ?? [place]
        }
        let first = Task {
            try await postgres.transaction { connection in
                try TicketStore.lockDuplicateScopes(scopes("3栋"), on: connection)
                flags.set("3栋 holds")
                while !flags.isSet("release") { usleep(5_000) }
            }
        }
        try await eventually(timeout: .seconds(10), "the first report holds its scopes") { flags.isSet("3栋 holds") }

        var waiting: [Task<Void, any Error>] = []
        func decide(_ name: String, _ number: String?) {
            waiting.append(Task {
                try await postgres.transaction { try TicketStore.lockDuplicateScopes(scopes(number), on: $0) }
                flags.set(name)
            })
        }
        decide("other block", "5栋")
        try await eventually(timeout: .seconds(10), "block 5 of the same estate, another place, is decided at once") { flags.isSet("other block") }
        decide("same block", "3栋")
        decide("no block", nil)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!flags.isSet("same block"), "a report of the same block waits")
        #expect(!flags.isSet("no block"), "a report naming no block may be about block 3: it waits")

        flags.set("release")
        try await first.value
        for task in waiting { try await task.value }
        #expect(flags.isSet("same block") && flags.isSet("no block"))
        await postgres.close()
    }
}
