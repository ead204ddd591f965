import Foundation

/// Duplicate-appeal recognition (重复诉求识别): the same incident reported by
/// several citizens is linked to the first open ticket about it, which is handled
/// once; every citizen is still told.
///
/// A report joins an earlier one only when all of these hold — a wrong merge
/// silences a citizen, a missed one costs a unit a second visit, so every doubt
/// keeps them apart:
/// - the same category and the same street office, within the window;
/// - the places they name agree (shared names, none contradicting: "3栋" is not "5栋");
/// - the same problem: the classifier's leading items for the two overlap enough.
/// An urgent report may join a calm one: the incident is one, and it becomes urgent
/// (`Match.escalates`) so its 24-hour clock runs for everyone who reported it.
public struct DuplicateDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        /// How far apart two reports of one incident may be.
        public var window: Duration
        /// The share of both reports' place mentions the other names too.
        public var minPlaceOverlap: Double
        /// How much of the two reports' (tempered) problem distributions must coincide: tempered
        /// distributions overlap more, so this is a little above the 0.3 the raw ones were held to.
        public var minProblemSimilarity: Double

        public init(window: Duration = .seconds(72 * 3600), minPlaceOverlap: Double = 0.5, minProblemSimilarity: Double = 0.33) {
            self.window = window
            self.minPlaceOverlap = minPlaceOverlap
            self.minProblemSimilarity = minProblemSimilarity
        }
    }

    /// A dispatched report as the detector compares it.
    public struct Report: Sendable, Hashable {
        public var id: UUID
        public var categoryCode: String
        public var itemCode: String
        public var streetCode: String?
        public var districtCode: String?
        public var urgent: Bool
        public var receivedAt: Date
        public var places: PlaceMentions
        /// The classifier's leading items and their shares: what the report is about,
        /// compared as distributions so two wordings of one problem that the
        /// classifier splits between neighbouring items still meet.
        public var problem: [String: Double]
        /// False for a triaged report: it may join an open ticket but is no parent itself until a human places it.
        public var canBeParent = true

        /// Its category and those of its candidate items (the classifier's two likeliest categories):
        /// two citizens' words about one incident often land in neighbouring categories (a manhole
        /// "in the road" under transport), so a report is compared with open tickets of each; the
        /// problem similarity then decides. Set once: every comparison reads it.
        public let categories: Set<String>

        /// The power the candidates' probabilities are raised to before they are compared.
        static let problemTemper = 0.5

        public init(id: UUID, categoryCode: String, itemCode: String, candidates: [Classification.Candidate], streetCode: String?, urgent: Bool,
                    receivedAt: Date, address: String?, text: String, districtCode: String? = nil, alsoNamed: [String] = []) {
            self.districtCode = districtCode
            self.id = id
            self.categoryCode = categoryCode
            self.itemCode = itemCode
            self.streetCode = streetCode
            self.urgent = urgent
            self.receivedAt = receivedAt
            places = PlaceMentions(address, text, alsoNamed: alsoNamed)
            // Tempered (square roots, renormalised): the classifier is surer than it should be between
            // sibling items ("a fallen tree" as greenery at 0.9 for one citizen, as parks for
            // another), and two wordings of one problem must still meet. Tuned on the tuning pairs.
            let tempered = candidates.map { ($0.itemCode, pow($0.probability, Self.problemTemper)) }
            let total = tempered.reduce(0) { $0 + $1.1 }
            problem = total > 0 ? Dictionary(tempered.map { ($0.0, $0.1 / total) }, uniquingKeysWith: +) : [itemCode: 1]
            categories = Set([categoryCode] + problem.keys.map { String($0.prefix { $0 != "." }) })
        }

        /// The share of the two problem distributions that coincides, 0...1.
        /// Where the open tickets it may join are: its street office; and its district, for tickets
        /// whose street is unknown (or when its own is) — when it names a site, or its street is
        /// unknown (it may name another's site by a short form). Locks and the store's search of
        /// candidates use these; `sharesScope` decides for a pair.
        public var scopes: [String] {
            var scopes = streetCode.map { [$0] } ?? []
            if places.namesSite || streetCode == nil, let districtCode { scopes.append("district:\(districtCode)") }
            return scopes
        }

        /// Two reports are compared when they are on one street office; or, when either's street
        /// is unknown, in one district when one names a site (an estate, station, park…): a place
        /// one citizen names so that the gazetteer finds its street and another by a short form it
        /// does not know ("百仕达花园二期" / "百仕达") is still one place. `compare` then asks for
        /// that site to be shared — never a road alone: a road crosses a district.
        func sharesScope(with other: Report) -> Bool {
            if let street = streetCode, let otherStreet = other.streetCode { return street == otherStreet }
            guard let district = districtCode, district == other.districtCode else { return false }
            return places.namesSite || other.places.namesSite
        }

        func streetKnown(with other: Report) -> Bool { streetCode != nil && other.streetCode != nil }

        func problemSimilarity(_ other: Report) -> Double {
            problem.reduce(0) { $0 + min($1.value, other.problem[$1.key] ?? 0) }
        }
    }

    public struct Match: Sendable, Hashable {
        public var parentID: UUID
        public var placeOverlap: Double
        public var problemSimilarity: Double
        /// The place names both reports give.
        public var sharedPlaces: [String]
        /// The report is urgent and the ticket it joins is not: the ticket becomes urgent.
        public var escalates = false

        var strength: Double { placeOverlap + problemSimilarity }
    }

    public enum Verdict: Sendable, Hashable {
        case duplicate(Match)
        case distinct(reason: String)
    }

    public let parameters: Parameters

    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
    }

    /// Whether `report` is the incident `earlier` already reported, and if not, why not.
    public func compare(_ report: Report, with earlier: Report) -> Verdict {
        guard report.categoryCode == earlier.categoryCode
                || report.categories.contains(earlier.categoryCode) && earlier.categories.contains(report.categoryCode) else {
            return .distinct(reason: "different category: \(report.itemCode) / \(earlier.itemCode)")
        }
        guard report.sharesScope(with: earlier) else { return .distinct(reason: "different or unknown street") }
        guard abs(report.receivedAt.timeIntervalSince(earlier.receivedAt)) <= Double(parameters.window.components.seconds) else {
            return .distinct(reason: "outside the window")
        }
        let places = Self.comparePlaces(report.places, earlier.places)
        if let conflict = places.conflict { return .distinct(reason: conflict) }
        guard places.overlap >= parameters.minPlaceOverlap, places.shared.contains(where: { $0.kind != .number }) else {
            return .distinct(reason: "place not confirmed")
        }
        guard report.streetKnown(with: earlier) || places.shared.contains(where: { $0.kind == .site }) else {
            return .distinct(reason: "no site shared and a street unknown")
        }
        let similarity = report.problemSimilarity(earlier)
        guard similarity >= parameters.minProblemSimilarity else {
            return .distinct(reason: "different problem: \(report.itemCode) / \(earlier.itemCode), similarity \(similarity.formatted2)")
        }
        return .duplicate(Match(parentID: earlier.id, placeOverlap: places.overlap, problemSimilarity: similarity, sharedPlaces: places.shared.map(\.name),
                                escalates: report.urgent && !earlier.urgent))
    }

    /// The open report `report` belongs to, if any: the strongest match, the earliest on a tie.
    public func parent(for report: Report, among candidates: [Report]) -> Match? {
        var best: (match: Match, at: Date)?
        for candidate in candidates where candidate.id != report.id {
            guard case .duplicate(let match) = compare(report, with: candidate) else { continue }
            if best == nil || match.strength > best!.match.strength || (match.strength == best!.match.strength && candidate.receivedAt < best!.at) {
                best = (match, candidate.receivedAt)
            }
        }
        return best?.match
    }

    /// Parents for a batch, in order of receipt: a report that stays a parent is a
    /// candidate for the later ones, so two reports in one batch link too.
    public func link(_ batch: [Report], recent: [Report]) -> [UUID: Match] {
        var candidates = recent
        var links: [UUID: Match] = [:]
        for report in batch.sorted(by: { $0.receivedAt < $1.receivedAt }) {
            if let match = parent(for: report, among: candidates) {
                links[report.id] = match
                // A parent of this batch made urgent is compared as urgent from now on.
                if match.escalates, let index = candidates.firstIndex(where: { $0.id == match.parentID }) { candidates[index].urgent = true }
            } else if report.canBeParent {
                candidates.append(report)
            }
        }
        return links
    }

    struct PlaceComparison {
        var shared: [PlaceMentions.Mention]
        var overlap: Double
        var conflict: String?
    }

    static func comparePlaces(_ a: PlaceMentions, _ b: PlaceMentions) -> PlaceComparison {
        let sharedA = a.mentions.filter(b.names)
        let sharedB = b.mentions.filter(a.names)
        let total = a.mentions.count + b.mentions.count
        let overlap = total == 0 ? 0 : Double(sharedA.count + sharedB.count) / Double(total)
        var shared = sharedA
        for mention in sharedB where !shared.contains(where: { $0.key == mention.key || $0.name == mention.name }) { shared.append(mention) }
        // Two reports that each name a place of one kind and share none of that kind are about two
        // places — except roads when a site is shared: a site fronts several roads.
        if let first = a.canonical.first, let second = b.canonical.first, Set(a.canonical).isDisjoint(with: b.canonical) {
            return PlaceComparison(shared: shared, overlap: overlap, conflict: "different places of the gazetteer: \(first) / \(second)")
        }
        let sharesSite = shared.contains { $0.kind == .site }
        for kind in [PlaceMentions.Kind.site, .number, .zone, .road] where !(kind == .road && sharesSite) {
            // Numbers compare unit by unit: "4期17栋" and "4期3栋" share the phase, not the block.
            let group: (PlaceMentions.Mention) -> String = { kind == .number ? $0.unit : "" }
            let ofA = Dictionary(grouping: a.mentions.filter { $0.kind == kind }, by: group)
            let ofB = Dictionary(grouping: b.mentions.filter { $0.kind == kind }, by: group)
            for (unit, mentionsA) in ofA.sorted(by: { $0.key < $1.key }) {
                guard let mentionsB = ofB[unit], !shared.contains(where: { $0.kind == kind && group($0) == unit }) else { continue }
                return PlaceComparison(shared: shared, overlap: overlap, conflict: "different places: \(mentionsA[0].name) / \(mentionsB[0].name)")
            }
        }
        return PlaceComparison(shared: shared, overlap: overlap, conflict: nil)
    }
}
