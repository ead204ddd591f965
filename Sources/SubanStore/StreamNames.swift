/// Redis key names. Each stream's name carries a hash tag (`{...}`), so a stream
/// and its delivery markers share one slot on Redis Cluster.
public enum StreamNames {
    /// New tickets for the dispatch pool.
    public static let newTickets = "suban:{tickets}:new"
    /// Every ticket event, read by callback and analytics through their own groups.
    public static let events = "suban:{events}:all"

    /// One stream per department, the department's own work queue.
    public static func departmentQueue(_ departmentCode: String) -> String {
        "suban:{dept:\(departmentCode)}:queue"
    }

    /// Messages the callback role gave up on after its last attempt, with their error.
    public static let callbackDeadLetters = "suban:{callback}:dead"

    /// Entries of `stream` that failed `group` on every delivery (poison), moved aside
    /// with their error; in the stream's slot.
    public static func deadLetters(of stream: String, group: String) -> String { "\(stream):dead:\(group)" }

    /// The last error of each of `stream`'s entries that failed in `group`, kept until it
    /// succeeds or goes to the dead letters.
    public static func failures(of stream: String, group: String) -> String { "\(stream):failures:\(group)" }

    /// Every stream a consumer group reads, with its group: where dead letters can come from.
    public static let consumed: [(stream: String, group: String)] = [(newTickets, dispatchGroup), (events, callbackGroup), (events, analyticsGroup)]

    /// Consumer groups.
    public static let dispatchGroup = "dispatch"
    public static let callbackGroup = "callback"
    public static let analyticsGroup = "analytics"
}
