import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Redis
import SubanStore
import SubanTestSupport
import Testing

/// SIGTERM stops every role cleanly and within a bound: each stops taking work,
/// finishes or hands back what it holds, and exits 0.
@Suite("Shutdown bound") struct ShutdownBoundTests {
    static let bound: Duration = .seconds(10)

    struct Role: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// The consumer group the role makes once its loop runs, if any.
        var group: (stream: String, name: String)?
        /// The port whose /health shows the role running: its own, or its metrics server's.
        var healthPort: String? {
            guard let flag = arguments.firstIndex(where: { $0 == "--port" || $0 == "--metrics-port" }) else { return nil }
            return arguments[flag + 1]
        }
        var testDescription: String { arguments[0] }
    }

    @Test(arguments: [
        Role(arguments: ["intake", "--port", "\(RoleProcess.freePort())"]),
        Role(arguments: ["api", "--port", "\(RoleProcess.freePort())"]),
        Role(arguments: ["dispatch"], group: (StreamNames.newTickets, StreamNames.dispatchGroup)),
        Role(arguments: ["callback"], group: (StreamNames.events, StreamNames.callbackGroup)),
        Role(arguments: ["analytics"], group: (StreamNames.events, StreamNames.analyticsGroup)),
        // The sweeper shows nothing outside but its metrics server: its /health means the role is running.
        Role(arguments: ["sla-sweeper", "--metrics-port", "\(RoleProcess.freePort())"]),
    ])
    func sigtermStopsTheRoleWithinTheBound(_ role: Role) async throws {
        let databaseURL = try await TestServers.freshDatabase()
        let (redisURL, redis) = try await TestServers.freshRedis()
        let process = try RoleProcess(role.arguments, environment: ["DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "LOG_LEVEL": "info"])
        if let port = role.healthPort {
            try await eventually(timeout: .seconds(30), "\(role.arguments[0]) serving") {
                (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!)) != nil
            }
        } else if let group = role.group {
            try await eventually(timeout: .seconds(30), "\(role.arguments[0]) reading its group") {
                ((try? await redis.groups(group.stream)) ?? []).contains { $0.name == group.name }
            }
        }
        #expect(process.process.isRunning, "\(process.output)")
        let took = await process.terminate(bound: .seconds(30))
        #expect(took < Self.bound, "\(role.arguments[0]) took \(took) to stop")
        #expect(process.process.terminationReason == .exit && process.process.terminationStatus == 0, "\(process.output)")
        await redis.close()
    }
}
