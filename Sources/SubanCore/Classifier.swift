/// What the classifier concluded from an appeal's text.
public struct Classification: Sendable, Hashable {
    public struct Candidate: Sendable, Hashable {
        public var itemCode: String
        public var score: Int
    }

    /// The best item, nil when nothing in the text matched the catalog.
    public var itemCode: String?
    /// 0...1: how much evidence there is and how far the best item leads the next.
    public var confidence: Double
    /// The best items first, at most five.
    public var candidates: [Candidate]
}

/// Keyword evidence against the responsibility catalog: each catalog phrase
/// found in the text scores its length in characters for its item, so a
/// specific phrase ("夜间施工") outweighs a generic one ("施工").
public struct Classifier: Sendable {
    private let matcher: PhraseMatcher
    /// For each phrase of `matcher`, the items it is evidence for.
    private let itemsByPhrase: [[String]]

    public init(catalog: Catalog) {
        var byPhrase: [String: [String]] = [:]
        for item in catalog.items {
            for keyword in item.keywords { byPhrase[keyword, default: []].append(item.code) }
        }
        let phrases = byPhrase.keys.sorted()
        matcher = PhraseMatcher(phrases)
        itemsByPhrase = phrases.map { byPhrase[$0]! }
    }

    public func classify(_ text: String) -> Classification {
        var scores: [String: Int] = [:]
        for index in matcher.matches(in: text) {
            let weight = matcher.phrases[index].count
            for item in itemsByPhrase[index] { scores[item, default: 0] += weight }
        }
        let ranked = scores.map { Classification.Candidate(itemCode: $0.key, score: $0.value) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.itemCode < $1.itemCode }
        guard let best = ranked.first else {
            return Classification(itemCode: nil, confidence: 0, candidates: [])
        }
        let second = ranked.count > 1 ? ranked[1].score : 0
        let strength = min(1.0, Double(best.score) / 4.0)
        let margin = Double(best.score - second) / Double(best.score)
        return Classification(itemCode: best.itemCode, confidence: strength * (0.5 + 0.5 * margin), candidates: Array(ranked.prefix(5)))
    }
}

/// Life or property at risk: the signals that make an appeal urgent even when
/// the channel did not flag it.
public enum UrgencyDetector {
    public static let signals: [String] = [
        "着火", "起火", "失火", "火灾", "冒烟", "火花", "电线起火", "爆炸", "燃气泄漏", "煤气泄漏", "闻到燃气味", "燃气味",
        "煤气味", "被困", "困在电梯", "困电梯", "坍塌", "倒塌", "塌方", "塌陷", "水浸", "内涝", "被淹", "淹水", "洪水",
        "受伤", "流血", "昏迷", "晕倒", "触电", "漏电", "溺水", "跳楼", "轻生", "正在被骗", "正在转账", "持刀",
        "滑坡", "泥石流", "有人掉", "危险", "快要倒",
    ]

    private static let matcher = PhraseMatcher(signals)

    /// The signals found in `text`, in list order; empty when none.
    public static func signals(in text: String) -> [String] {
        matcher.matches(in: text).sorted().map { signals[$0] }
    }
}
