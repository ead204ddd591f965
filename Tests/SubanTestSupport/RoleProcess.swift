import Foundation
import Synchronization

/// One `suban` role running as its own process, as operators run it.
public final class RoleProcess: @unchecked Sendable {
    public let role: String
    public let process = Process()
    private let log: FileHandle
    public let logPath: String

    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["SUBAN_BIN"] { return URL(fileURLWithPath: path) }
        // Tests/SubanTestSupport/RoleProcess.swift → the package root's debug build.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/suban")
    }

    public init(_ arguments: [String], environment: [String: String]) throws {
        role = arguments[0]
        logPath = NSTemporaryDirectory() + "suban-\(role)-\(UUID().uuidString.prefix(8)).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = Self.binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// The log goes with the process: tests read `output` while they hold it.
    deinit {
        try? log.close()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// SIGKILL: no shutdown, no cleanup, as a crash or an OOM kill.
    public func kill() async {
        Foundation.kill(process.processIdentifier, SIGKILL)
        await waitForExit()
    }

    /// SIGTERM; returns how long the process took to exit. One that outlives `bound` is
    /// killed, so a hung shutdown fails the test instead of hanging the run.
    public func terminate(bound: Duration = .seconds(20)) async -> Duration {
        let start = ContinuousClock.now
        process.terminate()
        await waitForExit(killAfter: bound)
        return ContinuousClock.now - start
    }

    /// Polls rather than `waitUntilExit()`, which would block a thread of the cooperative pool.
    public func waitForExit(killAfter bound: Duration = .seconds(20)) async {
        let deadline = ContinuousClock.now + bound
        while process.isRunning {
            if ContinuousClock.now > deadline { Foundation.kill(process.processIdentifier, SIGKILL) }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    public var output: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Below Linux's ephemeral range (32768–60999), so no outgoing connection takes it
    /// between this check and the role's bind, apart from the 20000–29999 that
    /// scripts/test.sh gives the servers, free to bind now, and never handed out twice
    /// in one run (tests start roles in parallel).
    public static func freePort() -> Int {
        while true {
            let port = Int.random(in: 10_000..<19_999)
            guard canBind(port), handedOut.withLock({ $0.insert(port).inserted }) else { continue }
            return port
        }
    }

    private static let handedOut = Mutex<Set<Int>>([])

    private static func canBind(_ port: Int) -> Bool {
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard probe >= 0 else { return false }
        defer { close(probe) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
