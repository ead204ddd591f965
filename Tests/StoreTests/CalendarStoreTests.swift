import Foundation
import Postgres
import SubanCore
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// Operators load a year's notice at run time; running roles count with it after a refresh.
@Suite("Holiday notices at run time") struct CalendarStoreTests {
    @Test func aLoadedYearReplacesTheWeekendFallbackWithoutARestart() async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 2, threadPool: TestServers.threadPool)
        let source = CalendarSource(postgres: postgres, logger: TestServers.logger)
        try await source.reload()
        // Received Friday 2027-02-05: without the 2027 notice, two working days end on Tuesday Feb 9 and are provisional.
        let received = LocalDay(2027, 2, 5).start.addingTimeInterval(3600)
        let before = await source.current.deadline(addingWorkingDays: 2, to: received)
        #expect(before == Deadline(at: LocalDay(2027, 2, 10).start, provisional: true))

        let notice = try HolidayArrangement.parse(try JSONValue.parse(
            #"{"year": 2027, "holidays": ["2027-01-01", "2027-02-06...2027-02-13"], "make_up_workdays": ["2027-02-14"]}"#.utf8)).get()
        try await postgres.withConnection { try CalendarStore.save(notice, source: "test", on: $0) }
        try await source.reload()
        let after = await source.current.deadline(addingWorkingDays: 2, to: received)
        #expect(after == Deadline(at: LocalDay(2027, 2, 16).start, provisional: false))
        #expect(await source.current.isWorkingDay(LocalDay(2026, 2, 14)), "shipped years stay")
        await postgres.close()
    }
}
