import NIOPosix

/// The threads that run blocking C calls for one process.
///
/// Sized apart from the cooperative pool: a worker's `XREADGROUP BLOCK` holds a
/// thread for its whole timeout, and every pooled database connection may be
/// busy at once, so the size is the sum of both plus headroom.
public enum BlockingThreadPool {
    public static func make(threads: Int) -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: max(2, threads))
        pool.start()
        return pool
    }
}
