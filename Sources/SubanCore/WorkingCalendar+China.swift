import Foundation

/// The State Council's holiday notices (国务院办公厅关于部分节假日安排的通知) for
/// 2024, 2025 and 2026. Later years are loaded by operators (`suban calendar load`).
extension WorkingCalendar {
    public static let china = WorkingCalendar(arrangements: [
        arrangement(2024,
                    holidays: ["01-01", "02-10...02-17", "04-04...04-06", "05-01...05-05", "06-10", "09-15...09-17", "10-01...10-07"],
                    workdays: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"]),
        arrangement(2025,
                    holidays: ["01-01", "01-28...02-04", "04-04...04-06", "05-01...05-05", "05-31...06-02", "10-01...10-08"],
                    workdays: ["01-26", "02-08", "04-27", "09-28", "10-11"]),
        arrangement(2026,
                    holidays: ["01-01...01-03", "02-15...02-23", "04-04...04-06", "05-01...05-05", "06-19...06-21", "09-25...09-27",
                               "10-01...10-07"],
                    workdays: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]),
    ])

    /// "MM-DD" or "MM-DD...MM-DD" within `year`.
    static func arrangement(_ year: Int, holidays: [String], workdays: [String]) -> HolidayArrangement {
        func days(_ specs: [String]) -> Set<LocalDay> {
            Set(specs.flatMap { spec -> [LocalDay] in
                let ends = spec.components(separatedBy: "...").map { LocalDay(iso: "\(year)-\($0)")! }
                return (ends[0].number...ends[ends.count - 1].number).map(LocalDay.init(number:))
            })
        }
        return HolidayArrangement(year: year, holidays: days(holidays), makeUpWorkdays: days(workdays))
    }
}
