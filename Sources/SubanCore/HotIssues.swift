/// The daily top-10 hot issues (每日热点) city leaders get: the catalog items and the
/// places with the most appeals of a day, each with the change on the day before
/// and a few sample tickets to read.
public struct HotIssue: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A catalog item (what the problem is).
        case item
        /// A place on a street: an estate, site or station, else a road (where it is).
        case place
    }

    public var kind: Kind
    public var rank: Int
    public var key: String
    public var label: String
    public var count: Int
    /// The same key's count on the day before.
    public var previous: Int
    /// Tracking codes of a few of the day's appeals, the earliest first.
    public var samples: [String]

    public var change: Int { count - previous }

    public init(kind: Kind, rank: Int, key: String, label: String, count: Int, previous: Int, samples: [String]) {
        self.kind = kind
        self.rank = rank
        self.key = key
        self.label = label
        self.count = count
        self.previous = previous
        self.samples = samples
    }
}

/// A place below the street office an appeal names: the street with an estate, site or
/// station, else a road. What hot places and class cases group by.
public struct AppealPlace: Sendable, Hashable, Codable {
    /// "longhua.minzhi/星河丹堤": the street code and the name's key.
    public var key: String
    /// "民治街道星河丹堤小区"
    public var label: String

    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

public enum HotIssues {
    /// One appeal of the day as the ranking sees it.
    public struct Appeal: Sendable {
        /// Samples name tickets by id, for staff: a tracking code is the citizen's own.
        public var ticketID: String
        /// Catalog item code and name; empty when dispatch has not classified it.
        public var item: String
        public var itemName: String
        public var place: AppealPlace?

        public init(ticketID: String, item: String, itemName: String, place: AppealPlace?) {
            self.ticketID = ticketID
            self.item = item
            self.itemName = itemName
            self.place = place
        }
    }

    /// Where an appeal is, as a hot place: the street office with the first estate,
    /// site or station it names, else its first road. Nil when it names neither:
    /// a street office alone is too wide to act on.
    public static func place(address: String?, text: String, street: String?) -> AppealPlace? {
        let mentions = PlaceMentions(address, text).mentions
        guard let street, !street.isEmpty,
              let mention = mentions.first(where: { $0.kind == .site }) ?? mentions.first(where: { $0.kind == .road }) else { return nil }
        return AppealPlace(key: "\(street)/\(mention.key)", label: (Territory.street(code: street)?.name ?? street) + mention.name)
    }

    /// The `limit` items and the `limit` places with most appeals today, ties broken by
    /// key; each with yesterday's count and the first `samples` ticket ids.
    /// `today` is in order of receipt.
    public static func top(_ today: [Appeal], previous: [Appeal], limit: Int = 10, samples: Int = 3) -> [HotIssue] {
        func ranked(_ kind: HotIssue.Kind, _ key: (Appeal) -> (key: String, label: String)?) -> [HotIssue] {
            var counts: [String: (label: String, count: Int, samples: [String])] = [:]
            for appeal in today {
                guard let (k, label) = key(appeal) else { continue }
                var entry = counts[k] ?? (label, 0, [])
                entry.count += 1
                if entry.samples.count < samples { entry.samples.append(appeal.ticketID) }
                counts[k] = entry
            }
            var before: [String: Int] = [:]
            for appeal in previous { if let (k, _) = key(appeal) { before[k, default: 0] += 1 } }
            return counts.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.prefix(limit).enumerated().map { index, element in
                HotIssue(kind: kind, rank: index + 1, key: element.key, label: element.value.label, count: element.value.count,
                         previous: before[element.key] ?? 0, samples: element.value.samples)
            }
        }
        return ranked(.item) { $0.item.isEmpty ? nil : ($0.item, $0.itemName) } + ranked(.place) { $0.place.map { ($0.key, $0.label) } }
    }
}
