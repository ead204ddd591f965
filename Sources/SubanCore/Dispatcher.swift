import Foundation
import SubanLearning

/// The whole dispatch decision for one ticket, pure: classify, detect urgency,
/// place it, route it — or send it to a human dispatcher.
public struct Dispatcher: Sendable {
    public struct Input: Sendable, Hashable {
        public var text: String
        public var urgentFlag: Bool
        public var location: Location
        /// The catalog item the citizen chose (`Appeal.requestedItem`).
        public var requestedItem: String?
        /// The citizen's label: a consultation needs no place.
        public var type: AppealType?

        public init(text: String, urgentFlag: Bool, location: Location, requestedItem: String? = nil, type: AppealType? = nil) {
            self.text = text
            self.urgentFlag = urgentFlag
            self.location = location
            self.requestedItem = requestedItem
            self.type = type
        }
    }

    public enum Decision: Sendable, Hashable {
        case assign(Assignment)
        /// A human decides. `item` is set when only the place is missing: the appeal's category
        /// and item are known (they show on the ticket), the unit waits for the operator's place.
        case triage(reason: String, classification: Classification, urgent: Bool, item: CatalogItem? = nil)
    }

    public struct Assignment: Sendable, Hashable {
        public var item: CatalogItem
        public var classification: Classification
        public var urgent: Bool
        /// Why it is urgent, in words (the item's nature, hazard words, the model's probability).
        public var urgentSignals: [String]
        public var place: TerritoryResolver.Place
        /// How the place was found ("地名库：“白石洲”…"), for operators.
        public var placeReason: String
        /// The gazetteer's names of the places the appeal names (not roads): duplicate detection's common words.
        public var namedPlaces: [String]
        public var units: [RoutedUnit]
    }

    public let catalog: Catalog
    public let model: AppealModel
    public let router: DutyRouter
    /// Below this confidence a human dispatcher decides.
    public var triageThreshold: Double

    public let places: PlaceResolver

    public init(catalog: Catalog, departments: [Department], model: AppealModel, places: PlaceResolver,
                triageThreshold: Double = Dispatcher.defaultTriageThreshold) {
        self.catalog = catalog
        self.model = model
        self.places = places
        self.router = DutyRouter(departments: departments)
        self.triageThreshold = triageThreshold
    }

    /// Chosen from the calibration table of `suban-tools evaluate classifier --validation`
    /// (training data only): below it, fewer than half of the automatic decisions were right.
    public static let defaultTriageThreshold = 0.12

    public var classifier: Classifier { model.classifier }

    public func decide(_ input: Input) -> Decision {
        // A chosen service is read as the appeal's title: a strong word for its item, which a
        // text about something else still outweighs (citizens pick the nearest service, not always the right one).
        let chosen = input.requestedItem.flatMap(catalog.item(code:))
        let features = TextFeatures.of(chosen.map { "\($0.name)：\(input.text)" } ?? input.text)
        let classification = model.classifier.classify(features: features)
        let item = classification.itemCode.flatMap(catalog.item(code:))
        let urgency = model.urgency.assess(input.text, features: features, item: item)
        let urgent = input.urgentFlag || urgency.urgent
        guard let item else {
            return .triage(reason: "no catalog item matches the text", classification: classification, urgent: urgent)
        }
        guard chosen != nil || model.urgency.lexicon.namesASubject(input.text) else {
            return .triage(reason: "no catalog item: the text names no subject", classification: classification, urgent: urgent)
        }
        guard classification.confidence >= triageThreshold else {
            return .triage(reason: "confidence \(classification.confidence.formatted2) below \(triageThreshold.formatted2)",
                           classification: classification, urgent: urgent)
        }
        let placed = places.resolve(input.location, text: input.text)
        guard let units = router.route(item, at: placed.place, consultation: input.type == .consultation) else {
            return .triage(reason: "no district for a \(item.lead) duty", classification: classification, urgent: urgent, item: item)
        }
        return .assign(Assignment(item: item, classification: classification, urgent: urgent, urgentSignals: urgency.reasons,
                                  place: placed.place, placeReason: placed.reason, namedPlaces: placed.namedPlaces, units: units))
    }
}

extension Double {
    var formatted2: String {
        let hundredths = (self * 100).rounded()
        return "\(Int(hundredths) / 100).\(String(format: "%02d", Int(hundredths) % 100))"
    }
}
