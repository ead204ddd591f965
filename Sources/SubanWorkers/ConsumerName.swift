import Foundation

/// A consumer name unique to this process, so a restarted process never
/// inherits a dead one's pending entries by name (they are reclaimed by idle time).
public enum ConsumerName {
    public static func make(role: String) -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "host"
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        return "\(role)-\(host)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }
}
