import Foundation
import SubanData
@testable import SubanLearning
import Testing
@testable import SubanCore

extension Catalog {
    static var shenzhen: Catalog { ShippedData.shenzhen.catalog }
}

@Suite struct ShippedDataTests {
    let data = ShippedData.shenzhen

    @Test func hasTheEighteenCategoriesInTheIssuesOrderAndFourHundredItems() {
        #expect(data.catalog.categories.map(\.code) == [
            "urban-management", "environment", "noise", "transport", "public-security", "housing", "market", "labor", "health",
            "education", "civil-affairs", "utilities", "planning", "enterprise", "culture-tourism", "safety", "gov-services", "finance",
        ])
        #expect(data.catalog.items.count >= 400)
        #expect(Set(data.catalog.items.map(\.code)).count == data.catalog.items.count, "item codes are unique")
    }

    /// Shenzhen's noise catalog spans many units: construction, police, traffic police, environment, metro, airport...
    @Test func noiseHasThirtyFiveItemsAcrossTenUnits() {
        let noise = data.catalog.items.filter { $0.categoryCode == "noise" }
        #expect(noise.count >= 35)
        let units = Set(noise.flatMap { [$0.lead] + $0.coHandlers }.map(\.description))
        #expect(units.count >= 10, "\(units.sorted())")
    }

    @Test func itemsUrgentByNatureIncludeGasLeaksFiresAndPeopleTrapped() {
        let urgent = Set(data.catalog.items.filter(\.urgentByNature).map(\.code))
        #expect(urgent.isSuperset(of: ["utilities.gas-leak", "safety.fire-emergency", "safety.trapped"]))
    }

    @Test func everyItemHasTwentyTrainingAppealsAndTheHeldOutSetIsLarge() {
        let byItem = Dictionary(grouping: data.training, by: \.itemCode)
        for item in data.catalog.items { #expect((byItem[item.code]?.count ?? 0) >= 20, "\(item.code)") }
        #expect(data.training.count >= 8000)
        #expect(data.heldOut.count >= 1000)
        let codes = Set(data.catalog.items.map(\.code))
        #expect(Set(byItem.keys).isSubset(of: codes))
        #expect(Set(data.heldOut.map(\.itemCode)).isSubset(of: codes))
    }

    @Test func heldOutAppealsAreNeverLearntFrom() {
        #expect(Set(data.training.map(\.text)).isDisjoint(with: data.heldOut.map(\.text)))
    }

    @Test func urgentAppealsAreLabelledInBothSets() {
        #expect(data.training.filter(\.urgent).count >= 500)
        #expect(data.heldOut.filter(\.urgent).count >= 100)
    }

    @Test func malformedLinesAreNamedWithFileAndLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("suban-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("catalog.jsonl")
        try #"""
            {"category":"noise","category_name":"噪声","code":"noise.night","name":"夜间施工","lead":"district:housing","co_handlers":[],"keywords":["打桩"]}
            {"category":"noise","category_name":"噪声","code":"noise.dance","name":"广场舞","lead":"nowhere","co_handlers":[],"keywords":["广场舞"]}
            """#.write(to: file, atomically: true, encoding: .utf8)
        #expect {
            _ = try ShippedData.catalog(at: file)
        } throws: { error in
            (error as? ShippedData.Malformed).map { $0.line == 2 && $0.reason.contains("bad lead unit") } == true
        }
    }
}

@Suite struct ClassifierTests {
    let catalog = Catalog(categories: [.init(code: "noise", name: "噪声"), .init(code: "transport", name: "交通")], items: [
        CatalogItem(code: "noise.night", categoryCode: "noise", name: "夜间施工噪声", lead: .district("housing"), keywords: ["夜间施工"]),
        CatalogItem(code: "noise.dance", categoryCode: "noise", name: "广场舞噪声", lead: .street, keywords: ["广场舞"]),
        CatalogItem(code: "transport.taxi", categoryCode: "transport", name: "出租车", lead: .city("transport"), keywords: ["出租车", "拒载"]),
    ])
    let examples = [
        LabeledAppeal(text: "工地半夜还在打桩", itemCode: "noise.night", urgent: false),
        LabeledAppeal(text: "晚上工地打桩太吵", itemCode: "noise.night", urgent: false),
        LabeledAppeal(text: "大妈们跳舞音响太吵", itemCode: "noise.dance", urgent: false),
        LabeledAppeal(text: "跳舞的音响每天晚上都响", itemCode: "noise.dance", urgent: false),
        LabeledAppeal(text: "的士司机不打表绕路", itemCode: "transport.taxi", urgent: false),
        LabeledAppeal(text: "司机绕路多收钱", itemCode: "transport.taxi", urgent: false),
    ]
    let options = SoftmaxRegression.Options(epochs: 30, minCount: 1)

    @Test(arguments: [
        ("隔壁工地晚上打桩", "noise.night"),
        ("楼下跳舞的音响", "noise.dance"),
        ("司机绕路还不打表", "transport.taxi"),
        ("出租车拒载", "transport.taxi"),
    ])
    func learnsFromExamplesAndCatalogPhrases(_ text: String, _ expected: String) {
        let classification = Classifier.train(catalog: catalog, examples: examples, options: options).classify(text)
        #expect(classification.itemCode == expected)
        #expect(classification.candidates.first?.itemCode == expected)
        #expect(classification.confidence > 0 && classification.confidence <= 1)
    }

    @Test(arguments: [Float(0), 1, 3, 10])
    func naiveBayesAddsToTheRegressionWithoutChangingWhatItLearnt(_ weight: Float) {
        var options = options
        options.naiveBayes = weight
        let classifier = Classifier.train(catalog: catalog, examples: examples, options: options)
        for (text, expected) in [("隔壁工地晚上打桩", "noise.night"), ("楼下跳舞的音响", "noise.dance"), ("司机绕路还不打表", "transport.taxi")] {
            #expect(classifier.classify(text).itemCode == expected, "naive Bayes at \(weight)")
        }
    }

    @Test func naiveBayesFavoursTheClassAFeatureIsSeenInAndItsRowsAreCentred() {
        // Feature 1 only in class 0, feature 2 only in class 1, feature 3 in both.
        let examples: [(rows: [Int32], values: [Float], label: Int, weight: Float)] = [
            ([0, 2], [0.8, 0.6], 0, 1), ([0], [1], 0, 1), ([1, 2], [0.8, 0.6], 1, 1), ([1], [1], 1, 1),
        ]
        let weights = SoftmaxRegression.naiveBayesWeights(examples, rowCount: 3, classCount: 2, smoothing: 0.1)
        #expect(weights[0] > weights[1], "feature 1 speaks for class 0")
        #expect(weights[3] > weights[2], "feature 2 speaks for class 1")
        #expect(abs(weights[4] - weights[5]) < 1e-6, "a feature both classes have says nothing")
        for row in 0..<3 { #expect(abs(weights[row * 2] + weights[row * 2 + 1]) < 1e-6) }
    }

    @Test func temperatureSoftensConfidenceButKeepsTheChoice() {
        var cool = options
        cool.temperature = 1
        var warm = options
        warm.temperature = 3
        for text in ["隔壁工地晚上打桩", "司机绕路还不打表"] {
            let sure = Classifier.train(catalog: catalog, examples: examples, options: cool).classify(text)
            let softer = Classifier.train(catalog: catalog, examples: examples, options: warm).classify(text)
            #expect(sure.itemCode == softer.itemCode)
            #expect(softer.confidence < sure.confidence)
        }
    }

    @Test func pruningDropsFeaturesThatHardlyMoveAClassAndKeepsTheChoice() {
        var pruned = options
        pruned.pruneBelow = 0.5
        let full = Classifier.train(catalog: catalog, examples: examples, options: options)
        let small = Classifier.train(catalog: catalog, examples: examples, options: pruned)
        #expect(small.featureCount < full.featureCount)
        for text in ["隔壁工地晚上打桩", "楼下跳舞的音响", "司机绕路还不打表"] {
            #expect(small.classify(text).itemCode == full.classify(text).itemCode)
        }
    }

    @Test func aModelStoredWithItsFeaturesInFirstSeenOrderStillReads() throws {
        var writer = ModelWriter()
        writer.tag("SMR3")
        writer.integer(2)
        writer.array([UInt32(30), 10, 20])
        writer.array([Float16](repeating: 1, count: 3).map(\.bitPattern))
        writer.array([Float16(1), -1, -2, 2, 0.5, -0.5].map(\.bitPattern))
        writer.array([Float(0), 0].map(\.bitPattern))
        var reader = ModelReader(writer.bytes)
        let model = try SoftmaxRegression(from: &reader)
        #expect(model.keys == [10, 20, 30])
        #expect(model.row(of: 10) == 0 && model.row(of: 30) == 2 && model.row(of: 15) == nil && model.row(of: 99) == nil)
        #expect(model.logits([30]) == [1, -1] && model.logits([10]) == [-2, 2], "each feature keeps its own weights")
    }

    @Test func catalogPhrasesAloneClassifyWithoutExamples() {
        #expect(Classifier.train(catalog: catalog, examples: [], options: options).classify("晚上夜间施工很吵").itemCode == "noise.night")
    }

    @Test func candidatesAreRankedAndDistinct() {
        let classification = Classifier.train(catalog: catalog, examples: examples, options: options).classify("广场舞音响太吵了")
        #expect(classification.candidates.count == 3)
        #expect(Set(classification.candidates.map(\.itemCode)).count == 3)
        #expect(classification.candidates.map(\.probability) == classification.candidates.map(\.probability).sorted(by: >))
        #expect(abs(classification.candidates.map(\.probability).reduce(0, +) - 1) < 1e-6, "with two categories every item is a candidate")
    }

    @Test func textWithNothingToReadHasNoItem() {
        let classification = Classifier.train(catalog: catalog, examples: examples, options: options).classify("？！……  ")
        #expect(classification.itemCode == nil)
        #expect(classification.confidence == 0)
    }

    @Test func trainingIsDeterministic() {
        let first = AppealModel.train(catalog: catalog, examples: examples, lexicon: ShippedData.shenzhen.lexicon).encoded()
        #expect(first == AppealModel.train(catalog: catalog, examples: examples, lexicon: ShippedData.shenzhen.lexicon).encoded())
    }

    @Test func aModelSurvivesItsBytesAndRefusesForeignOnes() throws {
        let model = ShippedData.trainedModel
        let bytes = model.encoded()
        let decoded = try AppealModel(encoded: bytes, lexicon: ShippedData.shenzhen.lexicon)
        for appeal in ShippedData.shenzhen.heldOut.prefix(50) {
            #expect(decoded.classifier.classify(appeal.text) == model.classifier.classify(appeal.text))
            #expect(decoded.urgency.probability(of: appeal.text) == model.urgency.probability(of: appeal.text))
        }
        #expect(throws: ModelReader.Malformed.self) { try AppealModel(encoded: Array(bytes.dropLast(3)), lexicon: ShippedData.shenzhen.lexicon) }
        #expect(throws: ModelReader.Malformed.self) { try AppealModel(encoded: Array("not a model".utf8), lexicon: ShippedData.shenzhen.lexicon) }
    }
}

@Suite struct TextFeaturesTests {
    @Test func foldsWidthCaseAndDigits() {
        #expect(TextFeatures.of("１２号楼ABC") == TextFeatures.of("37号楼abc"))
    }

    @Test func nGramsNeverSpanPunctuation() {
        let joined = Set(TextFeatures.of("不着火"))
        let apart = Set(TextFeatures.of("不，着火"))
        #expect(apart.isStrictSubset(of: joined))
        #expect(joined.count == 6 && apart.count == 4)
    }
}
