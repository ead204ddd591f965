import Foundation
import Postgres
import SubanCore

/// Holiday notices in PostgreSQL: what operators loaded, over what the binary ships.
public enum CalendarStore {
    /// The shipped calendar with every loaded year laid over it.
    public static func load(base: WorkingCalendar = .china, on connection: PostgresConnection) throws -> WorkingCalendar {
        var calendar = base
        for row in try connection.query("""
            SELECT year, array_to_string(holidays, ',') AS holidays, array_to_string(make_up_workdays, ',') AS workdays
            FROM holiday_arrangements ORDER BY year
            """) {
            func days(_ column: String) throws -> Set<LocalDay> {
                Set(try row.decode(column, as: String.self).split(separator: ",").compactMap { LocalDay(iso: String($0)) })
            }
            calendar.load(HolidayArrangement(year: try row.decode("year"), holidays: try days("holidays"), makeUpWorkdays: try days("workdays")))
        }
        return calendar
    }

    /// Stores (or replaces) one year's notice.
    public static func save(_ arrangement: HolidayArrangement, source: String?, on connection: PostgresConnection) throws {
        func list(_ days: Set<LocalDay>) -> String { "{" + days.sorted().map(\.description).joined(separator: ",") + "}" }
        try connection.query("""
            INSERT INTO holiday_arrangements (year, holidays, make_up_workdays, source) VALUES ($1, $2::date[], $3::date[], $4)
            ON CONFLICT (year) DO UPDATE SET holidays = excluded.holidays, make_up_workdays = excluded.make_up_workdays,
                source = excluded.source, loaded_at = now()
            """, [arrangement.year, list(arrangement.holidays), list(arrangement.makeUpWorkdays), source])
    }
}
