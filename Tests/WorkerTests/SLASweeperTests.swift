import Foundation
import Postgres
import SubanCore
import SubanStore
import SubanWorkers
import SubanTestSupport
import Testing

/// The SLA sweeper on real PostgreSQL: replicas racing, catch-up after downtime,
/// staged-plan milestones, and deadlines from the working-day calendar.
@Suite("SLA sweeper") struct SLASweeperTests {
    static let calendar = WorkingCalendar.china

    func withStore(_ body: @escaping @Sendable (PostgresClient, OutboxPublisher) async throws -> Void) async throws {
        let postgres = PostgresClient(url: try await TestServers.freshDatabase(), maxConnections: 6, threadPool: TestServers.threadPool)
        let (_, redis) = try await TestServers.freshRedis()
        try await body(postgres, OutboxPublisher(redis: redis, postgres: postgres))
        await postgres.close()
        await redis.close()
    }

    static func appeal(_ index: Int, urgent: Bool = false, type: AppealType = .complaint) -> Appeal {
        Appeal(channel: .hotline, channelRef: "sla-\(index)", type: type, urgent: urgent, text: "路灯不亮了第\(index)盏",
               location: Location(districtCode: "futian", address: "福田区香蜜湖街道"), contact: Contact(phone: "13800138000", anonymous: false), attachments: [])
    }

    func count(_ postgres: PostgresClient, _ sql: String, _ parameters: [(any PostgresEncodable)?] = []) async throws -> Int {
        try await postgres.query(sql, parameters).first!.decode("n")
    }

    @Test func twoReplicasCatchUpAfterDowntimeAndFireEachStageOnce() async throws {
        try await withStore { postgres, publisher in
            // 200 tickets received three hours ago that nobody dispatched: the sweeper was down meanwhile.
            let receivedAt = Date().addingTimeInterval(-3 * 3600)
            let tickets = (0..<200).map { NewTicket(appeal: Self.appeal($0, urgent: $0 % 4 == 0), receivedAt: receivedAt) }
            _ = try await postgres.transaction { try TicketStore.recordAppeals(tickets, on: $0) }

            var configuration = SLASweeper.Configuration()
            configuration.batchSize = 30
            let replicas = (0..<2).map { _ in SLASweeper(configuration: configuration, postgres: postgres, publisher: publisher, logger: TestServers.logger) }
            func drain(at now: Date) async throws -> Int {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for replica in replicas {
                        group.addTask {
                            var examined = 0
                            while true {
                                let pass = try await replica.sweepOnce(now: now)
                                examined += pass.examined
                                if pass.examined == 0 { return examined }
                            }
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            #expect(try await drain(at: Date()) == 200, "each clock examined by one replica")
            #expect(try await count(postgres, "SELECT count(*) AS n FROM ticket_events WHERE kind = 'sla_overdue'") == 200)
            #expect(try await count(postgres, "SELECT count(*) AS n FROM ticket_events WHERE kind = 'sla_warning'") == 0,
                    "a warning overtaken by the deadline is not sent late")
            #expect(try await count(postgres, """
                SELECT count(*) AS n FROM (SELECT ticket_id FROM ticket_events WHERE kind = 'sla_overdue' GROUP BY ticket_id HAVING count(*) > 1) x
                """) == 0)
            #expect(try await count(postgres, "SELECT count(*) AS n FROM supervisions WHERE kind = 'overdue' AND closed_at IS NULL") == 200)

            // A day later the still-open clocks escalate, once.
            _ = try await drain(at: Date().addingTimeInterval(25 * 3600))
            _ = try await drain(at: Date().addingTimeInterval(26 * 3600))
            #expect(try await count(postgres, "SELECT count(*) AS n FROM ticket_events WHERE kind = 'sla_escalation'") == 200)
            #expect(try await count(postgres, "SELECT count(*) AS n FROM supervisions WHERE kind = 'escalated'") == 200)
            #expect(try await count(postgres, "SELECT count(*) AS n FROM sla_clocks WHERE next_at IS NOT NULL") == 0, "every stage fired")
            #expect(try await count(postgres, "SELECT count(*) AS n FROM outbox, jsonb_array_elements(messages) m WHERE m->'fields'->>'event' LIKE 'sla_%'") == 0, "events published")
        }
    }

    @Test func stagedPlanMilestonesAreSupervisedAndReplyDeadlinesComeFromTheCalendar() async throws {
        try await withStore { postgres, publisher in
            // Received on Friday 2025-09-26 10:00 in Beijing, before the National Day holiday (Oct 1–8, make-up days Sep 28 and Oct 11).
            let receivedAt = Date(timeIntervalSince1970: 1_758_852_000)
            let ticket = NewTicket(appeal: Self.appeal(1, type: .help), receivedAt: receivedAt)
            _ = try await postgres.transaction { try TicketStore.recordAppeals([ticket], on: $0) }
            try await postgres.query("UPDATE tickets SET status = 'triage' WHERE id = $1", [ticket.id])
            let lead = "futian:housing"
            let now = Date()
            let milestones = [Milestone(title: "完成加装电梯业主意见征集", dueAt: now.addingTimeInterval(3600)),
                              Milestone(title: "电梯安装完成并验收", dueAt: now.addingTimeInterval(90 * 86_400))]
            for command in [TicketCommand.assignFromTriage(units: [RoutedUnit(departmentCode: lead, role: .lead)]),
                            .accept(department: lead, leader: nil), .fileStagedPlan(department: lead, milestones: milestones)] {
                _ = try await postgres.transaction { try LifecycleStore.perform(command, ticketID: ticket.id, now: now, calendar: Self.calendar, on: $0) }
            }
            // The help request's reply clock ran to the calendar's deadline until the plan replaced it: 10 working days
            // (Sep 28, 29, 30, Oct 9, 10, 11, 13, 14, 15, 16) end at 24:00 on Thursday Oct 16, Beijing time.
            let reply = try await postgres.query("SELECT due_at, stopped_at IS NOT NULL AS stopped FROM sla_clocks WHERE ticket_id = $1 AND kind = 'reply'",
                                                 [ticket.id]).first!
            #expect(try reply.decode("due_at", as: Date.self) == Date(timeIntervalSince1970: 1_760_630_400))
            #expect(try reply.decode("stopped", as: Bool.self))

            let sweeper = SLASweeper(postgres: postgres, publisher: publisher, logger: TestServers.logger)
            try await sweeper.sweepOnce(now: now.addingTimeInterval(2 * 3600))
            #expect(try await count(postgres, "SELECT count(*) AS n FROM supervisions WHERE ticket_id = $1 AND kind = 'milestone' AND closed_at IS NULL",
                                    [ticket.id]) == 1, "the first milestone slipped")
            _ = try await postgres.transaction {
                try LifecycleStore.perform(.completeMilestone(department: lead, index: 1), ticketID: ticket.id, calendar: Self.calendar, on: $0)
            }
            #expect(try await count(postgres, "SELECT count(*) AS n FROM supervisions WHERE ticket_id = $1 AND closed_at IS NULL", [ticket.id]) == 0)
            await #expect(throws: LifecycleError.invalid(field: "index", reason: "no open milestone 1 in the plan")) {
                _ = try await postgres.transaction {
                    try LifecycleStore.perform(.completeMilestone(department: lead, index: 1), ticketID: ticket.id, calendar: Self.calendar, on: $0)
                }
            }
            try await sweeper.sweepOnce(now: now.addingTimeInterval(3 * 3600))
            #expect(try await count(postgres, "SELECT count(*) AS n FROM ticket_events WHERE ticket_id = $1 AND kind = 'sla_overdue'", [ticket.id]) == 1)
        }
    }
}
