import BlockingIO
import Metrics

/// The metrics the roles report beyond their stream consumers, by stage. Names and
/// labels are what `deploy/grafana/suban.json` charts.
public enum StageMetrics {
    /// Intake: appeals by outcome (accepted, duplicate, invalid, limited, unavailable).
    public static func appeal(_ outcome: String) { Counter(label: "suban_intake_appeals_total", dimensions: [("outcome", outcome)]).increment() }
    /// Intake: one group commit — its size and how long the transaction took.
    static let intakeBatch = Recorder(label: "suban_intake_batch_appeals")
    static let intakeCommit = Metrics.Timer(label: "suban_intake_commit_seconds")
    /// Dispatch: classify and place (decide), the transaction around it (record), publishing (publish).
    static func dispatchStage(_ stage: String) -> Metrics.Timer { Metrics.Timer(label: "suban_dispatch_stage_seconds", dimensions: [("stage", stage)]) }
    /// Dispatch: decisions of the shadow model, by whether they agreed with the active one's.
    static func shadowDecision(agreed: Bool) -> Counter {
        Counter(label: "suban_dispatch_shadow_decisions_total", dimensions: [("agreed", agreed ? "yes" : "no")])
    }
    /// Outbox rows put on their streams, by who published them (the writer, or the relay later).
    static func published(_ path: String) -> Counter { Counter(label: "suban_outbox_published_total", dimensions: [("path", path)]) }
    static let publishTime = Metrics.Timer(label: "suban_outbox_publish_seconds")
    /// Notifications by transport and outcome (sent, retry, dead).
    static func notification(_ transport: String, _ outcome: String) -> Counter {
        Counter(label: "suban_notifications_total", dimensions: [("transport", transport), ("outcome", outcome)])
    }

    static func time(_ timer: Metrics.Timer, since start: ContinuousClock.Instant) {
        timer.recordNanoseconds((ContinuousClock.now - start).wholeNanoseconds)
    }
}
