/// Finds the district and street office an address or appeal text names, for
/// appeals whose channel did not say ("龙华街道龙观大道龙华汽车站" → 龙华区, 龙华街道).
public enum TerritoryResolver {
    public struct Place: Sendable, Hashable {
        public var districtCode: String?
        public var streetCode: String?
    }

    /// A street's full name is unique in the city, so it decides the district too;
    /// otherwise a district's name ("南山区", or "南山" alone) decides the district only.
    public static func resolve(_ texts: String...) -> Place {
        for text in texts where !text.isEmpty {
            if let index = streetMatcher.matches(in: text).min() {
                let street = streets[index]
                return Place(districtCode: street.districtCode, streetCode: street.code)
            }
        }
        for text in texts where !text.isEmpty {
            if let index = districtMatcher.matches(in: text).min() {
                return Place(districtCode: districtNames[index].code, streetCode: nil)
            }
        }
        return Place(districtCode: nil, streetCode: nil)
    }

    /// Longest names first, and the lowest matched index wins, so "沙头角街道" is
    /// preferred to "沙头街道" and "大鹏新区" to "大鹏".
    private static let streets: [Street] = Territory.allStreets.sorted { $0.name.count > $1.name.count }
    private static let streetMatcher = PhraseMatcher(streets.map(\.name))

    private static let districtNames: [(name: String, code: String)] = Territory.districts.flatMap { district -> [(String, String)] in
        let short = district.name.replacingSuffix(["特别合作区", "新区", "区"])
        return [(district.name, district.code), (short, district.code)]
    }.sorted { $0.0.count > $1.0.count }
    private static let districtMatcher = PhraseMatcher(districtNames.map(\.name))
}

extension String {
    func replacingSuffix(_ suffixes: [String]) -> String {
        for suffix in suffixes where hasSuffix(suffix) && count > suffix.count {
            return String(dropLast(suffix.count))
        }
        return self
    }
}
