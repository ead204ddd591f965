import Foundation
import Testing
@testable import SubanCore

/// What each event adds to the daily figures, hand-computed, across Spring Festival 2025
/// (Jan 28 – Feb 4 off; Sunday Jan 26 and Saturday Feb 8 worked).
private func event(_ kind: TicketEventKind, source: String? = nil, eventID: Int64? = nil) -> TicketEvent {
    TicketEvent(kind: kind, ticketID: UUID(uuidString: "5C1A2B3D-4E5F-4061-8728-394A5B6C7D8E")!, eventID: eventID, at: "2025-02-05 09:00:00+00", source: source)
}

@Suite struct AnalyticsTests {
    static func beijing(_ day: String, _ hour: Double) -> Date { LocalDay(iso: day)!.start.addingTimeInterval(hour * 3600) }

    static func ticket(received: Date, due: Date? = nil, lead: String = "futian:housing", returned: Bool = false) -> TicketFacts {
        TicketFacts(category: "housing", item: "housing.property-service", district: "futian", street: "futian/shatou", channel: "hotline",
                    receivedAt: received, replyDueAt: due, leadDepartment: lead, everReturned: returned)
    }

    static func cell(_ day: String, department: String) -> FigureCell {
        FigureCell(day: LocalDay(iso: day)!, category: "housing", item: "housing.property-service", district: "futian", street: "futian/shatou",
                   department: department, channel: "hotline")
    }

    @Test(arguments: [
        // (the event, counted as)
        (event(.received), nil),                                  // intake's: before the category is known
        (event(.dispatched, source: "dispatch"), .received),     // dispatch's first decision counts the receipt
        (event(.triaged, source: "dispatch"), .received),
        (event(.linked, source: "dispatch"), .received),
        (event(.dispatched, eventID: 9), nil),                   // an operator's later assignment from triage
        (event(.assigned), .assigned),
        (event(.slaOverdue), .slaOverdue),
        (event(.slaWarning), nil),
        (event(.evaluationRequested), nil),
    ] as [(TicketEvent, TicketEventKind?)])
    func whatAnEventCountsAs(_ event: TicketEvent, _ kind: TicketEventKind?) {
        #expect(Analytics.countedKind(event) == kind, "\(event.fields)")
    }

    @Test func aReceiptCountsOnTheDayReceivedAndForNoUnit() throws {
        let received = Self.beijing("2025-01-27", 23.5)
        let (cell, figures) = try #require(Analytics.contribution(of: TicketEventFact(kind: .received, at: Self.beijing("2025-01-28", 0.2)),
                                                                  ticket: Self.ticket(received: received), calendar: .china))
        #expect(cell == Self.cell("2025-01-27", department: ""))
        #expect(figures.received == 1 && figures.dispatched == 0)
    }

    @Test func assignmentsReturnsAndOverdueCountForTheirUnit() throws {
        let ticket = Self.ticket(received: Self.beijing("2025-02-05", 9))
        for (kind, check) in [(TicketEventKind.assigned, \DailyFigures.dispatched), (.returned, \.returned), (.slaOverdue, \.overdue)] {
            let (cell, figures) = try #require(Analytics.contribution(of: TicketEventFact(kind: kind, department: "futian:shatou-street",
                                                                                          at: Self.beijing("2025-02-06", 10)),
                                                                      ticket: ticket, calendar: .china))
            #expect(cell == Self.cell("2025-02-06", department: "futian:shatou-street"), "\(kind)")
            #expect(figures[keyPath: check] == 1, "\(kind)")
        }
    }

    /// A: received Monday Jan 27 12:00, replied Wednesday Feb 5 18:00 → 0.5 + (festival 0) + 0.75 = 1.25
    /// working days, before its due time. B: received Feb 5 09:00, replied Monday Feb 10 09:00 → 0.625 + 1
    /// (Thu) + 1 (Fri) + 1 (Saturday Feb 8, worked) + 0 (Sun) + 0.375 = 4.0, after its due time.
    @Test func handlingTimeInWorkingDaysAcrossTheSpringFestivalAndTheOnTimeRate() throws {
        let a = Self.ticket(received: Self.beijing("2025-01-27", 12), due: Self.beijing("2025-02-06", 0))
        let b = Self.ticket(received: Self.beijing("2025-02-05", 9), due: Self.beijing("2025-02-08", 0))
        let (cellA, figuresA) = try #require(Analytics.contribution(of: TicketEventFact(kind: .replied, at: Self.beijing("2025-02-05", 18)), ticket: a, calendar: .china))
        let (_, figuresB) = try #require(Analytics.contribution(of: TicketEventFact(kind: .replied, at: Self.beijing("2025-02-10", 9)), ticket: b, calendar: .china))
        #expect(cellA == Self.cell("2025-02-05", department: "futian:housing"), "a reply counts for the lead unit")
        #expect(abs(figuresA.handlingDays - 1.25) < 1e-9 && figuresA.onTime == 1)
        #expect(abs(figuresB.handlingDays - 4.0) < 1e-9 && figuresB.onTime == 0)
        let sum = figuresA + figuresB
        #expect(sum.replied == 2)
        #expect(abs(sum.averageHandlingDays! - 2.625) < 1e-9)
        #expect(sum.onTimeRate == 0.5)
    }

    @Test func ratingsCountSatisfactionAndEachDimension() throws {
        let ticket = Self.ticket(received: Self.beijing("2025-03-03", 9))
        let good = Rating(speed: 5, effect: 4, service: 5, quality: 4)
        let bad = Rating(speed: 4, effect: 2, service: 3, quality: 3)   // any dimension at 2 or below: unsatisfied
        let sum = try [good, bad, good].map { rating in
            try #require(Analytics.contribution(of: TicketEventFact(kind: .rated, at: Self.beijing("2025-03-05", 10), rating: rating),
                                                ticket: ticket, calendar: .china)).1
        }.reduce(DailyFigures(), +)
        #expect(sum.rated == 3 && sum.satisfied == 2)
        #expect(abs(sum.satisfactionRate! - 2.0 / 3) < 1e-9)
        let expected: [String: Double] = ["speed": 14.0 / 3, "effect": 10.0 / 3, "service": 13.0 / 3, "quality": 11.0 / 3]
        #expect(sum.dimensionMeans == expected)
        let unreadable = Analytics.contribution(of: TicketEventFact(kind: .rated, at: Date()), ticket: ticket, calendar: .china)
        #expect(unreadable == nil, "a rating event whose scores cannot be read counts nothing")
    }

    @Test func firstTimeRightIsAClosedTicketNoUnitSentBack() throws {
        let at = Self.beijing("2025-03-06", 10)
        let right = try #require(Analytics.contribution(of: TicketEventFact(kind: .closed, at: at), ticket: Self.ticket(received: at), calendar: .china)).1
        let moved = try #require(Analytics.contribution(of: TicketEventFact(kind: .closed, at: at), ticket: Self.ticket(received: at, returned: true),
                                                        calendar: .china)).1
        let sum = right + moved
        #expect(sum.closed == 2 && sum.firstTimeRight == 1 && sum.firstTimeRightRate == 0.5)
        let back = try #require(Analytics.contribution(of: TicketEventFact(kind: .dissatisfactionReturn, at: at), ticket: Self.ticket(received: at),
                                                       calendar: .china))
        #expect(back.1.dissatisfactionReturns == 1 && back.0.department == "futian:housing")
    }

    @Test func ratesAreUndefinedWithoutTheirBase() {
        let none = DailyFigures()
        #expect(none.averageHandlingDays == nil && none.onTimeRate == nil && none.satisfactionRate == nil && none.firstTimeRightRate == nil)
        #expect(none.dimensionMeans == nil)
    }
}

@Suite struct HotIssuesTests {
    static func appeal(_ code: String, _ item: String, place: String? = nil) -> HotIssues.Appeal {
        HotIssues.Appeal(ticketID: code, item: item, itemName: item.uppercased(), place: place.map { AppealPlace(key: $0, label: "L-" + $0) })
    }

    @Test func ranksItemsAndPlacesWithYesterdaysCountsAndSamples() {
        let today = [
            Self.appeal("A1", "noise", place: "s/site"), Self.appeal("A2", "noise", place: "s/site"), Self.appeal("A3", "noise"),
            Self.appeal("A4", "noise", place: "s/site"), Self.appeal("B1", "parking", place: "s/road"), Self.appeal("B2", "parking"),
            Self.appeal("C1", "lights"), Self.appeal("D1", "", place: "s/road"),
        ]
        let yesterday = [Self.appeal("Y1", "noise"), Self.appeal("Y2", "lights"), Self.appeal("Y3", "lights"), Self.appeal("Y4", "x", place: "s/site")]
        let top = HotIssues.top(today, previous: yesterday, limit: 2, samples: 3)
        let items = top.filter { $0.kind == .item }
        #expect(items.map(\.key) == ["noise", "parking"], "the two largest; an unclassified appeal is no item")
        #expect(items.map(\.count) == [4, 2] && items.map(\.previous) == [1, 0] && items.map(\.change) == [3, 2])
        #expect(items[0].samples == ["A1", "A2", "A3"] && items[0].label == "NOISE" && items.map(\.rank) == [1, 2])
        let places = top.filter { $0.kind == .place }
        #expect(places.map(\.key) == ["s/site", "s/road"] && places.map(\.count) == [3, 2] && places.map(\.previous) == [1, 0])
        #expect(places[0].label == "L-s/site")
    }

    @Test func tiesGoByKey() {
        let top = HotIssues.top([Self.appeal("1", "b"), Self.appeal("2", "a"), Self.appeal("3", "c")], previous: [], limit: 2)
        #expect(top.map(\.key) == ["a", "b"])
    }

    @Test func aPlaceIsTheStreetWithTheEstateOrSiteElseTheRoad() {
        let site = HotIssues.place(address: "民治街道民康路88号", text: "星河丹堤小区门口工地每晚施工", street: "longhua/minzhi")
        #expect(site?.key.hasPrefix("longhua/minzhi/") == true && site?.label.contains("星河丹堤") == true, "\(String(describing: site))")
        let road = HotIssues.place(address: "民治街道民康路", text: "路面坑洼", street: "longhua/minzhi")
        #expect(road?.label.hasSuffix("民康路") == true, "\(String(describing: road))")
        #expect(HotIssues.place(address: nil, text: "路面坑洼很多", street: "longhua/minzhi") == nil, "no place below the street")
        #expect(HotIssues.place(address: "民康路", text: "x", street: nil) == nil, "no street office")
    }
}

@Suite struct ClassCasesTests {
    @Test(arguments: [
        ([0, 0, 3, 2], true),        // 5 appeals in 2 weeks
        ([0, 0, 0, 5], false),       // one bad week is an incident
        ([1, 1, 1, 1], false),       // 4 appeals: too few
        ([1, 0, 0, 0, 0, 0, 0, 4], true),
    ])
    func whatMakesAClassCase(_ weekly: [Int], _ qualifies: Bool) {
        #expect(ClassCases.Rule().qualifies(weekly) == qualifies, "\(weekly)")
    }

    @Test(arguments: [
        ([1, 1, 2, 3], ClassCases.Trend.rising),     // 5 against 2
        ([3, 3, 2, 3], .steady),                      // 5 against 6
        ([4, 3, 1, 1], .falling),                     // 2 against 7
        ([0, 1, 0, 2], .steady),                      // one more: noise, not a trend
        ([2], .rising),
    ])
    func theTrendIsTheLastTwoWeeksAgainstTheTwoBefore(_ weekly: [Int], _ trend: ClassCases.Trend) {
        #expect(ClassCases.trend(weekly) == trend, "\(weekly)")
    }

    @Test func weeksRunMondayToSundayAndCountsLineUpOldestFirst() {
        let wednesday = LocalDay(iso: "2025-03-19")!
        #expect(ClassCases.week(of: wednesday) == LocalDay(iso: "2025-03-17")!)
        #expect(ClassCases.week(of: LocalDay(iso: "2025-03-23")!) == LocalDay(iso: "2025-03-17")!, "Sunday closes the week")
        let counts = [LocalDay(iso: "2025-03-03")!: 3, LocalDay(iso: "2025-03-17")!: 1]
        #expect(ClassCases.weekly(counts, weeks: 4, today: wednesday) == [0, 3, 0, 1])
    }

    @Test func governanceSplitsTheWeeksIntoBeforeAndSince() {
        let today = LocalDay(iso: "2025-03-19")!
        let split = ClassCases.beforeAndSince([4, 4, 2, 0], today: today, since: LocalDay(iso: "2025-03-12")!)
        #expect(split.before == 4 && split.since == 1, "governance began in the week of Mar 10: two weeks since")
    }
}
