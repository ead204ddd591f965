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

    /// Consumer groups.
    public static let dispatchGroup = "dispatch"
    public static let callbackGroup = "callback"
}
