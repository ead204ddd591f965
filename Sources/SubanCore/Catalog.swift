/// Which unit handles an item: a fixed municipal unit, the district's unit for a
/// function, or the street office of the appeal's place (按权属 / 属地).
public enum UnitRef: Sendable, Hashable, Codable, CustomStringConvertible {
    case city(String)
    case district(String)
    case street

    /// `city:police`, `district:urban-management`, `street`.
    public init?(_ text: String) {
        if text == "street" { self = .street; return }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0] {
        case "city": self = .city(parts[1])
        case "district": self = .district(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .city(let function): "city:\(function)"
        case .district(let function): "district:\(function)"
        case .street: "street"
        }
    }
}

public struct CatalogCategory: Sendable, Hashable, Codable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// One duty of the responsibility catalog (职责清单) and who owns it.
public struct CatalogItem: Sendable, Hashable, Codable {
    public var code: String
    public var categoryCode: String
    public var name: String
    public var lead: UnitRef
    public var coHandlers: [UnitRef]
    /// Phrases citizens use for this duty; the classifier's evidence.
    public var keywords: [String]
    /// A gas leak, a fire, people trapped: urgent whatever words the citizen uses.
    public var urgentByNature: Bool

    public init(code: String, categoryCode: String, name: String, lead: UnitRef, coHandlers: [UnitRef] = [], keywords: [String],
                urgentByNature: Bool = false) {
        self.code = code
        self.categoryCode = categoryCode
        self.name = name
        self.lead = lead
        self.coHandlers = coHandlers
        self.keywords = keywords
        self.urgentByNature = urgentByNature
    }
}

public struct Catalog: Sendable {
    public var categories: [CatalogCategory]
    public var items: [CatalogItem]
    private let itemsByCode: [String: CatalogItem]

    public init(categories: [CatalogCategory], items: [CatalogItem]) {
        self.categories = categories
        self.items = items
        self.itemsByCode = Dictionary(items.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func item(code: String) -> CatalogItem? { itemsByCode[code] }
}

/// One citizen appeal with the catalog item a dispatcher gave it: what the models
/// learn from (the shipped training appeals, operators' corrections) and what they
/// are measured on (the held-out appeals).
public struct LabeledAppeal: Sendable, Hashable {
    public var text: String
    public var itemCode: String
    public var urgent: Bool
    /// The citizen's own label and the district the text names, when the data gives them:
    /// what a load test needs to submit the appeal as a channel would.
    public var type: AppealType?
    public var districtCode: String?
    /// Who wrote it and how (colloquial, operators' summaries, social-media posts…), when the
    /// data says: measuring on a voice the model never learnt from is the honest test of
    /// appeals written outside the project.
    public var voice: String?

    public init(text: String, itemCode: String, urgent: Bool, type: AppealType? = nil, districtCode: String? = nil, voice: String? = nil) {
        self.text = text
        self.itemCode = itemCode
        self.urgent = urgent
        self.type = type
        self.districtCode = districtCode
        self.voice = voice
    }
}
