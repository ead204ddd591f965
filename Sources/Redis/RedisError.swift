/// What went wrong talking to Redis.
public enum RedisError: Error, Sendable, Equatable {
    /// The server answered with an error reply (`ERR ...`, `WRONGTYPE ...`, `BUSYGROUP ...`).
    case server(String)
    /// The connection failed or broke (refused, reset, timed out); the connection is discarded.
    case io(String)
    /// The reply did not have the shape the command promises.
    case unexpectedReply(String)
    /// The configuration is not usable (a malformed URL).
    case configuration(String)

    /// The error code the server put first in its message, e.g. `BUSYGROUP`, `NOGROUP`.
    public var serverCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }
}

extension RedisError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .server(let message): return "redis: \(message)"
        case .io(let message): return "redis connection: \(message)"
        case .unexpectedReply(let message): return "redis: unexpected reply: \(message)"
        case .configuration(let message): return "redis configuration: \(message)"
        }
    }
}
