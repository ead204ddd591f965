import Foundation

/// The responsibility catalog as shipped, with the labelled citizen appeals the
/// classifier learns from, kept side by side so each duty's keywords and its
/// examples are edited together. One text block per category:
///
///     # noise 噪声扰民
///     @construction-night|夜间施工噪声|district:housing|district:urban-management|夜间施工 半夜施工
///     隔壁工地每天晚上十一点多还在打桩，吵得孩子睡不着
///     !工地塔吊半夜晃得厉害，好像快要倒了
///
/// `@code|name|lead|co-handlers (comma-separated)|keywords (space-separated)`
/// starts an item; each following line is one appeal labelled with it, `!`
/// marking an urgent one (life or property at risk).
public enum ShippedCatalog {
    public struct ParseError: Error, CustomStringConvertible {
        public var line: String
        public var reason: String
        public var description: String { "catalog line '\(line)': \(reason)" }
    }

    public static func parse(_ blocks: [String]) throws(ParseError) -> (catalog: Catalog, appeals: [LabeledAppeal]) {
        var categories: [CatalogCategory] = []
        var items: [CatalogItem] = []
        var appeals: [LabeledAppeal] = []
        var examplesOfItem = 0
        for block in blocks {
            for raw in block.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
                if line.hasPrefix("#") {
                    let parts = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ParseError(line: line, reason: "expected '# code 名称'") }
                    categories.append(CatalogCategory(code: parts[0], name: parts[1]))
                } else if line.hasPrefix("@") {
                    guard let category = categories.last else { throw ParseError(line: line, reason: "item before any category") }
                    let fields = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                    guard fields.count == 5 else { throw ParseError(line: line, reason: "expected 5 '|'-separated fields") }
                    guard let lead = UnitRef(fields[2]) else { throw ParseError(line: line, reason: "bad lead unit") }
                    let coHandlers = try fields[3].split(separator: ",").map { text throws(ParseError) -> UnitRef in
                        guard let unit = UnitRef(String(text)) else { throw ParseError(line: line, reason: "bad co-handler '\(text)'") }
                        return unit
                    }
                    let keywords = fields[4].split(separator: " ").map(String.init)
                    guard !keywords.isEmpty else { throw ParseError(line: line, reason: "no keywords") }
                    items.append(CatalogItem(code: "\(category.code).\(fields[0])", categoryCode: category.code, name: fields[1],
                                             lead: lead, coHandlers: coHandlers, keywords: keywords))
                    examplesOfItem = 0
                } else {
                    guard let item = items.last else { throw ParseError(line: line, reason: "appeal before any item") }
                    let urgent = line.hasPrefix("!")
                    let text = urgent ? String(line.dropFirst()) : line
                    appeals.append(LabeledAppeal(text: text, itemCode: item.code, urgent: urgent,
                                                 split: examplesOfItem % 5 == 4 ? .heldOut : .training))
                    examplesOfItem += 1
                }
            }
        }
        return (Catalog(categories: categories, items: items), appeals)
    }
}

/// One citizen appeal with the catalog item a dispatcher gave it.
public struct LabeledAppeal: Sendable, Hashable {
    public enum Split: String, Sendable, Hashable {
        /// What the classifier learns from.
        case training
        /// Every fifth example of each item: never shown to the classifier, only used to measure it.
        case heldOut = "held-out"
    }

    public var text: String
    public var itemCode: String
    public var urgent: Bool
    public var split: Split

    public init(text: String, itemCode: String, urgent: Bool, split: Split) {
        self.text = text
        self.itemCode = itemCode
        self.urgent = urgent
        self.split = split
    }
}
