import Foundation
import Testing
@testable import SubanCore

@Suite struct AppealValidatorTests {
    static let valid: [String: JSONValue] = [
        "channel": .string("hotline"), "channel_ref": .string("H-2026-0001"), "type": .string("complaint"),
        "urgent": .bool(false), "text": .string("小区旁边工地夜间施工，噪音很大"),
        "location": .object(["district": .string("longhua"), "street": .string("longhua.longhua"), "address": .string("龙观大道")]),
        "contact": .object(["phone": .string("13800138000"), "anonymous": .bool(false)]),
        "attachments": .array([.object(["url": .string("https://img.example/1.jpg"), "media": .string("picture")])]),
    ]

    static func with(_ path: String, _ value: JSONValue?) -> JSONValue {
        var root = valid
        let parts = path.split(separator: ".").map(String.init)
        if parts.count == 1 {
            root[parts[0]] = value
        } else if case .object(var inner)? = root[parts[0]] {
            inner[parts[1]] = value
            root[parts[0]] = .object(inner)
        }
        return .object(root)
    }

    @Test func acceptsAValidAppeal() throws {
        let appeal = try AppealValidator().validate(.object(Self.valid)).get()
        #expect(appeal.channel == .hotline)
        #expect(appeal.type == .complaint)
        #expect(appeal.location.districtCode == "longhua")
        #expect(appeal.location.streetCode == "longhua.longhua")
        #expect(appeal.attachments == [Attachment(url: "https://img.example/1.jpg", media: .picture)])
    }

    /// A channel may say it verified the number; a body that does not say leaves the digest of
    /// earlier appeals as it was (retries of them still match).
    @Test func aChannelMayMarkTheNumberVerified() throws {
        #expect(try AppealValidator().validate(.object(Self.valid)).get().contact.verified == nil)
        let verified = try AppealValidator().validate(Self.with("contact.verified", .bool(true))).get()
        #expect(verified.contact == Contact(phone: "13800138000", anonymous: false, verified: true))
        guard case .failure(let failure) = AppealValidator().validate(Self.with("contact.verified", .string("yes"))) else {
            Issue.record("accepted a string"); return
        }
        #expect(failure.errors.map(\.field) == ["contact.verified"])
    }

    /// A consultation needs no place ("公积金怎么提取？"), nor does a city-level duty.
    @Test func acceptsAnAppealWithNoPlace() throws {
        var body = Self.valid
        body["location"] = nil
        body["type"] = .string("consultation")
        body["text"] = .string("公积金怎么提取？")
        let appeal = try AppealValidator().validate(.object(body)).get()
        #expect(appeal.location == Location())
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var body: JSONValue
        var field: String
        var testDescription: String { name }
    }

    static let long = String(repeating: "噪", count: 2001)

    static let rejected: [Case] = [
        Case(name: "body is not an object", body: .array([]), field: "body"),
        Case(name: "unknown top-level field", body: with("priority", .string("high")), field: "priority"),
        Case(name: "missing channel", body: with("channel", nil), field: "channel"),
        Case(name: "unknown channel", body: with("channel", .string("fax")), field: "channel"),
        Case(name: "channel not a string", body: with("channel", .number(1)), field: "channel"),
        Case(name: "missing channel_ref", body: with("channel_ref", nil), field: "channel_ref"),
        Case(name: "channel_ref with spaces", body: with("channel_ref", .string("a b")), field: "channel_ref"),
        Case(name: "channel_ref too long", body: with("channel_ref", .string(String(repeating: "x", count: 65))), field: "channel_ref"),
        Case(name: "unknown type", body: with("type", .string("praise")), field: "type"),
        Case(name: "urgent not a boolean", body: with("urgent", .string("yes")), field: "urgent"),
        Case(name: "missing text", body: with("text", nil), field: "text"),
        Case(name: "blank text", body: with("text", .string("   ")), field: "text"),
        Case(name: "text over the limit", body: with("text", .string(long)), field: "text"),
        Case(name: "text with a NUL", body: with("text", .string("噪音\u{0}大")), field: "text"),
        Case(name: "location not an object", body: with("location", .string("龙华")), field: "location"),
        Case(name: "unknown location field", body: with("location.floor", .number(3)), field: "location.floor"),
        Case(name: "unknown district", body: with("location.district", .string("chaoyang")), field: "location.district"),
        Case(name: "unknown street", body: with("location.street", .string("longhua.nowhere")), field: "location.street"),
        Case(name: "street in another district", body: with("location.street", .string("futian.yuanling")), field: "location.street"),
        Case(name: "latitude outside Shenzhen", body: with("location.coordinates", .object(["lat": .number(39.9), "lng": .number(114.0)])), field: "location.coordinates.lat"),
        Case(name: "longitude not a number", body: with("location.coordinates", .object(["lat": .number(22.5), "lng": .string("114")])), field: "location.coordinates.lng"),
        Case(name: "nowhere at all", body: .object(valid.merging(["location": .object(["community": .string("某社区")])]) { $1 }), field: "location.address"),
        Case(name: "address over the limit", body: with("location.address", .string(String(repeating: "路", count: 201))), field: "location.address"),
        Case(name: "missing contact", body: with("contact", nil), field: "contact"),
        Case(name: "phone required when not anonymous", body: with("contact.phone", nil), field: "contact.phone"),
        Case(name: "phone not a number", body: with("contact.phone", .string("call me")), field: "contact.phone"),
        Case(name: "phone too short", body: with("contact.phone", .string("1380013")), field: "contact.phone"),
        Case(name: "anonymous not a boolean", body: with("contact.anonymous", .number(1)), field: "contact.anonymous"),
        Case(name: "attachments not an array", body: with("attachments", .string("x")), field: "attachments"),
        Case(name: "too many attachments", body: with("attachments", .array(Array(repeating: .object(["url": .string("https://a/b"), "media": .string("video")]), count: 11))), field: "attachments"),
        Case(name: "attachment not an object", body: with("attachments", .array([.string("https://a/b")])), field: "attachments[0]"),
        Case(name: "attachment URL not http", body: with("attachments", .array([.object(["url": .string("file:///etc/passwd"), "media": .string("picture")])])), field: "attachments[0].url"),
        Case(name: "one character carrying thousands of combining marks",
             body: with("text", .string("a" + String(repeating: "\u{0301}", count: 5000))), field: "text"),
        Case(name: "attachment unknown media", body: with("attachments", .array([.object(["url": .string("https://a/b"), "media": .string("pdf")])])), field: "attachments[0].media"),
    ]

    @Test(arguments: rejected)
    func rejectsNamingTheField(_ testCase: Case) {
        guard case .failure(let failure) = AppealValidator().validate(testCase.body) else {
            Issue.record("accepted \(testCase.name)")
            return
        }
        #expect(failure.errors.map(\.field).contains(testCase.field), "\(failure.errors)")
    }

    @Test func reportsEveryProblemAtOnce() {
        let body: JSONValue = .object(["channel": .string("fax"), "type": .string("x"), "location": .object([:]), "contact": .object([:])])
        guard case .failure(let failure) = AppealValidator().validate(body) else { Issue.record("accepted"); return }
        #expect(Set(failure.errors.map(\.field)).isSuperset(of: ["channel", "channel_ref", "type", "text", "location.address", "contact.phone"]))
    }

    @Test func anonymousAppealNeedsNoPhone() throws {
        let body = Self.with("contact", .object(["anonymous": .bool(true)]))
        let appeal = try AppealValidator().validate(body).get()
        #expect(appeal.contact == Contact(phone: nil, anonymous: true))
    }

    @Test func streetImpliesItsDistrict() throws {
        let body = Self.with("location", .object(["street": .string("nanshan.yuehai")]))
        let appeal = try AppealValidator().validate(body).get()
        #expect(appeal.location.districtCode == "nanshan")
    }

    @Test func limitIsCountedInCharactersNotBytes() throws {
        let body = Self.with("text", .string(String(repeating: "噪", count: 2000)))
        #expect(throws: Never.self) { try AppealValidator().validate(body).get() }
    }

    @Test(arguments: [
        ("13800138000", "13800138000"), ("+86 138-0013-8000", "13800138000"), ("0755-83001234", "075583001234"),
        ("12800138000", nil), ("1380013800", nil), ("00755830012", nil), ("１３８００１３８０００", nil),
    ] as [(String, String?)])
    func normalizesPhoneNumbers(_ raw: String, _ expected: String?) {
        #expect(PhoneNumber.normalize(raw) == expected)
    }
}
