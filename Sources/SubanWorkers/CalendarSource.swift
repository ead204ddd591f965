import Foundation
import Logging
import Postgres
import ServiceLifecycle
import SubanCore
import SubanStore

/// The working-day calendar a process counts deadlines with: the shipped notices
/// plus what operators loaded (`suban calendar load`), re-read every `refresh`, so a
/// newly published year applies without a restart. Until a year is loaded,
/// deadlines reaching into it assume plain weekends; that is logged once per year.
public actor CalendarSource: Service {
    public private(set) var current: WorkingCalendar
    let postgres: PostgresClient
    let refresh: Duration
    let logger: Logger
    private var warnedYears: Set<Int> = []

    public init(postgres: PostgresClient, initial: WorkingCalendar = .china, refresh: Duration = .seconds(300), logger: Logger) {
        self.postgres = postgres
        self.current = initial
        self.refresh = refresh
        self.logger = logger
    }

    public func reload() async throws {
        current = try await postgres.withConnection { try CalendarStore.load(on: $0) }
    }

    public nonisolated func run() async throws {
        await PollingLoop(interval: refresh, name: "calendar refresh", logger: logger).run {
            try await self.reload()
            return false
        }
    }

    /// Notes a deadline that counted days of a year with no notice loaded.
    public func noteProvisional(_ deadline: Deadline) {
        guard deadline.provisional else { return }
        let year = LocalDay(containing: deadline.at).components.year
        guard warnedYears.insert(year).inserted else { return }
        logger.warning("deadlines reaching into \(year) assume plain weekends: no holiday notice loaded for \(year); load it with `suban calendar load`",
                       metadata: ["year": "\(year)"])
    }
}
