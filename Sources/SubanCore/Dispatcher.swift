import Foundation

/// The whole dispatch decision for one ticket, pure: classify, detect urgency,
/// place it, route it — or send it to a human dispatcher.
public struct Dispatcher: Sendable {
    public struct Input: Sendable, Hashable {
        public var text: String
        public var urgentFlag: Bool
        public var location: Location

        public init(text: String, urgentFlag: Bool, location: Location) {
            self.text = text
            self.urgentFlag = urgentFlag
            self.location = location
        }
    }

    public enum Decision: Sendable, Hashable {
        case assign(Assignment)
        case triage(reason: String, classification: Classification, urgent: Bool)
    }

    public struct Assignment: Sendable, Hashable {
        public var item: CatalogItem
        public var classification: Classification
        public var urgent: Bool
        public var urgentSignals: [String]
        public var place: TerritoryResolver.Place
        public var units: [RoutedUnit]
    }

    public let catalog: Catalog
    public let classifier: Classifier
    public let router: Router
    /// Below this confidence a human dispatcher decides.
    public var triageThreshold: Double

    /// `examples` are the labelled appeals the classifier learns from besides the catalog's phrases.
    public init(catalog: Catalog, departments: [Department], examples: [LabeledAppeal] = AppealCorpus.training,
                parameters: Classifier.Parameters = .init(), triageThreshold: Double = 0.2) {
        self.catalog = catalog
        self.classifier = Classifier(catalog: catalog, examples: examples, parameters: parameters)
        self.router = Router(departments: departments)
        self.triageThreshold = triageThreshold
    }

    public func decide(_ input: Input) -> Decision {
        let signals = UrgencyDetector.signals(in: input.text)
        let urgent = input.urgentFlag || !signals.isEmpty
        let classification = classifier.classify(input.text)
        guard let code = classification.itemCode, let item = catalog.item(code: code) else {
            return .triage(reason: "no catalog item matches the text", classification: classification, urgent: urgent)
        }
        guard classification.confidence >= triageThreshold else {
            return .triage(reason: "confidence \(classification.confidence.formatted2) below \(triageThreshold.formatted2)",
                           classification: classification, urgent: urgent)
        }
        let givenStreet = input.location.streetCode.flatMap(Territory.street(code:))
        var place = TerritoryResolver.Place(districtCode: input.location.districtCode ?? givenStreet?.districtCode, streetCode: givenStreet?.code)
        if place.streetCode == nil {
            let found = TerritoryResolver.resolve(input.location.address ?? "", input.location.community ?? "", input.text)
            if place.districtCode == nil || place.districtCode == found.districtCode {
                place = TerritoryResolver.Place(districtCode: place.districtCode ?? found.districtCode, streetCode: found.streetCode)
            }
        }
        guard let units = router.route(item, at: place) else {
            return .triage(reason: "no district for a \(item.lead) duty", classification: classification, urgent: urgent)
        }
        return .assign(Assignment(item: item, classification: classification, urgent: urgent, urgentSignals: signals, place: place, units: units))
    }
}

extension Double {
    var formatted2: String {
        let hundredths = (self * 100).rounded()
        return "\(Int(hundredths) / 100).\(String(format: "%02d", Int(hundredths) % 100))"
    }
}
