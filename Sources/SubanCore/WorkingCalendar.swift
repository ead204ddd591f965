import CivilDate
import Foundation

/// A civil date in China Standard Time (UTC+8, no daylight saving), as days
/// since 1970-01-01. Day arithmetic is integer arithmetic.
public struct LocalDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var number: Int

    public init(number: Int) { self.number = number }

    public init(_ year: Int, _ month: Int, _ day: Int) {
        number = CivilDate.days(year: year, month: month, day: day)
    }

    /// "2026-02-14"
    public init?(iso text: String) {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        self.init(parts[0], parts[1], parts[2])
        guard components == (parts[0], parts[1], parts[2]) else { return nil }
    }

    public static let offset: TimeInterval = 8 * 3600

    public init(containing date: Date) {
        number = Int(((date.timeIntervalSince1970 + Self.offset) / 86_400).rounded(.down))
    }

    /// 00:00 China Standard Time on this day.
    public var start: Date { Date(timeIntervalSince1970: Double(number) * 86_400 - Self.offset) }

    public var components: (year: Int, month: Int, day: Int) { CivilDate.civil(days: number) }

    /// 1 = Monday ... 7 = Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((number % 7) + 7 + 3) % 7 + 1 }
    public var isWeekend: Bool { weekday >= 6 }

    public static func < (a: LocalDay, b: LocalDay) -> Bool { a.number < b.number }
    public func adding(days: Int) -> LocalDay { LocalDay(number: number + days) }

    public var description: String {
        let (y, m, d) = components
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}

/// One year's official arrangement (the State Council's notice): public
/// holidays, and weekend days made working days (调休).
public struct HolidayArrangement: Sendable, Hashable, Codable {
    public var year: Int
    public var holidays: Set<LocalDay>
    public var makeUpWorkdays: Set<LocalDay>

    public init(year: Int, holidays: Set<LocalDay>, makeUpWorkdays: Set<LocalDay>) {
        self.year = year
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }
}

/// A deadline and whether it rests on a published arrangement.
public struct Deadline: Sendable, Hashable {
    public var at: Date
    /// True when some day counted lies in a year with no arrangement loaded: the
    /// deadline assumed plain weekends and may move once the notice is loaded.
    public var provisional: Bool

    public init(at: Date, provisional: Bool) {
        self.at = at
        self.provisional = provisional
    }
}

/// Mainland China's working days: Monday to Friday, less public holidays, plus
/// make-up working days. Years without an arrangement fall back to plain
/// weekends, and every answer that used such a year says so.
public struct WorkingCalendar: Sendable {
    public private(set) var arrangements: [Int: HolidayArrangement]

    public init(arrangements: [HolidayArrangement]) {
        self.arrangements = Dictionary(arrangements.map { ($0.year, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Operators load a newly published year without a rebuild; a later load of the same year replaces it.
    public mutating func load(_ arrangement: HolidayArrangement) {
        arrangements[arrangement.year] = arrangement
    }

    public func isKnown(_ day: LocalDay) -> Bool { arrangements[day.components.year] != nil }

    public func isWorkingDay(_ day: LocalDay) -> Bool {
        guard let arrangement = arrangements[day.components.year] else { return !day.isWeekend }
        if arrangement.holidays.contains(day) { return false }
        if arrangement.makeUpWorkdays.contains(day) { return true }
        return !day.isWeekend
    }

    /// The end (24:00 China Standard Time) of the `count`-th working day after the
    /// day of `date`: "within N working days of receipt", the day of receipt not counted.
    public func deadline(addingWorkingDays count: Int, to date: Date) -> Deadline {
        precondition(count >= 0, "working days to add must not be negative")
        var day = LocalDay(containing: date)
        var provisional = false
        var remaining = count
        while remaining > 0 {
            day = day.adding(days: 1)
            provisional = provisional || !isKnown(day)
            if isWorkingDay(day) { remaining -= 1 }
        }
        return Deadline(at: day.adding(days: 1).start, provisional: provisional)
    }

    /// Working days elapsed between two instants, counting each working day's 24
    /// hours, so a ticket handled in a day and a half of working time took 1.5.
    public func workingDays(from start: Date, to end: Date) -> Double {
        guard end > start else { return 0 }
        var total = 0.0
        var day = LocalDay(containing: start)
        let last = LocalDay(containing: end)
        while day <= last {
            if isWorkingDay(day) {
                let from = max(start, day.start)
                let to = min(end, day.adding(days: 1).start)
                total += max(0, to.timeIntervalSince(from)) / 86_400
            }
            day = day.adding(days: 1)
        }
        return total
    }
}
