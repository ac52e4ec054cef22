import GroupbotCore
import Testing

/// A ladder counts strikes either with `decay` (the count starts again after a quiet spell)
/// or with `window` (the strikes of the last stretch of time).
@Suite struct LadderWindowTests {
    static func rules(_ counting: String) -> String {
        """
          - id: ad
            on: message
            when: { keywords: { any: [加微信] } }
            ladder: ads
        ladders:
          ads:
            \(counting)
            steps: [[{ dm: 第一次 }], [{ dm: 第二次 }], [{ dm: 第三次 }]]
        """
    }

    /// Strikes at 10:00 and 20:00 on day one, then 11:00 on day two.
    func third(_ counting: String) throws -> [String?] {
        let harness = try Harness(["rules/general.yaml": "rules:\n" + Self.rules(counting)])
        harness.send("加微信 1", at: "2026-11-20T10:00:00+08:00")
        harness.send("加微信 2", at: "2026-11-20T20:00:00+08:00")
        return harness.send("加微信 3", at: "2026-11-21T11:00:00+08:00").map(\.text)
    }

    @Test func decayCountsOnWhileStrikesComeWithinTheDecay() throws {
        // 15 hours since the last strike: within a 1-day decay, so this is the third.
        #expect(try third("decay: 1d") == ["第三次"])
    }

    @Test func aWindowCountsOnlyTheStrikesOfTheWindow() throws {
        // The strike of 10:00 the day before is 25 hours old: out of the window, so this is the second.
        #expect(try third("window: 1d") == ["第二次"])
    }

    @Test func aShadowRuleForeseesTheWindowsCount() throws {
        let rules = """
              - id: ad
                on: message
                when: { keywords: { any: [加微信] } }
                ladder: ads
              - id: ad-trial
                on: message
                shadow: true
                when: { keywords: { any: [加V] } }
                ladder: ads
            ladders:
              ads:
                window: 1d
                steps: [[{ dm: 第一次 }], [{ dm: 第二次 }], [{ dm: 第三次 }]]
            """
        let harness = try Harness(["rules/general.yaml": "rules:\n" + rules])
        harness.send("加微信 1", at: "2026-11-20T10:00:00+08:00")
        harness.send("加微信 2", at: "2026-11-20T20:00:00+08:00")
        let notice = harness.send("加V 3", at: "2026-11-21T11:00:00+08:00").first?.text ?? ""
        #expect(notice.contains("第二次"))
    }

    @Test func decayAndWindowTogetherAreAnError() {
        let errors = loadErrors(["rules/general.yaml": "rules:\n" + Self.rules("decay: 30d\n    window: 30d")])
        #expect(errors.contains { $0.contains("ladder 'ads' has both 'decay' and 'window'") })
    }
}

/// `match: word` in a rule file.
@Suite struct KeywordWordRuleTests {
    @Test func aRuleWithWordKeywordsFiresOnlyOnWholeWords() throws {
        let harness = try Harness(rules: """
              - id: contact
                on: message
                when: { keywords: { any: [vx, qq], match: word } }
                actions: [delete]
            """)
        #expect(harness.send("加我 vx 详聊").map(\.kind).contains(.delete))
        #expect(harness.send("我在听 qqmusic").isEmpty)
        #expect(loadErrors(["rules/general.yaml": "rules:\n  - id: x\n    on: message\n    when: { keywords: { any: [a], match: words } }\n    actions: [delete]\n"])
            .contains { $0.contains("unknown keyword match 'words'") && $0.contains("word") })
    }
}
