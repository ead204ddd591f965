/// The places an appeal names below the street office — roads, estates and
/// buildings, communities, house and block numbers — found by their suffixes
/// ("民康路", "星河丹堤小区", "3栋"). Duplicate detection compares them: two
/// reports are about one place when they share names and contradict none.
public struct PlaceMentions: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// 路, 大道, 街, 巷: long, so one shared road alone is weak evidence.
        case road
        /// An estate, building, park, station, site, village, river...
        case site
        /// A community (社区): many estates.
        case zone
        /// A house, block or unit number ("88号", "3栋", "B座").
        case number
    }

    public struct Mention: Sendable, Hashable {
        public let kind: Kind
        /// The name as written ("民康路").
        public let name: String
        /// What must occur in the other report for the mention to be shared: the name
        /// without its suffix ("民康"), or the whole of a number ("3栋").
        public let key: String
        let keyScalars: [Unicode.Scalar]

        /// What a number counts ("栋" of "17栋", "期" of "4期", "门" of "东门"): two reports naming
        /// different numbers of one unit name two places.
        public var unit: String {
            let rest = key.drop { $0.isNumber }
            return String(rest.count < key.count ? rest : key.dropFirst())
        }

        init(kind: Kind, name: String, key: String) {
            self.kind = kind
            self.name = name
            self.key = key
            keyScalars = Array(key.unicodeScalars)
        }
    }

    public let mentions: [Mention]
    /// The text the mentions were found in, with official district and street names
    /// taken out (two reports on one street always share those). Unicode scalars:
    /// each Chinese character is one, and comparing them is cheap.
    let searchable: [Unicode.Scalar]

    /// The keys of the places named, house and block numbers aside: a report that names
    /// none of another's and whose words hold none of the other's cannot share a place with it.
    public var keys: [String] { mentions.filter { $0.kind != .number }.map(\.key) }

    /// Whether it names a place narrower than a road: a site (estate, station, park…) or a
    /// place of the gazetteer. Such a place tells reports apart across a district.
    public var namesSite: Bool { !canonical.isEmpty || mentions.contains { $0.kind == .site } }

    /// The house and block numbers named ("3栋", "88号").
    public var numbers: [String] { mentions.filter { $0.kind == .number }.map(\.key) }

    /// The words searched, official district and street names taken out.
    public var words: String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: searchable)
        return String(text)
    }

    /// The gazetteer's names of the places the texts name ("水径村" for "下水径"): two reports
    /// naming one place by an alias and by its name share it, and two naming different
    /// places of the gazetteer are about two places, however alike their words.
    public let canonical: [String]

    /// `alsoNamed`: those gazetteer names. Each becomes a mention keyed `@name`, so it is
    /// stored with the ticket's place keys and matches only the same gazetteer place.
    public init(_ texts: String?..., alsoNamed: [String] = []) {
        searchable = Self.withoutOfficialNames(Array(texts.compactMap { $0 }.joined(separator: "。").unicodeScalars))
        canonical = alsoNamed
        mentions = Self.find(in: searchable) + Self.sides(in: searchable) + alsoNamed.map { Mention(kind: .site, name: $0, key: Self.canonicalPrefix + $0) }
    }

    static let canonicalPrefix = "@"

    /// The gazetteer names among a ticket's stored place keys (`keys` of its mentions), for
    /// comparing it again later: `PlaceMentions(address, text, alsoNamed: canonicalNames(in: keys))`.
    public static func canonicalNames(in keys: [String]) -> [String] {
        keys.filter { $0.hasPrefix(canonicalPrefix) }.map { String($0.dropFirst(canonicalPrefix.count)) }
    }

    /// Whether `mention` (of another report) is named here too: the same number, or
    /// the last characters of the name, which survive a citizen's shortening
    /// ("星河丹堤小区" / "星河丹堤") and the verbs a suffix scan cannot tell from a name.
    func names(_ mention: Mention) -> Bool {
        if mention.key.hasPrefix(Self.canonicalPrefix) { return canonical.contains(mention.name) }
        return switch mention.kind {
        case .number: mentions.contains { $0.kind == .number && $0.key == mention.key }
        default: searchable.contains(mention.keyScalars)
        }
    }

    private static func withoutOfficialNames(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(text.count)
        var index = 0
        scan: while index < text.count {
            for name in officialNames[text[index]] ?? [] where text.matches(name, at: index) {
                kept.append("|")
                index += name.count
                continue scan
            }
            kept.append(text[index])
            index += 1
        }
        return kept
    }

    /// The side or exit of a place a report names ("东门", "西广场", "D口"): numbers of a kind,
    /// compared unit by unit, so the east and the west gate of one campus are two places.
    private static func sides(in text: [Unicode.Scalar]) -> [Mention] {
        var found: [Mention] = []
        for index in text.indices.dropLast() {
            let designator = text[index]
            let isDirection = "东南西北".unicodeScalars.contains(designator)
            let isLetter = designator.isASCII && designator.properties.isAlphabetic
            guard isDirection || isLetter, index == 0 || !text[index - 1].isASCII || !text[index - 1].properties.isAlphabetic else { continue }
            let units = isDirection ? ["门", "广场", "出口"] : ["出口", "口"]
            for unit in units where text.matches(Array(unit.unicodeScalars), at: index + 1) {
                let letter = isLetter ? String(designator).uppercased() : String(designator)
                let mention = Mention(kind: .number, name: String(designator) + unit, key: letter + (unit == "出口" && isLetter ? "口" : unit))
                if !found.contains(where: { $0.key == mention.key }) { found.append(mention) }
                break
            }
        }
        return found
    }

    private static func find(in text: [Unicode.Scalar]) -> [Mention] {
        var found: [Mention] = []
        var seen = Set<String>()
        var lastEnd = 0
        var index = 0
        scan: while index < text.count {
            for suffix in suffixes[text[index]] ?? [] where text.matches(suffix.scalars, at: index) {
                let end = index + suffix.scalars.count
                // A rejected match still consumes its suffix: "人行天桥" must not become "人行天" + "桥".
                defer { index = end }
                if end < text.count && suffix.notFollowedBy.contains(text[end]) || index > 0 && suffix.notPrecededBy.contains(text[index - 1]) {
                    continue scan
                }
                var start = index
                // A number's stem is its digits alone: "锦绣江南四期17栋" names phase 4 and block 17.
                let belongs: (Unicode.Scalar) -> Bool = suffix.kind == .number ? { $0.isNumberCharacter } : { $0.isNameCharacter && !stopCharacters.contains($0) }
                while start > lastEnd, index - start < 6, belongs(text[start - 1]) { start -= 1 }
                // A number right after a name ("江南4期") is a door or a phase; after a date word it is a day.
                let afterName = start > 0 && text[start - 1].isNameCharacter && !dateCharacters.contains(text[start - 1]) && !stopCharacters.contains(text[start - 1])
                if let mention = mention(stem: String(String.UnicodeScalarView(text[start..<index])), suffix: suffix,
                                         adjoinsPlace: start == lastEnd && lastEnd > 0 || suffix.kind == .number && afterName) {
                    if seen.insert(mention.key).inserted { found.append(mention) }
                    lastEnd = end
                }
                continue scan
            }
            index += 1
        }
        return found
    }

    private static func mention(stem: String, suffix: Suffix, adjoinsPlace: Bool) -> Mention? {
        let name = stem + suffix.text
        let numeric = stem.unicodeScalars.allSatisfy(\.isNumberCharacter)
        if suffix.kind == .number {
            // "3号" alone is as often a date as a door; after a place name it is a door.
            guard !stem.isEmpty, numeric, adjoinsPlace || !suffix.needsPlaceBefore else { return nil }
            let digits = String(String.UnicodeScalarView(stem.unicodeScalars.map { numerals[$0] ?? $0 }))
            return Mention(kind: .number, name: name, key: digits + suffix.numberUnit)
        }
        guard stem.count >= 2, !genericStems.contains(stem), !numeric else { return nil }
        let tail = String(stem.suffix(2))
        guard !genericStems.contains(tail) else { return nil }
        // Roads are written with their suffix ("民治大道" is not "民治路"); sites are often shortened.
        return Mention(kind: suffix.kind, name: name, key: suffix.kind == .road ? tail + suffix.text : tail)
    }

    struct Suffix {
        var text: String
        var scalars: [Unicode.Scalar]
        var kind: Kind
        /// Characters after which the suffix is part of a word, not a place name ("路灯", "城管").
        var notFollowedBy: Set<Unicode.Scalar>
        /// Characters before it that make a common word ("马路", "人行道", "政府").
        var notPrecededBy: Set<Unicode.Scalar>

        /// Numbers: the unit they are compared in ("3号楼", "3座" and "3栋" are one block).
        var numberUnit: String { ["号楼": "栋", "座": "栋"][text] ?? text }
        var needsPlaceBefore: Bool { text == "号" || text == "期" }
    }

    /// By first character, longest first, so "工业园" wins over "园" and "大道" over "道".
    static let suffixes: [Unicode.Scalar: [Suffix]] = {
        var table: [Suffix] = [
            Suffix(road: "大道"), Suffix(road: "大街"), Suffix(road: "巷"),
            Suffix(road: "路", notFollowedBy: "灯面段况人线径费过由牌基肩", notPrecededBy: "马公小道水岔铁线电思出走让带问拦"),
            Suffix(road: "街", notFollowedBy: "坊头道"),
            Suffix(road: "道", notFollowedBy: "路歉理德具闸", notPrecededBy: "通车水行盲楼过走坡匝管渠频报味知街河赛轨航占"),
            Suffix(text: "社区", kind: .zone),
        ]
        for unit in ["号楼", "单元", "栋"] { table.append(Suffix(text: unit, kind: .number)) }
        table.append(Suffix(text: "号", kind: .number, notFollowedBy: "码线称"))
        table.append(Suffix(text: "座", kind: .number, notFollowedBy: "位椅谈"))
        table.append(Suffix(text: "期", kind: .number, notFollowedBy: "间限"))
        let sites = """
            工业园区 工业园 工业区 科技园 产业园 物流园 幼儿园 小学 中学 学校 大学 学院 医院 社康中心 社康 卫生院 公园 广场 大厦 中心 \
            花园 家园 新村 小区 公寓 商场 市场 酒店 宾馆 地铁站 公交站 汽车站 火车站 客运站 站 村 苑 城 园 府 湾 阁 天桥 桥 立交 隧道 码头 \
            天地 大院 工地 项目 工程 楼盘 体育馆 图书馆 口岸 机场 水库 河 湖 山 海滩 沙滩 加油站 停车场 菜市场 商业街 步行街 大楼 楼
            """
        let followed: [String: String] = ["城": "管市中区乡镇", "村": "民委", "山": "体坡", "市场": "监", "站": "长", "楼": "上下道顶梯层房主盘"]
        let preceded: [String: String] = ["府": "政", "楼": "层高"]
        for site in sites.split(separator: " ").map(String.init) {
            table.append(Suffix(text: site, kind: .site, notFollowedBy: followed[site] ?? "", notPrecededBy: preceded[site] ?? ""))
        }
        return Dictionary(grouping: table.sorted { $0.scalars.count > $1.scalars.count }) { $0.scalars[0] }
    }()

    /// Characters that end a name when walking back from its suffix ("我家楼下的民康路" → "民康路").
    static let stopCharacters = Set("的在了我你他她们有和与及或跟从到向对这那是把被就都也还又很说个条家旁边近处里每该此已经让给段门附其".unicodeScalars)

    /// Characters after which "3号" is a date, not a door ("12月3号", "周3号").
    static let dateCharacters = Set("月年日周星期天".unicodeScalars)

    /// Words that end like a place but name none ("人行道", "城中村", "办公楼").
    static let genericStems: Set<String> = [
        "人行", "城中", "小区", "公共", "附近", "周边", "一些", "好多", "不知", "整个", "所在", "当地", "本地", "同一", "办公", "住宅", "居民",
        "商住", "教学", "宿舍", "写字", "隔壁", "对面", "下水", "排水", "消防", "区政", "市政", "施工", "建筑", "地铁", "公交", "停车",
    ]

    static let numerals: [Unicode.Scalar: Unicode.Scalar] = ["一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"]

    /// Official names shared by every report on a street, by first character, longest first; taken out before comparing.
    static let officialNameList: [String] = Territory.allStreets.map(\.name) + Territory.districts.map(\.name) + ["深圳市", "广东省"]
    static let officialNames: [Unicode.Scalar: [[Unicode.Scalar]]] = Dictionary(
        grouping: officialNameList.map { Array($0.unicodeScalars) }.sorted { $0.count > $1.count }) { $0[0] }
}

extension PlaceMentions.Suffix {
    init(road text: String, notFollowedBy: String = "", notPrecededBy: String = "") {
        self.init(text: text, kind: .road, notFollowedBy: notFollowedBy, notPrecededBy: notPrecededBy)
    }

    init(text: String, kind: PlaceMentions.Kind, notFollowedBy: String = "", notPrecededBy: String = "") {
        self.init(text: text, scalars: Array(text.unicodeScalars), kind: kind, notFollowedBy: Set(notFollowedBy.unicodeScalars),
                  notPrecededBy: Set(notPrecededBy.unicodeScalars))
    }
}

extension Unicode.Scalar {
    var isNameCharacter: Bool { properties.isAlphabetic || properties.numericType != nil }

    var isNumberCharacter: Bool {
        isASCII && (properties.isAlphabetic || properties.numericType != nil) || PlaceMentions.numerals[self] != nil || self == "十"
    }
}

extension Array where Element == Unicode.Scalar {
    func matches(_ other: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + other.count <= count else { return false }
        for offset in other.indices where self[index + offset] != other[offset] { return false }
        return true
    }

    func contains(_ other: [Unicode.Scalar]) -> Bool {
        guard !other.isEmpty, other.count <= count else { return other.isEmpty }
        for index in 0...(count - other.count) where self[index] == other[0] && matches(other, at: index) { return true }
        return false
    }
}
