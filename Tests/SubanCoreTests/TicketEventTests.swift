import Foundation
import Testing
@testable import SubanCore

@Suite struct TicketEventTests {
    static let ticket = UUID(uuidString: "5C1A2B3D-4E5F-4061-8728-394A5B6C7D8E")!

    @Test(arguments: TicketEventKind.allCases)
    func everyKindGoesToStreamFieldsAndBack(_ kind: TicketEventKind) {
        let event = TicketEvent(kind: kind, ticketID: Self.ticket, eventID: 42, department: "futian:housing", round: 2,
                                at: "2026-11-23 10:00:00.123+00", source: "dispatch")
        #expect(TicketEvent(fields: event.fields) == event)
        #expect(TicketEvent.read(event.fields) == .event(event))
        #expect(event.fields["ticket"] == "5c1a2b3d-4e5f-4061-8728-394a5b6c7d8e", "lower case, as PostgreSQL writes a uuid")
    }

    @Test func whatTheStoreWritesIsRead() {
        // An entry as the store's SQL writes it for a lifecycle step.
        let fields = ["event": "unit_replied", "event_id": "981", "ticket": "5c1a2b3d-4e5f-4061-8728-394a5b6c7d8e", "department": "",
                      "round": "1", "at": "2026-11-23 10:00:00.123+00"]
        let event = TicketEvent(fields: fields)
        #expect(event?.kind == .unitReplied && event?.eventID == 981 && event?.round == 1 && event?.department == "" && event?.source == nil)
        // Intake's entries carry no round: the first.
        #expect(TicketEvent(fields: ["event": "received", "ticket": Self.ticket.uuidString, "at": "x"])?.round == 1)
    }

    @Test(arguments: [
        (["event": "teleported", "ticket": "5c1a2b3d-4e5f-4061-8728-394a5b6c7d8e"], TicketEvent.Reading.unknownKind("teleported")),
        (["event": "closed", "ticket": "not-a-uuid"], .unreadable),
        (["ticket": "5c1a2b3d-4e5f-4061-8728-394a5b6c7d8e"], .unreadable),
        ([:], .unreadable),
    ] as [([String: String], TicketEvent.Reading)])
    func entriesThatAreNoEventThisVersionKnows(_ fields: [String: String], _ reading: TicketEvent.Reading) {
        #expect(TicketEvent.read(fields) == reading)
        #expect(TicketEvent(fields: fields) == nil)
    }
}
