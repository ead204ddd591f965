import Foundation

/// One running time limit of a ticket: dispatch, urgent intervention, a unit's
/// reply, or a staged-plan milestone. The sweeper fires its stages once each.
public struct SLAClock: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case dispatch, intervention, reply, milestone
    }

    /// What the sweeper announces as time passes.
    public enum Stage: String, Sendable, Hashable, CaseIterable {
        /// The configured share of the time is gone (预警).
        case warning
        /// The limit passed: overdue, and a supervision record opens (督办).
        case overdue
        /// Still open well after the limit: escalated supervision.
        case escalation

        /// The timeline step the sweeper records for it.
        public var eventKind: TicketEventKind {
            switch self {
            case .warning: .slaWarning
            case .overdue: .slaOverdue
            case .escalation: .slaEscalation
            }
        }
    }

    public var kind: Kind
    public var startsAt: Date
    public var dueAt: Date
    public var fired: Set<Stage>

    public init(kind: Kind, startsAt: Date, dueAt: Date, fired: Set<Stage> = []) {
        self.kind = kind
        self.startsAt = startsAt
        self.dueAt = dueAt
        self.fired = fired
    }
}

/// When each stage of a clock comes due; the sweeper's configuration.
public struct SweepPolicy: Sendable, Hashable {
    /// Share of the time after which a warning goes out (default 75%).
    public var warningShare: Double
    /// How long after the limit a still-open clock escalates.
    public var escalateAfter: TimeInterval

    public init(warningShare: Double = 0.75, escalateAfter: TimeInterval = 24 * 3600) {
        precondition((0...1).contains(warningShare), "the warning share is a fraction of the time")
        self.warningShare = warningShare
        self.escalateAfter = escalateAfter
    }

    public func instant(of stage: SLAClock.Stage, for clock: SLAClock) -> Date {
        switch stage {
        case .warning: clock.startsAt.addingTimeInterval(clock.dueAt.timeIntervalSince(clock.startsAt) * warningShare)
        case .overdue: clock.dueAt
        case .escalation: clock.dueAt.addingTimeInterval(escalateAfter)
        }
    }

    /// The stages to fire at `now`, in order, and when to look at the clock next
    /// (nil once every stage has fired). After downtime every stage that came due
    /// fires, except a warning that an overdue stage already supersedes.
    public func sweep(_ clock: SLAClock, now: Date) -> (fire: [SLAClock.Stage], settled: Set<SLAClock.Stage>, nextAt: Date?) {
        var fire: [SLAClock.Stage] = []
        var settled = clock.fired
        for stage in SLAClock.Stage.allCases where !clock.fired.contains(stage) && instant(of: stage, for: clock) <= now {
            settled.insert(stage)
            fire.append(stage)
        }
        if fire.contains(.overdue) { fire.removeAll { $0 == .warning } }
        let nextAt = SLAClock.Stage.allCases.filter { !settled.contains($0) }.map { instant(of: $0, for: clock) }.min()
        return (fire, settled, nextAt)
    }
}
