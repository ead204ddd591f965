import Foundation

/// What the classifier concluded from an appeal's text.
public struct Classification: Sendable, Hashable {
    public struct Candidate: Sendable, Hashable {
        public var itemCode: String
        /// The classifier's probability for this item, 0...1.
        public var probability: Double

        public init(itemCode: String, probability: Double) {
            self.itemCode = itemCode
            self.probability = probability
        }
    }

    /// The best item, nil when the text has nothing to classify (no letters or characters).
    public var itemCode: String?
    /// The probability of the chosen item: below the dispatcher's threshold a human decides.
    public var confidence: Double
    /// The best items first, at most five.
    public var candidates: [Candidate]
}

/// Text → catalog item, from two kinds of evidence:
/// - the catalog's phrases, each found in the text adding its length in
///   characters × `phraseWeight` nats to its items (and their categories), so a
///   specific phrase ("夜间施工") outweighs a generic one ("施工");
/// - multinomial naive Bayes over character unigrams and bigrams, trained on the
///   item names, their phrases and labelled appeals, which carries the citizens'
///   own words the phrases do not list.
///
/// It decides in two steps. The category comes from a model trained on all of
/// its items' examples together — about twenty times the data each item has —
/// and the item is then the most probable one within that category: a wrong
/// item in the right category still reaches the right unit more often than not.
public struct Classifier: Sendable {
    public struct Parameters: Sendable, Hashable {
        /// Additive smoothing of the feature counts.
        public var smoothing: Double
        /// Nats of evidence per character of a matched catalog phrase.
        public var phraseWeight: Double
        /// Divides the scores before they become probabilities. Naive Bayes counts
        /// correlated character n-grams as independent evidence and so is far too
        /// sure of itself; a temperature makes "confidence" mean what triage needs.
        public var temperature: Double

        public init(smoothing: Double = 1.0, phraseWeight: Double = 3.0, temperature: Double = 3.0) {
            self.smoothing = smoothing
            self.phraseWeight = phraseWeight
            self.temperature = temperature
        }
    }

    private let items: [CatalogItem]
    private let categoryOfItem: [Int]
    private let matcher: PhraseMatcher
    /// For each phrase of `matcher`, the indices of the items it is evidence for.
    private let itemsByPhrase: [[Int32]]
    private let itemModel: NaiveBayes
    private let categoryModel: NaiveBayes
    public let parameters: Parameters

    public init(catalog: Catalog, examples: [LabeledAppeal] = [], parameters: Parameters = Parameters()) {
        self.parameters = parameters
        items = catalog.items
        let categoryIndex = Dictionary(catalog.categories.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        categoryOfItem = items.map { categoryIndex[$0.categoryCode] ?? 0 }

        var byPhrase: [String: [Int32]] = [:]
        for (index, item) in items.enumerated() {
            for keyword in item.keywords { byPhrase[keyword, default: []].append(Int32(index)) }
        }
        let phrases = byPhrase.keys.sorted()
        matcher = PhraseMatcher(phrases)
        itemsByPhrase = phrases.map { byPhrase[$0]! }

        let itemIndex = Dictionary(items.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { first, _ in first })
        var documents: [(item: Int, features: [UInt64])] = []
        for (index, item) in items.enumerated() {
            for text in [item.name] + item.keywords { documents.append((index, Self.features(of: text))) }
        }
        for example in examples {
            guard let index = itemIndex[example.itemCode] else { continue }
            documents.append((index, Self.features(of: example.text)))
        }
        itemModel = NaiveBayes(classes: items.count, documents: documents, smoothing: parameters.smoothing)
        let categories = categoryOfItem
        categoryModel = NaiveBayes(classes: max(1, catalog.categories.count), documents: documents.map { (categories[$0.item], $0.features) },
                                   smoothing: parameters.smoothing)
    }

    public func classify(_ text: String) -> Classification {
        let features = Self.features(of: text)
        guard !features.isEmpty, !items.isEmpty else { return Classification(itemCode: nil, confidence: 0, candidates: []) }
        var itemScores = itemModel.logLikelihoods(features)
        var categoryScores = categoryModel.logLikelihoods(features)
        var phraseEvidence = Array(repeating: 0.0, count: categoryScores.count)
        for phrase in matcher.matches(in: text) {
            let weight = Double(matcher.phrases[phrase].count) * parameters.phraseWeight
            var categoriesHit = Set<Int>()
            for item in itemsByPhrase[phrase] {
                itemScores[Int(item)] += weight
                categoriesHit.insert(categoryOfItem[Int(item)])
            }
            for category in categoriesHit { phraseEvidence[category] += weight }
        }
        for index in categoryScores.indices { categoryScores[index] += phraseEvidence[index] }
        let categoryProbabilities = Self.softmax(categoryScores, temperature: parameters.temperature)
        let itemProbabilities = Self.softmax(itemScores, temperature: parameters.temperature)
        let category = categoryProbabilities.indices.max { categoryProbabilities[$0] < categoryProbabilities[$1] }!
        let inCategory = itemProbabilities.indices.filter { categoryOfItem[$0] == category }
        let withinTotal = inCategory.reduce(0) { $0 + itemProbabilities[$1] }
        let best = inCategory.max { itemProbabilities[$0] < itemProbabilities[$1] }!
        // P(category) × P(item | category): both steps have to be sure for the ticket to skip triage.
        let confidence = categoryProbabilities[category] * (withinTotal > 0 ? itemProbabilities[best] / withinTotal : 0)
        let ranked = itemProbabilities.indices.sorted { itemProbabilities[$0] != itemProbabilities[$1] ? itemProbabilities[$0] > itemProbabilities[$1] : $0 < $1 }
        var candidates = [Classification.Candidate(itemCode: items[best].code, probability: itemProbabilities[best])]
        for index in ranked where index != best && candidates.count < 5 {
            candidates.append(.init(itemCode: items[index].code, probability: itemProbabilities[index]))
        }
        return Classification(itemCode: items[best].code, confidence: confidence, candidates: candidates)
    }

    static func softmax(_ scores: [Double], temperature: Double) -> [Double] {
        let top = scores.max() ?? 0
        let exponentials = scores.map { exp(($0 - top) / temperature) }
        let total = exponentials.reduce(0, +)
        return exponentials.map { $0 / total }
    }

    /// Character unigrams and bigrams of the letters, digits and CJK characters,
    /// with a bigram never spanning punctuation.
    static func features(of text: String) -> [UInt64] {
        var features: [UInt64] = []
        var previous: UInt64?
        for scalar in text.unicodeScalars {
            guard scalar.properties.isAlphabetic || scalar.properties.numericType != nil else {
                previous = nil
                continue
            }
            let value = UInt64(scalar.properties.lowercaseMapping.unicodeScalars.first?.value ?? scalar.value)
            features.append(value << 32)
            if let previous { features.append(previous << 32 | value) }
            previous = value
        }
        return features
    }
}

/// Multinomial naive Bayes with additive smoothing and a uniform prior, stored
/// sparsely: a class's log-likelihood is the count of features × its "unseen"
/// log-probability, corrected for the features it did see.
struct NaiveBayes: Sendable {
    /// log P(feature | class) for a feature the class never showed.
    private let unseenLogProbability: [Double]
    /// For each feature seen in training: (class, log P(feature | class) − unseen) for the classes that showed it.
    private let seenAdjustment: [UInt64: [(classIndex: Int32, delta: Double)]]

    init(classes: Int, documents: [(Int, [UInt64])], smoothing: Double) {
        var counts = Array(repeating: [UInt64: Double](), count: classes)
        for (classIndex, features) in documents {
            for feature in features { counts[classIndex][feature, default: 0] += 1 }
        }
        let vocabulary = Double(Set(counts.flatMap(\.keys)).count)
        var unseen: [Double] = []
        var adjustments: [UInt64: [(classIndex: Int32, delta: Double)]] = [:]
        for (classIndex, classCounts) in counts.enumerated() {
            let denominator = classCounts.values.reduce(0, +) + smoothing * vocabulary
            let base = log(smoothing / denominator)
            unseen.append(base)
            for (feature, count) in classCounts {
                adjustments[feature, default: []].append((Int32(classIndex), log((count + smoothing) / denominator) - base))
            }
        }
        unseenLogProbability = unseen
        seenAdjustment = adjustments
    }

    func logLikelihoods(_ features: [UInt64]) -> [Double] {
        var scores = unseenLogProbability.map { $0 * Double(features.count) }
        for feature in features {
            guard let seen = seenAdjustment[feature] else { continue }
            for (classIndex, delta) in seen { scores[Int(classIndex)] += delta }
        }
        return scores
    }
}

/// Life or property at risk: the signals that make an appeal urgent even when
/// the channel did not flag it.
public enum UrgencyDetector {
    public static let signals: [String] = [
        "着火", "起火", "失火", "火灾", "冒烟", "火花", "电线起火", "爆炸", "燃气泄漏", "煤气泄漏", "闻到燃气味", "燃气味",
        "煤气味", "被困", "困在电梯", "困电梯", "坍塌", "倒塌", "塌方", "塌陷", "水浸", "内涝", "被淹", "淹水", "洪水",
        "受伤", "流血", "昏迷", "晕倒", "触电", "漏电", "溺水", "跳楼", "轻生", "正在被骗", "正在转账", "持刀",
        "滑坡", "泥石流", "有人掉", "危险", "快要倒",
        // Learnt from the training split's urgent appeals the list above missed.
        "不想活", "上吐下泻", "中毒", "下坠", "困在", "困了", "反锁", "被埋", "求救", "救命", "垮塌", "掉下来", "电死", "被电",
        "落水", "漏气", "焦糊味", "浓烟", "进水", "还在涨", "往下掉", "滚下来", "没回来", "没回家", "拦住", "迷路",
    ]

    private static let matcher = PhraseMatcher(signals)

    /// The signals found in `text`, in list order; empty when none.
    public static func signals(in text: String) -> [String] {
        matcher.matches(in: text).sorted().map { signals[$0] }
    }
}
