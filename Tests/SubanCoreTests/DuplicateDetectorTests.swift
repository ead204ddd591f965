import Foundation
import SubanCore
import SubanData
import Testing

@Suite struct PlaceMentionsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var names: [String]
        var testDescription: String { text }
    }

    @Test(arguments: [
        Case(text: "民治街道民康路与民旺路交汇处的路灯坏了", names: ["民康路", "民旺路"]),
        Case(text: "布吉街道信义假日名城小区门口垃圾没人清运", names: ["信义假日名城"]),
        Case(text: "梅林一村3号楼电梯坏了", names: ["梅林一村", "3号楼"]),
        Case(text: "深圳湾公园里有人电鱼", names: ["深圳湾"]),
        Case(text: "龙华汽车站门口一堆流动摊贩占道经营", names: ["龙华汽车站"]),
        Case(text: "那座人行天桥的扶梯停了，路灯也不亮", names: []),
        Case(text: "我们小区楼下的马路上城管不管", names: []),
        Case(text: "从3号开始就停水了", names: []),
        Case(text: "民康路88号门口", names: ["民康路", "88号"]),
        Case(text: "建议公交线路调整一下，走路太远", names: []),
        Case(text: "百花二路的小学门口", names: ["百花二路"]),
    ])
    func findsThePlacesAnAppealNames(_ example: Case) {
        #expect(PlaceMentions(example.text).mentions.map(\.name) == example.names)
    }

    @Test func officialNamesAreNotPlacesOfTheirOwn() {
        // Every report on the street shares "民治街道": it says nothing about the place.
        #expect(PlaceMentions("龙华区民治街道").mentions.isEmpty)
    }
}

@Suite struct DuplicateDetectorTests {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)
    static let detector = DuplicateDetector()

    static func report(_ text: String, item: String = "urban-management.street-lighting", street: String? = "longhua.minzhi",
                       hours: Double = 0, urgent: Bool = false, candidates: [(String, Double)]? = nil) -> DuplicateDetector.Report {
        let category = String(item.split(separator: ".").first!)
        return DuplicateDetector.Report(
            id: UUID(), categoryCode: category, itemCode: item,
            candidates: (candidates ?? [(item, 0.8), ("urban-management.manhole", 0.1)]).map { .init(itemCode: $0.0, probability: $0.1) },
            streetCode: street, urgent: urgent, receivedAt: start.addingTimeInterval(hours * 3600), address: nil, text: text)
    }

    struct Rule: Sendable, CustomTestStringConvertible {
        var name: String
        var earlier: DuplicateDetector.Report
        var later: DuplicateDetector.Report
        var duplicate: Bool
        /// Part of the reason a distinct pair is kept apart.
        var reason: String = ""
        var testDescription: String { name }
    }

    static let crossing = "民康路与民旺路路口的路灯坏了，晚上很黑"

    @Test(arguments: [
        Rule(name: "one crossing, other words", earlier: report(crossing), later: report("民旺路民康路交叉口几盏灯一直不亮", hours: 5), duplicate: true),
        Rule(name: "another road on the street", earlier: report(crossing), later: report("人民路的路灯坏了，晚上很黑", hours: 1),
             duplicate: false, reason: "different places"),
        Rule(name: "another block of one estate", earlier: report("梅林一村3栋电梯坏了", item: "housing.elevator"),
             later: report("梅林一村5栋电梯坏了", item: "housing.elevator", hours: 1), duplicate: false, reason: "different places"),
        Rule(name: "another street office", earlier: report(crossing), later: report(crossing, street: "longhua.longhua", hours: 1),
             duplicate: false, reason: "street"),
        Rule(name: "street unknown", earlier: report(crossing, street: nil), later: report(crossing, street: nil, hours: 1),
             duplicate: false, reason: "street"),
        Rule(name: "after the window", earlier: report(crossing), later: report(crossing, hours: 73), duplicate: false, reason: "window"),
        Rule(name: "inside the window", earlier: report(crossing), later: report(crossing, hours: 71), duplicate: true),
        Rule(name: "another category at the crossing", earlier: report(crossing),
             later: report("民康路与民旺路路口有人占道摆摊", item: "transport.illegal-parking", hours: 1), duplicate: false, reason: "category"),
        Rule(name: "another problem of one category",
             earlier: report(crossing),
             later: report("民康路与民旺路路口井盖丢了", item: "urban-management.manhole", hours: 1,
                           candidates: [("urban-management.manhole", 0.9), ("urban-management.road-occupation", 0.1)]),
             duplicate: false, reason: "different problem"),
        Rule(name: "neighbouring items, one problem",
             earlier: report(crossing, candidates: [("urban-management.street-lighting", 0.5), ("urban-management.facilities", 0.4)]),
             later: report("民康路与民旺路路口灯杆坏了不亮", item: "urban-management.facilities", hours: 1,
                           candidates: [("urban-management.facilities", 0.5), ("urban-management.street-lighting", 0.4)]),
             duplicate: true),
        Rule(name: "urgent report joins a calm one", earlier: report(crossing), later: report(crossing, hours: 1, urgent: true), duplicate: true),
        Rule(name: "calm report joins an urgent one", earlier: report(crossing, urgent: true), later: report(crossing, hours: 1), duplicate: true),
        Rule(name: "no place named", earlier: report("路灯坏了"), later: report("路灯坏了，晚上很黑", hours: 1), duplicate: false, reason: "place not confirmed"),
    ])
    func decides(_ rule: Rule) {
        switch Self.detector.compare(rule.later, with: rule.earlier) {
        case .duplicate(let match):
            #expect(rule.duplicate, "linked on \(match.sharedPlaces)")
            #expect(match.parentID == rule.earlier.id)
        case .distinct(let reason):
            #expect(!rule.duplicate, "kept apart: \(reason)")
            #expect(reason.contains(rule.reason), "\(reason)")
        }
    }

    @Test func anUrgentReportMakesTheCalmIncidentItJoinsUrgent() throws {
        let calm = Self.report(Self.crossing, hours: -2)
        let urgent = Self.report("民旺路民康路路口路灯全灭，刚才有人摔倒受伤", hours: 1, urgent: true)
        let later = Self.report("民康路民旺路路口的路灯还是不亮", hours: 2, urgent: true)
        let links = Self.detector.link([urgent, later], recent: [calm])
        #expect(links[urgent.id]?.parentID == calm.id && links[urgent.id]?.escalates == true)
        #expect(links[later.id]?.parentID == calm.id && links[later.id]?.escalates == false, "raised once, by the first urgent report")
        guard case .duplicate(let match) = Self.detector.compare(Self.report(Self.crossing, hours: 3), with: urgent) else { Issue.record("kept apart"); return }
        #expect(!match.escalates, "a calm report leaves an urgent ticket as it is")
    }

    @Test func aBatchLinksToItsOwnEarlierReportAndToTheStrongestOpenParent() {
        let open = Self.report("民康路与民旺路路口路灯不亮", hours: -10)
        let elsewhere = Self.report("人民路路灯不亮", hours: -5)
        let first = Self.report("沙吓路的路灯坏了", hours: 1)
        let second = Self.report("沙吓路路灯一到晚上就不亮", hours: 2)
        let third = Self.report("民旺路和民康路交叉口的路灯坏了", hours: 3)
        let links = Self.detector.link([third, second, first], recent: [open, elsewhere])
        #expect(links[first.id] == nil, "the first report of an incident becomes a parent")
        #expect(links[second.id]?.parentID == first.id, "reports in one batch link to each other, in order of receipt")
        #expect(links[third.id]?.parentID == open.id)
        #expect(links.count == 2)
    }

    @Test func aPairMayGiveOnlyTheDistrict() throws {
        let pair = try #require(try DuplicatePair.parse("= 3h @nanshan | 白石洲路灯坏了 || 白石洲村路灯不亮").first)
        #expect(pair.districtCode == "nanshan" && pair.streetCode == nil)
    }

    @Test func theShippedPairsParseAndHalfAreHeldOut() throws {
        let pairs = try #require(ShippedData.shenzhen.duplicatePairs["pairs"])
        #expect(pairs.count >= 100)
        #expect(pairs.filter(\.sameIncident).count >= 50 && pairs.filter { !$0.sameIncident }.count >= 50)
        #expect(abs(pairs.filter(\.heldOut).count * 2 - pairs.count) <= 1)
        #expect(Set(pairs.map { $0.first + $0.second }).count == pairs.count, "no pair written twice")
    }

    @Test(arguments: [
        ("= 5h 民康路 民旺路", "no '|'"),
        ("= 5h | 只有一条", "two appeals"),
        ("~ 5h | a || b", "'=' or '≠'"),
        ("= five | a || b", "hours"),
        ("≠ 2h @nowhere.street | a || b", "unknown street"),
        ("≠ 2h @atlantis | a || b", "unknown street or district"),
    ])
    func pairErrorsNameTheLine(_ line: String, _ message: String) {
        #expect {
            try DuplicatePair.parse("# header\n" + line)
        } throws: { error in
            guard let error = error as? DuplicatePair.ParseError else { return false }
            return error.line == 2 && error.message.contains(message)
        }
    }
}
