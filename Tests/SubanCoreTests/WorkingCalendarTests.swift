import Foundation
import Testing
@testable import SubanCore

@Suite struct WorkingCalendarTests {
    let calendar = WorkingCalendar.china

    static func day(_ text: String) -> LocalDay { LocalDay(iso: text)! }

    /// Beijing wall-clock time as an instant.
    static func beijing(_ text: String, _ hour: Int = 9) -> Date {
        day(text).start.addingTimeInterval(Double(hour) * 3600)
    }

    @Test(arguments: [
        // Spring Festival 2025: Jan 28 – Feb 4 off; Sunday Jan 26 and Saturday Feb 8 worked.
        ("2025-01-26", true), ("2025-01-27", true), ("2025-01-28", false), ("2025-02-04", false), ("2025-02-05", true),
        ("2025-02-08", true), ("2025-02-09", false),
        // 2026: Feb 15 – 23 off; Saturday Feb 14 and Saturday Feb 28 worked.
        ("2026-02-14", true), ("2026-02-15", false), ("2026-02-23", false), ("2026-02-24", true), ("2026-02-28", true),
        // National Day 2025 (with Mid-Autumn): Oct 1 – 8 off, Sunday Sep 28 and Saturday Oct 11 worked.
        ("2025-09-28", true), ("2025-10-08", false), ("2025-10-09", true), ("2025-10-11", true),
        // 2024 spot checks and plain weekdays and weekends.
        ("2024-02-18", true), ("2024-06-10", false), ("2024-10-12", true), ("2026-01-04", true), ("2026-01-02", false),
        ("2025-03-03", true), ("2025-03-08", false), ("2025-03-09", false),
        // Beyond the loaded years: plain weekends.
        ("2027-01-01", true), ("2027-01-02", false),
    ])
    func officialArrangements(_ text: String, _ working: Bool) {
        #expect(calendar.isWorkingDay(Self.day(text)) == working, "\(text)")
    }

    @Test(arguments: [
        // (received, working days, deadline day: the end of that day)
        ("2025-03-03", 2, "2025-03-05"),           // Monday + 2 → end of Wednesday
        ("2025-03-07", 2, "2025-03-11"),           // Friday + 2 skips the weekend
        ("2025-03-08", 2, "2025-03-11"),           // received on Saturday: Monday counts first
        ("2025-01-24", 2, "2025-01-27"),           // Friday before the festival: Sunday Jan 26 is a working day
        ("2025-01-27", 2, "2025-02-06"),           // the whole Spring Festival passes
        ("2026-02-13", 15, "2026-03-12"),          // complaint across Spring Festival 2026
        ("2025-09-26", 10, "2025-10-16"),          // help request across National Day 2025 (Sep 28, Oct 11 worked)
    ])
    func deadlinesCountWorkingDays(_ received: String, _ count: Int, _ due: String) {
        let deadline = calendar.deadline(addingWorkingDays: count, to: Self.beijing(received, 15))
        #expect(deadline.at == Self.day(due).adding(days: 1).start, "\(received) + \(count)")
        #expect(!deadline.provisional)
    }

    @Test func deadlinesInAnUnloadedYearAreProvisionalUntilItIsLoaded() {
        var calendar = WorkingCalendar.china
        let received = Self.beijing("2026-12-24")
        let before = calendar.deadline(addingWorkingDays: 15, to: received)
        #expect(before.provisional)
        #expect(before.at == Self.day("2027-01-14").adding(days: 1).start, "plain weekends: New Year's Day counted as working")
        calendar.load(HolidayArrangement(year: 2027, holidays: [Self.day("2027-01-01")], makeUpWorkdays: []))
        let after = calendar.deadline(addingWorkingDays: 15, to: received)
        #expect(!after.provisional)
        #expect(after.at == Self.day("2027-01-15").adding(days: 1).start)
    }

    @Test func workingDaysBetweenInstantsSkipHolidays() {
        // Friday 12:00 before Spring Festival 2025 to the Wednesday after it at 12:00:
        // Fri 0.5 + Sun Jan 26 (worked) 1 + Mon Jan 27 1 + Wed Feb 5 0.5 = 3.
        let handled = calendar.workingDays(from: Self.beijing("2025-01-24", 12), to: Self.beijing("2025-02-05", 12))
        #expect(abs(handled - 3.0) < 1e-9)
        #expect(calendar.workingDays(from: Self.beijing("2025-03-08", 10), to: Self.beijing("2025-03-09", 10)) == 0)
        #expect(abs(calendar.workingDays(from: Self.beijing("2025-03-03", 9), to: Self.beijing("2025-03-03", 15)) - 0.25) < 1e-9)
    }

    @Test(arguments: [(AppealType.consultation, 2), (.help, 10), (.suggestion, 10), (.complaint, 15), (.report, 15)])
    func statutoryLimits(_ type: AppealType, _ days: Int) {
        #expect(SLAPolicy.replyLimit(type) == days)
        let received = Self.beijing("2025-03-03")
        #expect(SLAPolicy.replyDeadline(type, receivedAt: received, calendar: calendar) == calendar.deadline(addingWorkingDays: days, to: received))
    }

    @Test func urgentAppealsMustBeTakenUpWithinADay() {
        let received = Self.beijing("2025-01-28", 23)
        #expect(SLAPolicy.interventionDeadline(receivedAt: received, urgent: true) == received.addingTimeInterval(86_400))
        #expect(SLAPolicy.interventionDeadline(receivedAt: received, urgent: false) == nil)
    }

    @Test func localDaysAreChinaStandardTime() {
        #expect(LocalDay(containing: Date(timeIntervalSince1970: 1_735_660_800)) == Self.day("2025-01-01"), "2024-12-31T16:00Z is midnight in Beijing")
        #expect(Self.day("2025-01-26").weekday == 7)
        #expect(Self.day("2024-02-29").description == "2024-02-29")
        #expect(LocalDay(iso: "2025-02-30") == nil)
    }
}

@Suite struct HolidayNoticeParsingTests {
    static func parse(_ json: String) -> Result<HolidayArrangement, ValidationFailure> {
        HolidayArrangement.parse(try! JSONValue.parse(json.utf8))
    }

    @Test func readsDaysAndRanges() throws {
        let notice = try Self.parse(#"{"year": 2027, "holidays": ["2027-01-01", "2027-02-06...2027-02-13"], "make_up_workdays": ["2027-02-14"]}"#).get()
        #expect(notice.holidays.count == 9)
        #expect(notice.makeUpWorkdays == [LocalDay(2027, 2, 14)])
        var calendar = WorkingCalendar.china
        #expect(calendar.deadline(addingWorkingDays: 2, to: LocalDay(2027, 2, 5).start).provisional)
        calendar.load(notice)
        // Friday Feb 5 + 2 working days: the festival passes, Sunday Feb 14 is worked, then Monday Feb 15.
        let deadline = calendar.deadline(addingWorkingDays: 2, to: LocalDay(2027, 2, 5).start.addingTimeInterval(3600))
        #expect(deadline == Deadline(at: LocalDay(2027, 2, 16).start, provisional: false))
    }

    /// (body, the field the error names)
    @Test(arguments: [
        (#"{"year": 2027, "holidays": ["2027-01-01"], "make_up_workdays": ["2027-02-15"]}"#, "make_up_workdays"),   // a Monday
        (#"{"year": 2027, "holidays": ["2026-12-31"]}"#, "holidays[0]"),
        (#"{"year": 2027, "holidays": ["2027-02-13...2027-02-06"]}"#, "holidays[0]"),
        (#"{"year": 2027, "holidays": ["2027-02-14"], "make_up_workdays": ["2027-02-14"]}"#, "make_up_workdays"),
        (#"{"year": 2027, "holidays": []}"#, "holidays"),
        (#"{"year": 1999, "holidays": ["1999-01-01"]}"#, "year"),
        (#"{"year": 2027, "holidays": ["2027-01-01"], "extra": 1}"#, "extra"),
    ])
    func refusesWhatIsNotANotice(_ json: String, _ field: String) {
        guard case .failure(let failure) = Self.parse(json) else {
            Issue.record("accepted \(json)")
            return
        }
        #expect(failure.errors.map(\.field).contains(field), "\(failure.errors)")
    }
}
