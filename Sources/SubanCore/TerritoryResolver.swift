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
            if let street = streetNames.first(where: { text.contains($0.name) }) {
                return Place(districtCode: street.districtCode, streetCode: street.code)
            }
        }
        for text in texts where !text.isEmpty {
            if let district = districtNames.first(where: { name, _ in text.contains(name) }) {
                return Place(districtCode: district.code, streetCode: nil)
            }
        }
        return Place(districtCode: nil, streetCode: nil)
    }

    /// Longest names first, so "沙头角街道" is tried before "沙头街道" could match inside it.
    private static let streetNames: [Street] = Territory.allStreets.sorted { $0.name.count > $1.name.count }

    private static let districtNames: [(name: String, code: String)] = Territory.districts.flatMap { district -> [(String, String)] in
        let short = district.name.replacingSuffix(["特别合作区", "新区", "区"])
        return [(district.name, district.code), (short, district.code)]
    }.sorted { $0.0.count > $1.0.count }
}

extension String {
    func replacingSuffix(_ suffixes: [String]) -> String {
        for suffix in suffixes where hasSuffix(suffix) && count > suffix.count {
            return String(dropLast(suffix.count))
        }
        return self
    }
}
