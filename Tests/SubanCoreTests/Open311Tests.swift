import Foundation
import SubanData
import Testing
@testable import SubanCore

/// Open311 requests as intake reads them, and `GET requests`' query, table by table.
@Suite struct Open311Tests {
    static let catalog = ShippedData.shenzhen.catalog
    static let definition = ShippedData.open311
    static let valid: [(name: String, value: String)] = [
        ("service_code", "urban-management.street-vendor"), ("lat", "22.5431"), ("long", "114.0579"),
        ("description", "路口有人摆摊，占了盲道"), ("attribute[appeal_type]", "complaint"), ("phone", "+86 138-0013-8000"),
        ("media_url", "https://example.org/1.jpg"), ("first_name", "Li"), ("api_key", "sbk_x"),
    ]

    static func submit(_ form: [(name: String, value: String)]) -> Result<Open311.Submission, ValidationFailure> {
        Open311.submission(form: form, token: "TOKEN1", catalog: catalog, definition: definition)
    }

    static func replacing(_ name: String, with value: String?) -> [(name: String, value: String)] {
        valid.filter { $0.name != name } + (value.map { [(name, $0)] } ?? [])
    }

    @Test func aValidRequestIsAnOpen311AppealForIntakesValidator() throws {
        let submission = try Self.submit(Self.valid).get()
        #expect(submission.item.code == "urban-management.street-vendor")
        let appeal = try AppealValidator(channels: [.open311]).validate(submission.appeal).get()
        #expect(appeal.channel == .open311)
        #expect(appeal.channelRef == "TOKEN1")
        #expect(appeal.type == .complaint)
        #expect(!appeal.urgent)
        #expect(appeal.contact == Contact(phone: "13800138000", anonymous: false))
        #expect(appeal.location.coordinates == Coordinates(latitude: 22.5431, longitude: 114.0579))
        #expect(appeal.attachments == [Attachment(url: "https://example.org/1.jpg", media: .picture)])
        // Intake's own endpoint never files one.
        #expect(throws: ValidationFailure.self) { try AppealValidator().validate(submission.appeal).get() }
    }

    @Test func defaultsAndAttributes() throws {
        let plain = try Self.submit([("service_code", "urban-management.garbage"), ("address_string", "福田区华强北路")]).get()
        let appeal = try AppealValidator(channels: [.open311]).validate(plain.appeal).get()
        #expect(appeal.type == Self.definition.defaultType)
        #expect(appeal.text == plain.item.name, "no description: the chosen service is the appeal")
        #expect(appeal.contact.anonymous)
        #expect(appeal.location.address == "福田区华强北路")
        let urgent = try Self.submit(Self.valid + [("attribute[danger_now]", "yes")]).get()
        guard case .object(let fields) = urgent.appeal else { Issue.record("not an object"); return }
        #expect(fields["urgent"] == .bool(true))
    }

    typealias Form = [(name: String, value: String)]
    static let refused: [(form: Form, field: String)] = [
        (replacing("service_code", with: nil), "service_code"),
        (replacing("service_code", with: "no.such"), "service_code"),
        (replacing("lat", with: "north"), "lat"),
        (replacing("long", with: nil), "long"),
        (valid.filter { !["lat", "long"].contains($0.name) }, "lat"),
        (replacing("attribute[appeal_type]", with: "praise"), "attribute[appeal_type]"),
        (valid + [("attribute[colour]", "red")], "attribute[colour]"),
        (valid + [("favourite", "x")], "favourite"),
        (valid + [("description", "again")], "description"),
        (valid + [("address_id", "A-1")], "address_id"),
    ]

    /// Every refusal names the Open311 field.
    @Test(arguments: 0..<refused.count)
    func refusals(_ index: Int) {
        let (form, field) = Self.refused[index]
        guard case .failure(let failure) = Self.submit(form) else { Issue.record("accepted: \(field)"); return }
        #expect(failure.errors.map(\.field).contains(field), "\(failure.errors)")
    }

    @Test(arguments: [
        ("text", "description"), ("location.coordinates.lat", "lat"), ("location.coordinates.lng", "long"),
        ("contact.phone", "phone"), ("attachments[0].url", "media_url"), ("location.address", "address_string"),
    ])
    func validatorFieldsAreRenamed(appealField: String, open311Field: String) {
        #expect(Open311.fieldName(ofAppealField: appealField) == open311Field)
    }

    @Test func statusIsClosedOnceTheUnitsReplied() {
        #expect(TicketStatus.allCases.filter { Open311.status($0) == "closed" }.sorted { $0.rawValue < $1.rawValue }
                == [.callback, .closed, .rated, .replied])
        #expect(Open311.status(.reopened) == "open")
    }

    @Test func serviceNoticeSaysTheTimeLimit() {
        #expect(Open311.serviceNotice(.complaint, urgent: false).hasPrefix("15个工作日"))
        #expect(Open311.serviceNotice(.consultation, urgent: true).contains("24小时"))
    }

    static let now = Date(timeIntervalSince1970: 1_796_000_000)

    @Test func theDefaultQueryIsTheLast90DaysCapped() throws {
        let query = try Open311.Query.parse([:], now: Self.now).get()
        #expect(query.end == Self.now)
        #expect(query.start == Self.now.addingTimeInterval(-90 * 86_400))
        #expect(query.pageSize == 1000 && query.page == 1 && query.ids == nil)
    }

    @Test func filters() throws {
        let query = try Open311.Query.parse([
            "service_code": "urban-management.garbage,noise.renovation", "status": "open", "start_date": "2026-11-01T00:00:00+08:00",
            "end_date": "2026-11-30T00:00:00Z", "page": "3", "page_size": "20",
        ], now: Self.now).get()
        #expect(query.serviceCodes == ["urban-management.garbage", "noise.renovation"])
        #expect(query.statuses == ["open"])
        #expect(query.start == Open311.parseDate("2026-10-31T16:00:00Z"))
        #expect(query.page == 3 && query.pageSize == 20)
        let onlyStart = try Open311.Query.parse(["start_date": "2026-01-01T00:00:00Z"], now: Self.now).get()
        #expect(onlyStart.end.timeIntervalSince(onlyStart.start) == 90 * 86_400)
        let ids = try Open311.Query.parse(["service_request_id": "7d8e2a31-9a0c-4c1e-8b7e-1f2d3c4b5a69", "status": "nonsense"], now: Self.now)
        #expect(throws: ValidationFailure.self) { try ids.get() }
    }

    @Test(arguments: [
        ("start_date", "yesterday"), ("end_date", "2026-13-01T00:00:00Z"), ("status", "pending"), ("page", "0"), ("page_size", "1001"),
        ("service_code", "DROP TABLE"), ("service_request_id", "42"),
    ])
    func badQueries(name: String, value: String) {
        guard case .failure(let failure) = Open311.Query.parse([name: value], now: Self.now) else { Issue.record("accepted"); return }
        #expect(failure.errors.map(\.field) == [name])
    }

    @Test func aWindowLongerThan90DaysIsRefused() {
        let result = Open311.Query.parse(["start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"], now: Self.now)
        guard case .failure(let failure) = result else { Issue.record("accepted"); return }
        #expect(failure.errors.map(\.field) == ["end_date"])
    }

    @Test func timesCarryShenzhensOffset() {
        #expect(Open311.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T08:00:00+08:00")
        #expect(Open311.parseDate("2026-11-30T09:00:00.250+08:00") != nil)
    }
}
