import BlockingIO
import Metrics

/// What a stream consumer reports to the metrics backend (Prometheus in the roles):
/// entries handled, failed and buried; batch sizes and times; its group's lag and pending.
struct ConsumerMetrics: Sendable {
    let handledEntries: Counter
    let failed: Counter
    let buried: Counter
    let batchSize: Recorder
    let batchTime: Metrics.Timer
    let lag: Gauge
    let pending: Gauge

    init(stream: String, group: String) {
        let labels = [("stream", stream), ("group", group)]
        handledEntries = Counter(label: "suban_stream_entries_total", dimensions: labels + [("outcome", "handled")])
        failed = Counter(label: "suban_stream_entries_total", dimensions: labels + [("outcome", "failed")])
        buried = Counter(label: "suban_stream_entries_total", dimensions: labels + [("outcome", "buried")])
        batchSize = Recorder(label: "suban_stream_batch_entries", dimensions: labels)
        batchTime = Metrics.Timer(label: "suban_stream_batch_seconds", dimensions: labels)
        lag = Gauge(label: "suban_stream_lag", dimensions: labels)
        pending = Gauge(label: "suban_stream_pending", dimensions: labels)
    }

    func handled(_ count: Int, in duration: Duration) {
        guard count > 0 else { return }
        handledEntries.increment(by: Int64(count))
        batchSize.record(count)
        batchTime.recordNanoseconds(duration.wholeNanoseconds)
    }

    /// The group's pending count and lag (`XINFO GROUPS`).
    func observe(pending count: Int64, lag behind: Int64?) {
        lag.record(behind ?? 0)
        pending.record(count)
    }
}
