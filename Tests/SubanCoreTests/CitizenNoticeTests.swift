import Testing
@testable import SubanCore

@Suite struct CitizenNoticeTests {
    static func ticket(hasPhone: Bool = true, channel: String = "app", status: TicketStatus = .dispatched) -> CitizenNotice.Ticket {
        CitizenNotice.Ticket(trackingCode: "JRM5N5AD189VZXE8365Z8G2XY0", channel: channel, channelRef: "A-1", status: status,
                             hasPhone: hasPhone, leadUnit: "福田区城市管理和综合执法局")
    }

    /// (event, has phone, channel with a webhook, expected transports)
    @Test(arguments: [
        (.dispatched, true, true, ["sms", "webhook"]),
        (.dispatched, false, true, ["webhook"]),
        (.dispatched, true, false, ["sms"]),
        (.evaluationRequested, true, true, ["sms", "webhook"]),
        (.dissatisfactionReturn, true, false, ["sms"]),
        (.replied, true, true, ["webhook"]),        // the SMS waits for the evaluation request, one message not two
        (.closed, true, true, ["webhook"]),
        (.accepted, true, true, []),
        (.slaOverdue, true, true, []),            // internal supervision is not the citizen's inbox
    ] as [(TicketEventKind, Bool, Bool, [String])])
    func whoHearsOfWhat(_ event: TicketEventKind, _ hasPhone: Bool, _ webhook: Bool, _ expected: [String]) {
        let planned = CitizenNotice.plan(event: event, at: "2026-11-23 10:00:00+00", ticket: Self.ticket(hasPhone: hasPhone),
                                         webhookChannels: webhook ? ["app"] : ["web"])
        #expect(planned.map(\.transport.rawValue) == expected)
        #expect(planned.allSatisfy { $0.transport == .sms ? $0.recipient == "citizen" : $0.recipient == "channel:app" })
    }

    @Test func theRatingTokenGoesOnlyToTheCitizenWhoseRoundItIs() {
        let planned = CitizenNotice.plan(event: .evaluationRequested, at: "2026-11-23 10:00:00+00", ticket: Self.ticket(),
                                         webhookChannels: ["app"], ratingToken: "7Q2M4K8ZRX0B3N5P")
        #expect(planned.allSatisfy { $0.payload["rating_token"] == .string("7Q2M4K8ZRX0B3N5P") })
        #expect(planned.contains { $0.payload["text"].map { "\($0)".contains("评价码7Q2M4K8ZRX0B3N5P") } ?? false })
        // A linked report's citizen rates the incident too, with the token of their own report.
        let linked = CitizenNotice.plan(event: .evaluationRequested, at: "2026-11-23 10:00:00+00", ticket: Self.ticket(status: .linked),
                                        webhookChannels: ["app"], ratingToken: "4H5J6K7M8N9P0Q1R")
        #expect(!linked.isEmpty && linked.allSatisfy { $0.payload["rating_token"] == .string("4H5J6K7M8N9P0Q1R") })
        #expect(linked.contains { $0.payload["text"].map { "\($0)".contains("评价码4H5J6K7M8N9P0Q1R") } ?? false })
        let dispatched = CitizenNotice.plan(event: .dispatched, at: "2026-11-23 10:00:00+00", ticket: Self.ticket(), webhookChannels: ["app"],
                                            ratingToken: "7Q2M4K8ZRX0B3N5P")
        #expect(dispatched.allSatisfy { $0.payload["rating_token"] == nil }, "only the evaluation request carries it")
    }

    /// A report linked to another citizen's ticket hears of the merge and of that ticket's reply and end, not of its returns.
    @Test(arguments: [
        (.linked, ["sms", "webhook"], "合并办理"),
        (.evaluationRequested, ["sms", "webhook"], "已办理答复"),
        (.replied, ["webhook"], ""),
        (.closed, ["webhook"], ""),
        (.dissatisfactionReturn, [], ""),
        (.specialSupervision, [], ""),
        (.dispatched, [], ""),
    ] as [(TicketEventKind, [String], String)])
    func aLinkedReportFollowsItsParent(_ event: TicketEventKind, _ expected: [String], _ words: String) {
        let planned = CitizenNotice.plan(event: event, at: "", ticket: Self.ticket(status: .linked), webhookChannels: ["app"])
        #expect(planned.map(\.transport.rawValue) == expected)
        if case .string(let text) = planned.first(where: { $0.transport == .sms })?.payload["text"] {
            #expect(text.contains(words) && text.contains("JRM5N5AD189VZXE8365Z8G2XY0"))
        }
    }

    @Test func smsNamesTheUnitAndTheTrackingCodeButNoNumber() throws {
        let sms = try #require(CitizenNotice.plan(event: .dispatched, at: "", ticket: Self.ticket(), webhookChannels: []).first)
        guard case .string(let text) = sms.payload["text"] else { Issue.record("no text"); return }
        #expect(text.contains("福田区城市管理和综合执法局") && text.contains("JRM5N5AD189VZXE8365Z8G2XY0"))
        #expect(sms.payload["to"] == nil, "the number is added at send time only")
    }

    @Test(arguments: [("13800138000", "138****8000"), ("075588881234", "075*****1234"), ("1234", "****")])
    func unitsSeeMaskedNumbers(_ number: String, _ masked: String) {
        #expect(PhoneNumber.masked(number) == masked)
    }
}
