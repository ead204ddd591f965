/// The places citizens name — estates, urban villages, metro stations, roads,
/// parks, schools, hospitals, markets, landmarks — with the district and street
/// office each lies in. Citizens almost never name the street office, so this is
/// how a street-level duty finds its street.
///
/// A name shared by places in several streets decides nothing below what they
/// share (their district, or nothing): a wrong street is worse than none, since
/// it sends the ticket to an office that will return it.
public struct Gazetteer: Sendable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case estate, village, station, road, park, school, hospital, market, landmark, government, port
        case industrialPark = "industrial-park"

        /// How precisely the place pins a street: an estate or a school lies in one,
        /// a park or a road often spans several, so a text naming both is placed by the first.
        var precision: Int {
            switch self {
            case .road: 0
            case .park, .port: 1
            case .station, .landmark, .industrialPark, .market: 2
            case .estate, .village, .school, .hospital, .government: 3
            }
        }
    }

    public struct Entry: Sendable, Hashable {
        public var name: String
        public var aliases: [String]
        public var kind: Kind
        public var districtCode: String
        /// Nil for a place that spans several streets (a long road, a big park).
        public var streetCode: String?
        public var note: String

        public init(name: String, aliases: [String] = [], kind: Kind, districtCode: String, streetCode: String?, note: String = "") {
            self.name = name
            self.aliases = aliases
            self.kind = kind
            self.districtCode = districtCode
            self.streetCode = streetCode
            self.note = note
        }
    }

    /// A place found in a text, and why.
    public struct Match: Sendable, Hashable {
        /// The words of the text that matched.
        public var words: String
        /// Every entry those words name (several when places share a name).
        public var entries: [Entry]
        /// Where the entries agree: the street when they all lie in one, else the district when they share it.
        public var districtCode: String?
        public var streetCode: String?
    }

    public let entries: [Entry]
    /// Every name and alias, and the entries each names.
    private let names: [String]
    private let entriesByName: [[Int]]
    private let matcher: PhraseMatcher

    public init(entries: [Entry]) {
        self.entries = entries
        var byName: [String: [Int]] = [:]
        for (index, entry) in entries.enumerated() {
            for name in Set([entry.name] + entry.aliases) where name.count >= 2 { byName[name, default: []].append(index) }
        }
        names = byName.keys.sorted()
        entriesByName = names.map { byName[$0]! }
        matcher = PhraseMatcher(names)
    }

    /// The places `text` names, most precise first (an estate before the road it is on),
    /// then the longest words. A name inside a longer matched name ("岗厦" in "岗厦村") is not counted again.
    public func matches(in text: String) -> [Match] {
        let found = matcher.matches(in: text)
        let kept = found.filter { index in !found.contains { $0 != index && names[$0].contains(names[index]) } }
        return kept.map { index in
            let name = names[index]
            let named = entriesByName[index].map { entries[$0] }
            let districts = Set(named.map(\.districtCode))
            let streets = Set(named.map(\.streetCode))
            let district = districts.count == 1 ? districts.first : nil
            let street = streets.count == 1 ? streets.first! : nil
            return Match(words: name, entries: named, districtCode: district, streetCode: street)
        }.sorted { a, b in
            let (pa, pb) = (a.entries.map(\.kind.precision).max() ?? 0, b.entries.map(\.kind.precision).max() ?? 0)
            return pa != pb ? pa > pb : a.words.count != b.words.count ? a.words.count > b.words.count : a.words < b.words
        }
    }
}
