import Foundation
import Testing
@testable import SubanCore
import SubanData

@Suite struct TerritoryTests {
    @Test func hasTheElevenDistrictsAndSeventyFourStreetOffices() {
        #expect(Territory.districts.map(\.code) == ["futian", "luohu", "nanshan", "yantian", "baoan", "longgang", "longhua",
                                                    "pingshan", "guangming", "dapeng", "shenshan"])
        let streetOffices = Territory.allStreets.filter { $0.name.hasSuffix("街道") }
        #expect(streetOffices.count == 74)
        #expect(Set(Territory.allStreets.map(\.name)).count == Territory.allStreets.count, "street names are unique city-wide")
    }

    @Test(arguments: [
        ("龙华街道龙观大道龙华汽车站", "longhua", "longhua.longhua"),
        ("南山区粤海街道深圳湾科技生态园", "nanshan", "nanshan.yuehai"),
        ("沙头角街道中英街", "yantian", "yantian.shatoujiao"),
        ("福田区某小区", "futian", nil),
        ("宝安国际机场T3", "baoan", nil),
        ("深汕特别合作区鹅埠镇", "shenshan", "shenshan.ebu"),
        ("不知道在哪里", nil, nil),
    ] as [(String, String?, String?)])
    func resolvesPlacesFromText(_ text: String, _ district: String?, _ street: String?) {
        let place = TerritoryResolver.resolve(text)
        #expect(place.districtCode == district)
        #expect(place.streetCode == street)
    }
}

@Suite struct DispatcherTests {
    let dispatcher = Dispatcher(catalog: .shenzhen, departments: Departments.all, model: ShippedData.trainedModel,
                                places: PlaceResolver(gazetteer: ShippedData.shenzhen.gazetteer))

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var district: String?
        var address: String?
        var item: String
        var lead: String
        var coHandlers: [String] = []
        var testDescription: String { item }
    }

    static let routed: [Case] = [
        Case(text: "工地夜间施工打桩，吵得睡不着", district: nil, address: "龙华街道龙观大道龙华汽车站",
             item: "noise.construction-night", lead: "longhua:housing", coHandlers: ["longhua:urban-management"]),
        Case(text: "每天晚上广场舞音响太大声", district: "nanshan", address: "桃源街道龙珠花园",
             item: "noise.square-dance", lead: "street:nanshan.taoyuan", coHandlers: ["nanshan:police"]),
        Case(text: "广场舞音响太吵", district: "nanshan", address: nil,
             item: "noise.square-dance", lead: "nanshan:gov", coHandlers: ["nanshan:police"]),
        Case(text: "家里水压太低，高峰期根本用不了水", district: "baoan", address: nil,
             item: "utilities.water-supply", lead: "city:water-group", coHandlers: ["baoan:water"]),
        Case(text: "公司拖欠工资三个月", district: "guangming", address: "公明街道",
             item: "labor.wage-arrears", lead: "guangming:hrss", coHandlers: ["street:guangming.gongming"]),
        Case(text: "出租车司机拒载还绕路", district: nil, address: nil,
             item: "transport.taxi", lead: "city:transport"),
        Case(text: "餐馆油烟直排楼上", district: nil, address: nil,
             item: "environment.cooking-fumes", lead: "city:environment", coHandlers: ["city:urban-management"]),
    ]

    @Test(arguments: routed)
    func routesByDutyAndTerritory(_ testCase: Case) throws {
        let decision = dispatcher.decide(.init(text: testCase.text, urgentFlag: false,
                                               location: Location(districtCode: testCase.district, address: testCase.address)))
        guard case .assign(let assignment) = decision else {
            Issue.record("not assigned: \(decision)")
            return
        }
        #expect(assignment.item.code == testCase.item)
        #expect(assignment.units.first == RoutedUnit(departmentCode: testCase.lead, role: .lead))
        #expect(assignment.units.dropFirst().map(\.departmentCode) == testCase.coHandlers)
        #expect(assignment.units.dropFirst().allSatisfy { $0.role == .coHandler })
    }

    @Test(arguments: [
        ("你好，我想咨询一下", false), ("麻烦帮我处理一下谢谢", false), ("我要投诉！", false), ("喂 在吗", false), ("请问一下", false),
        ("路灯坏了", true), ("漏水", true), ("着火了", true), ("救命", true), ("有人打架", true), ("我想咨询公积金怎么提取", true),
    ])
    func aTextNamesASubjectUnlessItIsOnlyGreetingsAndPoliteness(_ text: String, _ expected: Bool) {
        #expect(ShippedData.shippedLexicon.namesASubject(text) == expected)
    }

    @Test(arguments: ["你好，我想咨询一下", "麻烦帮我处理一下谢谢", "？？？"])
    func textWithoutADutyGoesToTriage(_ text: String) {
        let decision = dispatcher.decide(.init(text: text, urgentFlag: false, location: Location(address: "深圳")))
        guard case .triage(let reason, _, let urgent, let item) = decision else { Issue.record("assigned: \(decision)"); return }
        #expect(reason.contains("no catalog item") || reason.contains("below"))
        #expect(!urgent)
        #expect(item == nil)
    }

    /// A question about a street office's duty needs no place: the municipal department answers it.
    /// A complaint about the same duty with no place still waits for one.
    @Test func aConsultationWithNoPlaceGoesToTheMunicipalDepartment() {
        let question = dispatcher.decide(.init(text: "请问路边摆摊需要办什么手续，一个月管理费多少？", urgentFlag: false, location: Location(), type: .consultation))
        guard case .assign(let assignment) = question else { Issue.record("not assigned: \(question)"); return }
        #expect(assignment.item.code == "urban-management.street-vendor")
        #expect(assignment.units.first == RoutedUnit(departmentCode: "city:urban-management", role: .lead))
        let complaint = dispatcher.decide(.init(text: "路边摊占道经营", urgentFlag: false, location: Location(), type: .complaint))
        guard case .triage = complaint else { Issue.record("assigned: \(complaint)"); return }
    }

    /// An Open311 service the citizen chose is read as the appeal's title: a text that says little
    /// goes to that service, and one that names its own problem plainly still wins.
    @Test func aChosenServiceIsTheAppealsTitle() {
        let place = Location(districtCode: "futian", address: "华强北路")
        let vague = dispatcher.decide(.init(text: "麻烦帮我处理一下谢谢", urgentFlag: false, location: place, requestedItem: "urban-management.street-vendor"))
        guard case .assign(let assignment) = vague else { Issue.record("not assigned: \(vague)"); return }
        #expect(assignment.item.code == "urban-management.street-vendor")
        let plain = dispatcher.decide(.init(text: "楼上装修电钻从早上七点响到晚上十点，周末也不停", urgentFlag: false, location: place,
                                            requestedItem: "urban-management.street-vendor"))
        guard case .assign(let decided) = plain else { Issue.record("not assigned: \(plain)"); return }
        #expect(decided.item.categoryCode == "noise")
    }

    @Test func streetDutyWithNoPlaceGoesToTriage() {
        let decision = dispatcher.decide(.init(text: "路边摊占道经营", urgentFlag: false, location: Location(address: "不知道")))
        guard case .triage(let reason, _, _, let item) = decision else { Issue.record("assigned: \(decision)"); return }
        #expect(reason.contains("no district"))
        // Only the place is missing: the item is known and shows on the ticket.
        #expect(item?.code == "urban-management.street-vendor")
    }

    @Test(arguments: ["老人被困在电梯里", "闻到楼道里很浓的燃气味", "地下车库水浸，积水到膝盖", "电线冒烟还有火花"])
    func detectsLifeOrPropertyAtRisk(_ text: String) {
        let decision = dispatcher.decide(.init(text: text, urgentFlag: false, location: Location(districtCode: "futian")))
        switch decision {
        case .assign(let assignment): #expect(assignment.urgent)
        case .triage(_, _, let urgent, _): #expect(urgent)
        }
    }

    @Test func channelUrgentFlagIsKept() {
        guard case .assign(let assignment) = dispatcher.decide(.init(text: "出租车拒载", urgentFlag: true, location: Location())) else {
            Issue.record("not assigned")
            return
        }
        #expect(assignment.urgent)
        #expect(assignment.urgentSignals.isEmpty)
    }

    @Test func specificPhrasesOutweighGenericOnes() {
        let classification = ShippedData.trainedModel.classifier.classify("电梯故障停运好几天，老人下不了楼")
        #expect(classification.itemCode == "housing.elevator")
        #expect(classification.candidates.count >= 2)
        #expect(classification.confidence > 0 && classification.confidence <= 1)
    }
}

@Suite struct CatalogTests {
    @Test func hasTheEighteenCategoriesAndConsistentItems() {
        let catalog = Catalog.shenzhen
        #expect(catalog.categories.count == 18)
        let categories = Set(catalog.categories.map(\.code))
        #expect(catalog.items.allSatisfy { categories.contains($0.categoryCode) })
        #expect(Set(catalog.items.map(\.code)).count == catalog.items.count)
        #expect(categories == Set(catalog.items.map(\.categoryCode)), "every category has items")
        #expect(catalog.items.allSatisfy { !$0.keywords.isEmpty })
    }

    /// Every duty must land on a real unit wherever in the city the appeal comes from.
    @Test func everyItemRoutesInEveryStreet() {
        let router = DutyRouter(departments: Departments.all)
        for item in Catalog.shenzhen.items {
            for street in Territory.allStreets {
                let units = router.route(item, at: .init(districtCode: street.districtCode, streetCode: street.code))
                #expect(units != nil, "\(item.code) at \(street.code)")
                #expect(units?.count == 1 + item.coHandlers.count, "\(item.code) at \(street.code)")
            }
        }
    }

    @Test func departmentCodesAreUnique() {
        #expect(Set(Departments.all.map(\.code)).count == Departments.all.count)
        #expect(Departments.all.contains { $0.code == "city:police" && $0.name == "深圳市公安局" })
        #expect(Departments.all.contains { $0.code == "street:longhua.longhua" && $0.name == "龙华街道办事处" })
        #expect(Departments.all.contains { $0.code == "futian:police" && $0.name == "深圳市公安局福田分局" })
    }
}

@Suite struct TrackingCodeTests {
    @Test func isTwentySixCrockfordCharacters() {
        let code = TrackingCode.generate()
        #expect(code.count == 26)
        #expect(TrackingCode.isWellFormed(code))
        #expect(!TrackingCode.isWellFormed(code.lowercased()))
        #expect(!TrackingCode.isWellFormed(String(code.dropLast())))
        #expect(!TrackingCode.isWellFormed(String(code.dropLast()) + "U"))
    }

    /// 26 × 5 = 130 bits of output carry all 128 random bits: the top and bottom bits both show.
    @Test func carriesAllOneHundredTwentyEightBits() {
        struct Fixed: RandomNumberGenerator {
            var values: [UInt64]
            mutating func next() -> UInt64 { values.removeFirst() }
        }
        var zeros = Fixed(values: [0, 0])
        var topBit = Fixed(values: [1 << 63, 0])
        var bottomBit = Fixed(values: [0, 1])
        let zero = TrackingCode.generate(using: &zeros)
        #expect(zero == String(repeating: "0", count: 26))
        #expect(TrackingCode.generate(using: &topBit) != zero)
        #expect(TrackingCode.generate(using: &bottomBit) != zero)
    }

    @Test func doesNotRepeat() {
        let codes = (0..<20_000).map { _ in TrackingCode.generate() }
        #expect(Set(codes).count == codes.count)
    }
}

@Suite struct SLAPolicyTests {
    @Test(arguments: [(true, 30 * 60.0), (false, 2 * 3600.0)])
    func dispatchDeadlines(_ urgent: Bool, _ seconds: Double) {
        let received = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(SLAPolicy.dispatchDeadline(receivedAt: received, urgent: urgent).timeIntervalSince(received) == seconds)
    }
}

@Suite struct UrgencyTests {
    let lexicon = ShippedData.shenzhen.lexicon

    @Test(arguments: [
        ("楼道里电线冒烟了", ["冒烟"]),
        ("没有着火，就是有点吵", []),
        ("担心万一着火怎么办", []),
        ("上次着火以后灭火器一直没换", []),
        ("想咨询一下燃气泄漏应该打哪个电话", []),
        ("我不担心别的，厨房里燃气味很重", ["燃气味"]),
        ("没人管的电线冒烟", ["冒烟"]),
    ] as [(String, [String])])
    func hazardsCountOnlyWhenPresent(_ text: String, _ expected: [String]) {
        #expect(lexicon.signals(in: text) == expected)
    }

    /// A gas leak is urgent whatever the words: the item alone is enough.
    @Test func itemsUrgentByNatureAreUrgentWhateverTheWords() throws {
        let item = try #require(Catalog.shenzhen.item(code: "utilities.gas-leak"))
        let assessment = ShippedData.trainedModel.urgency.assess("麻烦师傅上门看看灶台那个管子", item: item)
        #expect(assessment.urgent)
        #expect(assessment.reasons.first?.contains(item.name) == true)
    }

    @Test(arguments: ["公积金怎么提取", "建议地铁站多装几个垃圾桶", "楼上邻居装修太吵了"])
    func calmAppealsStayCalm(_ text: String) {
        #expect(!ShippedData.trainedModel.urgency.assess(text, item: nil).urgent)
    }
}
