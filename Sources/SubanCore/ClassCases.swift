/// Class cases (类案): appeals about one problem (a catalog item) at one place that keep
/// coming back week after week, so a lead unit can fix the cause instead of answering
/// each appeal. Weeks run Monday to Sunday, China time.
public enum ClassCases {
    public struct Rule: Sendable, Hashable {
        /// Weeks looked back, this one included.
        public var weeks = 8
        /// Appeals within those weeks.
        public var minAppeals = 5
        /// Weeks with at least one appeal: one bad day is an incident, not a class case.
        public var minWeeks = 2

        public init(weeks: Int = 8, minAppeals: Int = 5, minWeeks: Int = 2) {
            self.weeks = weeks
            self.minAppeals = minAppeals
            self.minWeeks = minWeeks
        }

        /// Whether these weekly counts (oldest first) make a class case.
        public func qualifies(_ weekly: [Int]) -> Bool {
            weekly.reduce(0, +) >= minAppeals && weekly.filter { $0 > 0 }.count >= minWeeks
        }
    }

    public enum Trend: String, Sendable, Hashable, Codable {
        case rising, falling, steady
    }

    /// The last two weeks against the two before: a change of more than a quarter (and
    /// at least two appeals) is a trend, anything less is steady.
    public static func trend(_ weekly: [Int]) -> Trend {
        let recent = weekly.suffix(2).reduce(0, +)
        let before = weekly.dropLast(2).suffix(2).reduce(0, +)
        if recent - before >= 2 && Double(recent) > Double(before) * 1.25 { return .rising }
        if before - recent >= 2 && Double(recent) < Double(before) * 0.75 { return .falling }
        return .steady
    }

    /// The Monday of the week `day` is in.
    public static func week(of day: LocalDay) -> LocalDay { day.adding(days: 1 - day.weekday) }

    /// Counts per week for the `weeks` weeks ending with the week of `today`, oldest first.
    public static func weekly(_ counts: [LocalDay: Int], weeks: Int, today: LocalDay) -> [Int] {
        let last = week(of: today)
        return (0..<weeks).reversed().map { counts[last.adding(days: -7 * $0)] ?? 0 }
    }

    /// Mean appeals a week before governance began and since (its week included in "since").
    public static func beforeAndSince(_ weekly: [Int], today: LocalDay, since: LocalDay) -> (before: Double?, since: Double?) {
        let weeksSince = (week(of: today).number - week(of: since).number) / 7 + 1
        let after = weekly.suffix(max(0, min(weekly.count, weeksSince)))
        let before = weekly.dropLast(after.count)
        func mean(_ values: ArraySlice<Int>) -> Double? { values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count) }
        return (mean(before), mean(after))
    }
}
