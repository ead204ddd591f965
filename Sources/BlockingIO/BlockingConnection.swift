/// A connection whose calls block the calling thread (hiredis, libpq).
///
/// Conforming types are used by one thread at a time: the pool hands a
/// connection to exactly one borrower and runs that borrower on the blocking
/// thread pool, never on Swift concurrency's cooperative pool.
public protocol BlockingConnection: AnyObject, Sendable {
    /// True once an I/O error has left the connection unusable; the pool then
    /// closes it instead of handing it out again.
    var isBroken: Bool { get }
    func close()
}
