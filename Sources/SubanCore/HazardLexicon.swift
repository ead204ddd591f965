import Foundation

/// Words for danger to life or property, read with the words around them: a
/// hazard that is denied ("没有着火"), feared ("担心万一着火"), prevented
/// ("防止漏电") or past ("上次起火后") is not a danger now.
///
/// The lists are data (`hazards.json` in the shipped data), so a city adds its
/// own words without a release.
public struct HazardLexicon: Sendable {
    /// Phrases that describe a present danger ("燃气味", "被困", "冒烟").
    public let hazards: [String]
    /// Words that deny the phrase right after them ("没有", "不是").
    public let negations: [String]
    /// Words that make the rest of their clause a worry, a precaution or the past ("担心", "万一", "以前").
    public let hypotheticals: [String]
    /// Words that say nothing of what an appeal is about: greetings, politeness, "我想咨询",
    /// particles. A text that is only these names no subject ("你好，我想咨询一下"), and the
    /// models would guess a category from its politeness alone.
    public let fillers: [String]
    private let fillersByFirst: [Unicode.Scalar: [[Unicode.Scalar]]]
    private let matcher: PhraseMatcher

    /// How many characters before a hazard a negation still denies it: "没有着火" but not "没人管的电线冒烟".
    static let negationReach = 3

    public init(hazards: [String], negations: [String], hypotheticals: [String], fillers: [String] = []) {
        self.hazards = hazards
        self.negations = negations
        self.hypotheticals = hypotheticals
        self.fillers = fillers
        // Longest first, so "我想咨询" is taken whole before "我" takes its first character.
        fillersByFirst = Dictionary(grouping: fillers.map { Array($0.unicodeScalars) }.filter { !$0.isEmpty }, by: { $0[0] })
            .mapValues { $0.sorted { $0.count > $1.count } }
        matcher = PhraseMatcher(hazards)
    }

    /// Whether `text` says what it is about: at least two letters or characters are left once
    /// the fillers are taken out. One pass over the text, on dispatch's path for every appeal.
    public func namesASubject(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var index = 0, letters = 0
        while index < scalars.count {
            if let filler = fillersByFirst[scalars[index]]?.first(where: { scalars[index...].starts(with: $0) }) {
                index += filler.count
                continue
            }
            let properties = scalars[index].properties
            if properties.isAlphabetic || properties.numericType != nil {
                letters += 1
                if letters >= 2 { return true }
            }
            index += 1
        }
        return false
    }

    /// The hazards `text` describes as present, in order of appearance, each once.
    public func signals(in text: String) -> [String] {
        var found: [String] = []
        for clause in Self.clauses(of: text) {
            let clause = String(clause)
            for index in matcher.matches(in: clause) where !found.contains(hazards[index]) {
                // Present if any occurrence in the clause is neither denied nor hypothetical.
                var searchFrom = clause.startIndex
                while let range = clause.range(of: hazards[index], range: searchFrom..<clause.endIndex) {
                    let before = clause[..<range.lowerBound]
                    let denied = negations.contains { before.suffix(Self.negationReach).contains($0) }
                    if !denied && !hypotheticals.contains(where: before.contains) {
                        found.append(hazards[index])
                        break
                    }
                    searchFrom = range.upperBound
                }
            }
        }
        return found
    }

    /// Clauses end at punctuation that ends a thought: a hypothetical in one sentence does not reach the next.
    static func clauses(of text: String) -> [Substring] {
        text.split(whereSeparator: { "，,。.！!？?；;\n".contains($0) })
    }
}
