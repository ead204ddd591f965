/// A year's notice as operators load it (`suban calendar load`):
/// `{"year": 2027, "holidays": ["2027-01-01", "2027-02-06...2027-02-13"], "make_up_workdays": ["2027-02-14"]}`.
extension HolidayArrangement {
    public static func parse(_ body: JSONValue) -> Result<HolidayArrangement, ValidationFailure> {
        guard case .object(let object) = body else { return .failure(ValidationFailure([FieldError("body", "must be a JSON object")])) }
        var reader = ObjectReader(object)
        reader.rejectUnknown(["year", "holidays", "make_up_workdays", "source"])
        guard let year = reader.integer("year", in: 2000...2100) else { return .failure(ValidationFailure(reader.errors)) }
        let holidays = days(&reader, "holidays", year: year)
        let workdays = days(&reader, "make_up_workdays", year: year)
        if holidays.isEmpty { reader.fail("holidays", "a notice names at least one holiday") }
        if let both = holidays.intersection(workdays).min() { reader.fail("make_up_workdays", "\(both) is also a holiday") }
        if let weekday = workdays.filter({ !$0.isWeekend }).min() { reader.fail("make_up_workdays", "\(weekday) is a weekday already") }
        guard reader.errors.isEmpty else { return .failure(ValidationFailure(reader.errors)) }
        return .success(HolidayArrangement(year: year, holidays: holidays, makeUpWorkdays: workdays))
    }

    /// "YYYY-MM-DD" or "YYYY-MM-DD...YYYY-MM-DD", every day within `year`.
    private static func days(_ reader: inout ObjectReader, _ key: String, year: Int) -> Set<LocalDay> {
        guard let items = reader.array(key, required: key == "holidays") else { return [] }
        var days: Set<LocalDay> = []
        for (index, item) in items.enumerated() {
            let field = "\(key)[\(index)]"
            guard case .string(let text) = item else {
                reader.fail(field, "must be a date or a range of dates")
                continue
            }
            let ends = text.components(separatedBy: "...").map { LocalDay(iso: $0) }
            guard (1...2).contains(ends.count), let first = ends.first!, let last = ends.last!, first <= last else {
                reader.fail(field, "must be YYYY-MM-DD or YYYY-MM-DD...YYYY-MM-DD in order")
                continue
            }
            guard first.components.year == year, last.components.year == year else {
                reader.fail(field, "must lie in \(year)")
                continue
            }
            var day = first
            while day <= last {
                days.insert(day)
                day = day.adding(days: 1)
            }
        }
        return days
    }
}
