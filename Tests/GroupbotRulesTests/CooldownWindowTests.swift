import GroupbotCore
import Testing

/// A cooldown's key (group, member, member in every group) and window (rolling, calendar day).
@Suite struct CooldownWindowTests {
    static func harness(_ cooldown: String) throws -> Harness {
        try Harness(rules: """
              - id: faq-price
                on: message
                when: { keywords: { any: [价格] } }
                cooldown: \(cooldown)
                actions: [{ reply: 价格见群公告 }]
            """)
    }

    /// Which of these messages were answered: (time, user, group).
    static func answered(_ harness: Harness, _ messages: [(String, String, String)]) -> [Int] {
        messages.enumerated().compactMap { index, message in
            harness.send("价格多少", at: message.0, user: message.1, group: message.2).isEmpty ? nil : index
        }
    }

    @Test func aDayWindowLastsUntilLocalMidnightNot24Hours() throws {
        let harness = try Self.harness("{ window: day, per: user }")
        #expect(Self.answered(harness, [
            ("2026-11-20T09:00:00+08:00", "u1", "g1"),   // answered
            ("2026-11-20T23:59:00+08:00", "u1", "g1"),   // same local day: quiet
            ("2026-11-21T00:01:00+08:00", "u1", "g1"),   // a new day, 15 hours later: answered
        ]) == [0, 2])
    }

    @Test func perUserEverywhereSpansTheGroupsOfTheType() throws {
        let everywhere = try Self.harness("{ duration: 1h, per: user_everywhere }")
        let messages = [("2026-11-20T09:00:00+08:00", "u1", "g1"), ("2026-11-20T09:10:00+08:00", "u1", "g2"),
                        ("2026-11-20T09:20:00+08:00", "u2", "g2")]
        #expect(Self.answered(everywhere, messages) == [0, 2])
        let perGroup = try Self.harness("{ duration: 1h, per: user }")
        #expect(Self.answered(perGroup, messages) == [0, 1, 2])
    }

    @Test func durationAndWindowTogetherAreAnError() {
        let errors = loadErrors(["rules/general.yaml": """
            rules:
              - id: x
                on: message
                cooldown: { duration: 1d, window: day }
                actions: [{ reply: hi }]
            """])
        #expect(errors.contains { $0.contains("cooldown has both 'duration' and 'window'") })
    }
}
