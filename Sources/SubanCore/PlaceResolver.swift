/// Where an appeal is, from the most to the least reliable evidence:
/// 1. the street office the channel gave;
/// 2. the coordinates, when street-office boundaries are loaded;
/// 3. a street office's own name in the address or the text ("民治街道");
/// 4. a place of the gazetteer in the address, the community, then the text
///    ("白石洲", "车公庙站D口"), within the district the channel gave;
/// 5. a district's name ("南山区", "南山").
/// Each answer says why, so an operator can see which words placed a ticket.
public struct PlaceResolver: Sendable {
    public struct Resolution: Sendable, Hashable {
        public var place: TerritoryResolver.Place
        /// How the place was found, in words for the timeline and `suban-tools evaluate explain`.
        public var reason: String
        /// The gazetteer's names of every place (not road) the texts name.
        public var namedPlaces: [String] = []
    }

    public let gazetteer: Gazetteer
    public let boundaries: StreetBoundaries

    public init(gazetteer: Gazetteer, boundaries: StreetBoundaries = .none) {
        self.gazetteer = gazetteer
        self.boundaries = boundaries
    }

    public func resolve(_ location: Location, text: String) -> Resolution {
        let texts = [location.address, location.community, text].compactMap { $0 }.filter { !$0.isEmpty }
        // Each text is matched against the gazetteer once: to place the appeal and to name its places.
        let matches = texts.map(gazetteer.matches(in:))
        var resolution = place(location, texts: texts, matches: matches)
        var named: [String] = []
        // Every report of a street shares the street's own name: it tells two places apart no better than a road.
        for match in matches.joined() where !Self.officialShortNames.contains(match.words) {
            for entry in match.entries where entry.kind != .road && !named.contains(entry.name) { named.append(entry.name) }
        }
        resolution.namedPlaces = named
        return resolution
    }

    /// `matches`: the gazetteer's matches of each of `texts`, in the same order.
    private func place(_ location: Location, texts: [String], matches: [[Gazetteer.Match]]) -> Resolution {
        let given = location.districtCode
        if let street = location.streetCode.flatMap(Territory.street(code:)) {
            return Resolution(place: .init(districtCode: street.districtCode, streetCode: street.code), reason: "渠道提供街道")
        }
        if let point = location.coordinates, let street = boundaries.street(containing: point).flatMap(Territory.street(code:)),
           given == nil || given == street.districtCode {
            return Resolution(place: .init(districtCode: street.districtCode, streetCode: street.code), reason: "坐标落在\(street.name)边界内")
        }
        for source in texts {
            let named = TerritoryResolver.resolve(source)
            if let street = named.streetCode, given == nil || given == named.districtCode {
                return Resolution(place: named, reason: "文中写明\(Territory.street(code: street)?.name ?? street)")
            }
        }
        for match in matches.joined() {
            guard let district = match.districtCode ?? (match.entries.contains { $0.districtCode == given } ? given : nil),
                  given == nil || given == district else { continue }
            let local = match.entries.filter { $0.districtCode == district }
            let street = local.map(\.streetCode).uniqueValue ?? nil
            let entry = local[0]
            let kind = match.entries.count > 1 ? "\(match.entries.count)处同名地点" : "\(entry.kind.rawValue)"
            return Resolution(place: .init(districtCode: district, streetCode: street),
                              reason: "地名库：“\(match.words)”（\(entry.name)，\(kind)）→ \(street.flatMap { Territory.street(code: $0)?.name } ?? "跨多个街道，只定到区")")
        }
        if let given { return Resolution(place: .init(districtCode: given, streetCode: nil), reason: "渠道提供区") }
        for source in texts {
            let named = TerritoryResolver.resolve(source)
            if named.districtCode != nil { return Resolution(place: named, reason: "文中写明区名") }
        }
        return Resolution(place: .init(districtCode: nil, streetCode: nil), reason: "未找到地点")
    }
}

extension PlaceResolver {
    /// "粤海" for 粤海街道, "南山" for 南山区.
    static let officialShortNames: Set<String> = Set(Territory.allStreets.map { $0.name.replacingSuffix(["街道", "镇"]) }
        + Territory.districts.map { $0.name.replacingSuffix(["特别合作区", "新区", "区"]) })
}

extension Array where Element: Hashable {
    /// The one value every element has, nil when they differ or there are none.
    var uniqueValue: Element? {
        guard let first, allSatisfy({ $0 == first }) else { return nil }
        return first
    }
}
