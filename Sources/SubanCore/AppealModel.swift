import SubanLearning

/// What dispatch learns from labelled appeals: the classifier and the urgency
/// model, trained together and stored as one versioned blob (`dispatch_models`),
/// so every dispatcher of the fleet decides with the same model.
public struct AppealModel: Sendable {
    public let classifier: Classifier
    public let urgency: UrgencyDetector

    public init(classifier: Classifier, urgency: UrgencyDetector) {
        self.classifier = classifier
        self.urgency = urgency
    }

    public static func train(catalog: Catalog, examples: [LabeledAppeal], lexicon: HazardLexicon) -> AppealModel {
        AppealModel(classifier: .train(catalog: catalog, examples: examples), urgency: .train(examples: examples, lexicon: lexicon))
    }

    /// The same model, counting appeals as urgent from another probability.
    public func with(urgencyThreshold: Double) -> AppealModel {
        AppealModel(classifier: classifier, urgency: urgency.with(threshold: urgencyThreshold))
    }

    public func encoded() -> [UInt8] {
        var writer = ModelWriter()
        writer.tag("SUBAN-MODEL-1")
        classifier.encode(into: &writer)
        urgency.encode(into: &writer)
        return writer.bytes
    }

    /// The lexicon is data, not learnt: it comes from the shipped data or the operators' edits.
    public init(encoded bytes: [UInt8], lexicon: HazardLexicon) throws(ModelReader.Malformed) {
        var reader = ModelReader(bytes)
        try reader.expect("SUBAN-MODEL-1")
        classifier = try Classifier(from: &reader)
        urgency = try UrgencyDetector(from: &reader, lexicon: lexicon)
        guard reader.isAtEnd else { throw ModelReader.Malformed(reason: "bytes after the end of the model") }
    }
}
