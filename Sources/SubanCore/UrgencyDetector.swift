import SubanLearning

/// Whether an appeal puts life or property at risk, recall first: a missed
/// emergency costs far more than an operator's glance at a calm appeal.
///
/// Three kinds of evidence, any one enough:
/// 1. the item is urgent by nature (a gas leak, a trapped lift), whatever the words;
/// 2. the hazard lexicon finds a present danger (not a denied, feared or past one);
/// 3. a logistic regression over the text's n-grams, trained on labelled urgent
///    and calm appeals, puts the probability of urgency at or over `threshold`:
///    it reads danger implied by the situation ("两天没接电话，门反锁了") that no
///    word list holds.
public struct UrgencyDetector: Sendable {
    public struct Assessment: Sendable, Hashable {
        public var urgent: Bool
        /// The lexicon's hazards found in the text.
        public var signals: [String]
        /// The model's probability that the appeal is urgent.
        public var probability: Double
        /// Why it is urgent, in words for the timeline and `evaluate explain`; empty when calm.
        public var reasons: [String]
    }

    public let lexicon: HazardLexicon
    let model: SoftmaxRegression
    /// Chosen by `suban-tools evaluate urgency --validation` on the training data alone.
    public var threshold: Double

    init(lexicon: HazardLexicon, model: SoftmaxRegression, threshold: Double) {
        self.lexicon = lexicon
        self.model = model
        self.threshold = threshold
    }

    /// Urgent appeals count `urgentWeight` times: they are few, and missing one is the costly error.
    public static func train(examples: [LabeledAppeal], lexicon: HazardLexicon, threshold: Double = 0.15, urgentWeight: Float = 2,
                             options: SoftmaxRegression.Options = .urgency) -> UrgencyDetector {
        let encoded = examples.map { SoftmaxRegression.Example(features: TextFeatures.of($0.text), label: $0.urgent ? 1 : 0, weight: $0.urgent ? urgentWeight : 1) }
        return UrgencyDetector(lexicon: lexicon, model: SoftmaxRegression.train(encoded, classCount: 2, options: options), threshold: threshold)
    }

    /// The same model, counting appeals as urgent from another probability.
    public func with(threshold: Double) -> UrgencyDetector { UrgencyDetector(lexicon: lexicon, model: model, threshold: threshold) }

    public func probability(of text: String) -> Double { probability(features: TextFeatures.of(text)) }

    /// Zero for a text with nothing to read ("？？？"): the model's prior is no evidence of danger.
    func probability(features: [UInt32]) -> Double { features.isEmpty ? 0 : model.probabilities(features)[1] }

    public func assess(_ text: String, item: CatalogItem?) -> Assessment {
        assess(text, features: TextFeatures.of(text), item: item)
    }

    public func assess(_ text: String, features: [UInt32], item: CatalogItem?) -> Assessment {
        let signals = lexicon.signals(in: text)
        let probability = probability(features: features)
        var reasons: [String] = []
        if let item, item.urgentByNature { reasons.append("\(item.name)：按性质紧急") }
        if !signals.isEmpty { reasons.append("险情词：\(signals.joined(separator: "、"))") }
        if probability >= threshold { reasons.append("模型判断紧急（\(Int((probability * 100).rounded()))%）") }
        return Assessment(urgent: !reasons.isEmpty, signals: signals, probability: probability, reasons: reasons)
    }
}

extension UrgencyDetector {
    public func encode(into writer: inout ModelWriter) {
        writer.tag("URG1")
        writer.float(threshold)
        model.encode(into: &writer)
    }

    public init(from reader: inout ModelReader, lexicon: HazardLexicon) throws(ModelReader.Malformed) {
        try reader.expect("URG1")
        threshold = try reader.float()
        model = try SoftmaxRegression(from: &reader)
        guard model.classCount == 2 else { throw ModelReader.Malformed(reason: "urgency model has \(model.classCount) classes") }
        self.lexicon = lexicon
    }
}
