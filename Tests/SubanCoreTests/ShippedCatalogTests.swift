import Testing
@testable import SubanCore

@Suite struct ShippedCatalogTests {
    @Test func hasTheEighteenCategoriesInTheIssuesOrderAndFourHundredItems() {
        #expect(Catalog.shenzhen.categories.map(\.code) == [
            "urban-management", "environment", "noise", "transport", "public-security", "housing", "market", "labor", "health",
            "education", "civil-affairs", "utilities", "planning", "enterprise", "culture-tourism", "safety", "gov-services", "finance",
        ])
        #expect(Catalog.shenzhen.items.count >= 400)
    }

    /// Shenzhen's noise catalog spans many units: construction, police, traffic police, environment, metro, airport...
    @Test func noiseHasThirtyFiveItemsAcrossTenUnits() {
        let noise = Catalog.shenzhen.items.filter { $0.categoryCode == "noise" }
        #expect(noise.count >= 35)
        let units = Set(noise.flatMap { [$0.lead] + $0.coHandlers }.map(\.description))
        #expect(units.count >= 10, "\(units.sorted())")
    }

    @Test func everyItemHasFiveLabelledAppealsOneHeldOut() {
        let byItem = Dictionary(grouping: AppealCorpus.shenzhen, by: \.itemCode)
        for item in Catalog.shenzhen.items {
            let appeals = byItem[item.code] ?? []
            #expect(appeals.count >= 5, "\(item.code)")
            #expect(appeals.filter { $0.split == .heldOut }.count == appeals.count / 5, "\(item.code)")
        }
        #expect(AppealCorpus.shenzhen.count >= 2000)
        #expect(Set(byItem.keys).isSubset(of: Set(Catalog.shenzhen.items.map(\.code))))
    }

    @Test func heldOutAppealsAreNeverLearntFrom() {
        let texts = AppealCorpus.shenzhen.map(\.text)
        #expect(Set(texts).count == texts.count, "no appeal is written twice")
        #expect(Set(AppealCorpus.training.map(\.text)).isDisjoint(with: AppealCorpus.heldOut.map(\.text)))
        #expect(AppealCorpus.training.count + AppealCorpus.heldOut.count == AppealCorpus.shenzhen.count)
    }

    @Test func urgentExamplesAreLabelled() {
        #expect(AppealCorpus.shenzhen.filter(\.urgent).count >= 40)
        #expect(AppealCorpus.heldOut.contains { $0.urgent })
    }

    @Test(arguments: [
        ("@x|名称|street||词", "item before any category"),
        ("# a 甲\n@x|名称|nowhere||词", "bad lead unit"),
        ("# a 甲\n@x|名称|street|city:|词", "bad co-handler"),
        ("# a 甲\n@x|名称|street||", "no keywords"),
        ("# a 甲\n@x|名称|street", "expected 5"),
        ("# a 甲\n一条诉求", "appeal before any item"),
        ("#a", "expected '# code 名称'"),
    ])
    func malformedCatalogLinesAreNamed(_ text: String, _ reason: String) {
        #expect {
            _ = try ShippedCatalog.parse([text])
        } throws: { error in
            (error as? ShippedCatalog.ParseError)?.reason.contains(reason) == true
        }
    }

    @Test func parsesItemsAppealsAndTheSplit() throws {
        let (catalog, appeals) = try ShippedCatalog.parse(["""
            # noise 噪声扰民
            @night|夜间施工|district:housing|district:urban-management,street|夜间施工 打桩
            一
            二
            !三
            四
            五
            六
            """])
        #expect(catalog.items.map(\.code) == ["noise.night"])
        #expect(catalog.items[0].coHandlers == [.district("urban-management"), .street])
        #expect(catalog.items[0].keywords == ["夜间施工", "打桩"])
        #expect(appeals.map(\.text) == ["一", "二", "三", "四", "五", "六"])
        #expect(appeals.map(\.urgent) == [false, false, true, false, false, false])
        #expect(appeals.map(\.split) == [.training, .training, .training, .training, .heldOut, .training])
    }
}

@Suite struct ClassifierTests {
    let catalog = Catalog(categories: [.init(code: "noise", name: "噪声"), .init(code: "transport", name: "交通")], items: [
        CatalogItem(code: "noise.night", categoryCode: "noise", name: "夜间施工噪声", lead: .district("housing"), keywords: ["夜间施工"]),
        CatalogItem(code: "noise.dance", categoryCode: "noise", name: "广场舞噪声", lead: .street, keywords: ["广场舞"]),
        CatalogItem(code: "transport.taxi", categoryCode: "transport", name: "出租车", lead: .city("transport"), keywords: ["出租车", "拒载"]),
    ])
    let examples = [
        LabeledAppeal(text: "工地半夜还在打桩", itemCode: "noise.night", urgent: false, split: .training),
        LabeledAppeal(text: "大妈们跳舞音响太吵", itemCode: "noise.dance", urgent: false, split: .training),
        LabeledAppeal(text: "的士司机不打表绕路", itemCode: "transport.taxi", urgent: false, split: .training),
    ]

    @Test(arguments: [
        ("隔壁工地晚上打桩", "noise.night"),
        ("楼下跳舞的音响", "noise.dance"),
        ("司机绕路还不打表", "transport.taxi"),
        ("出租车拒载", "transport.taxi"),
    ])
    func learnsFromExamplesAndPhrases(_ text: String, _ expected: String) {
        let classification = Classifier(catalog: catalog, examples: examples, parameters: .init(smoothing: 0.1)).classify(text)
        #expect(classification.itemCode == expected)
        #expect(classification.candidates.first?.itemCode == expected)
        #expect(classification.confidence > 0 && classification.confidence <= 1)
    }

    @Test func phrasesAloneStillClassifyWithoutExamples() {
        #expect(Classifier(catalog: catalog).classify("晚上夜间施工很吵").itemCode == "noise.night")
    }

    @Test func candidatesAreRankedAndDistinct() {
        let classification = Classifier(catalog: catalog, examples: examples).classify("广场舞音响太吵了")
        #expect(classification.candidates.count == 3)
        #expect(Set(classification.candidates.map(\.itemCode)).count == 3)
        #expect(classification.candidates.dropFirst().map(\.probability) == classification.candidates.dropFirst().map(\.probability).sorted(by: >))
    }

    @Test func textWithNothingToReadHasNoItem() {
        let classification = Classifier(catalog: catalog, examples: examples).classify("？！……  ")
        #expect(classification.itemCode == nil)
        #expect(classification.confidence == 0)
    }
}
