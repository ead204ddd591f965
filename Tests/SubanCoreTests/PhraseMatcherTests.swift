import Testing
@testable import SubanCore

@Suite struct PhraseMatcherTests {
    @Test(arguments: [
        (["he", "she", "his", "hers"], "ushers", ["she", "he", "hers"]),
        (["施工", "夜间施工", "噪音"], "晚上夜间施工，噪音大，施工不停", ["夜间施工", "施工", "噪音"]),
        (["沙头街道", "沙头角街道"], "盐田区沙头角街道中英街", ["沙头角街道"]),
        (["a", "aa", "aaa"], "aaaa", ["a", "aa", "aaa"]),
        (["燃气"], "闻到煤气味", []),
        (["x"], "", []),
    ] as [([String], String, [String])])
    func findsEveryPhraseOnce(_ phrases: [String], _ text: String, _ expected: [String]) {
        let matcher = PhraseMatcher(phrases)
        #expect(matcher.matches(in: text).map { phrases[$0] } == expected)
    }

    /// Agrees with plain substring search on the whole shipped catalog.
    @Test func agreesWithSubstringSearch() {
        let phrases = Array(Set(Catalog.shenzhen.items.flatMap(\.keywords))).sorted()
        let matcher = PhraseMatcher(phrases)
        let texts = ["小区电梯困人，物业不管，还乱收费", "工地夜间施工打桩，油烟和噪音", "公积金提取和社保断缴怎么办", "没有任何关键词的一句话"]
        for text in texts {
            let expected = Set(phrases.indices.filter { text.contains(phrases[$0]) })
            #expect(Set(matcher.matches(in: text)) == expected, "\(text)")
        }
    }
}
