@testable import GroupbotCore
import Testing

/// The per-rule needs checked before a candidate rule is read: taken from the gates of its
/// text regexes, and never ruling out a text the rule fires for.
@Suite struct TextNeedsTests {
    static let rules = """
          - id: phone
            on: message
            when: { regex: '1[3-9]\\d{9}' }
            actions: [delete]
          - id: spaced-out
            on: message
            when: { regex: '(?:\\S\\s){3,}' }
            actions: [{ notify: 字间加空格 }]
          - id: faq
            on: message
            when: { keywords: { any: [多少钱] } }
            actions: [{ reply: 价格见群公告 }]
        """

    @Test func needsComeFromTheGates() throws {
        let harness = try Harness(rules: Self.rules)
        let type = try #require(harness.engine.book.types["general"])
        let needs = Dictionary(uniqueKeysWithValues: zip(type.rules.map(\.id), type.textNeeds))
        #expect(needs["phone"]?.minimumDigits == 10 && needs["phone"]?.minimumBytes == 11)
        #expect(needs["spaced-out"]?.minimumSpaces == 3)
        #expect(needs["faq"]?.restricts == false)
    }

    @Test func rulesStillFireWhereTheirTextsMeetTheNeeds() throws {
        let harness = try Harness(rules: Self.rules)
        #expect(Set(harness.send("加我13812345678").map(\.rule)) == ["phone"])
        #expect(harness.send("加我1381234").isEmpty)
        #expect(Set(harness.send("加 我 好 友").map(\.rule)) == ["spaced-out"])
        #expect(harness.send("加我 好友").isEmpty)
        #expect(harness.send("这个多少钱").map(\.rule) == ["faq"])
    }
}
