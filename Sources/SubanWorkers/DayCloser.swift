import Foundation
import Logging
import Postgres
import ServiceLifecycle
import SubanCore
import SubanStore

/// Day close, shortly after midnight China time: stores the day's top-10 hot issues
/// (每日热点), and any of the last week's days a stopped fleet missed, then brings the
/// class cases (类案) up to date. Replicas may all run it: a day is closed once
/// (`HotIssuesStore.close`), and the replica that closed it refreshes the cases and makes
/// the timeline's partitions for the months ahead.
public struct DayCloser: Service {
    public struct Configuration: Sendable {
        public var interval: Duration = .seconds(60)
        /// Late appeals of the day are classified by then.
        public var grace: TimeInterval = 600
        public var daysBack = 7
        public var classCases = ClassCases.Rule()
        public init() {}
    }

    let configuration: Configuration
    let postgres: PostgresClient
    let logger: Logger

    public init(configuration: Configuration = Configuration(), postgres: PostgresClient, logger: Logger) {
        self.configuration = configuration
        self.postgres = postgres
        self.logger = logger
    }

    public func run() async throws {
        await PollingLoop(interval: configuration.interval, name: "hot issues", logger: logger).run {
            try await closeDue(now: Date())
            return false
        }
    }

    /// Closes every day of the last week that ended more than `grace` ago and is not closed yet;
    /// if it closed any, refreshes the class cases through the last closed day.
    public func closeDue(now: Date) async throws {
        let last = LocalDay(containing: now.addingTimeInterval(-configuration.grace)).adding(days: -1)
        var closed = false
        for offset in (0..<configuration.daysBack).reversed() {
            let day = last.adding(days: -offset)
            if try await postgres.withConnection({ try HotIssuesStore.close(day, on: $0) }) {
                logger.info("hot issues closed", metadata: ["day": "\(day)"])
                closed = true
            }
        }
        guard closed else { return }
        // The timeline's months ahead, so no step of a ticket lands in the default partition.
        let made = try await postgres.query("SELECT suban_month_partitions('ticket_events', $1::date, 4) AS n", [last.description])[0].decode("n", as: Int.self)
        if made > 0 { logger.info("timeline partitions made", metadata: ["months": "\(made)"]) }
        let rule = configuration.classCases
        let cases = try await postgres.withConnection { try ClassCaseStore.refresh(rule: rule, today: last, on: $0) }
        logger.info("class cases refreshed", metadata: ["cases": "\(cases)", "through": "\(last)"])
    }
}
