import GroupbotCore
import Testing

/// The newcomer conditions: a member's first messages, time since their join, and whether
/// someone invited them; only for members whose join was seen.
@Suite struct NewcomerConditionTests {
    static let rules = """
          - id: newcomer-link
            on: message
            when: { first_messages: 2, joined_within: 1h, keywords: { any: [http] } }
            actions: [delete, { dm: "新朋友先熟悉一下群规，链接晚点再发哦" }]
          - id: invited-hello
            on: message
            when: { invited: true, first_messages: 1 }
            actions: [{ reply: "欢迎被邀请的新朋友" }]
          - id: self-joined-hello
            on: message
            when: { invited: false, first_messages: 1 }
            actions: [{ reply: "欢迎自己找来的新朋友" }]
        """

    func rules(_ harness: Harness, _ text: String, at time: String, user: String = "u-new") -> [String] {
        harness.send(text, at: time, user: user).map(\.rule)
    }

    @Test func aNewcomersFirstMessagesWithinTheHour() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u-new")
        // delete, the DM and the admins' notice of the deletion; then the first-message hello.
        #expect(rules(harness, "看看 http://a.cn", at: "2026-11-20T10:05:00+08:00")
            == ["newcomer-link", "newcomer-link", "newcomer-link", "self-joined-hello"])
        #expect(rules(harness, "再看 http://a.cn", at: "2026-11-20T10:06:00+08:00") == ["newcomer-link", "newcomer-link", "newcomer-link"])
        // The third message is past the first two.
        #expect(rules(harness, "还有 http://a.cn", at: "2026-11-20T10:07:00+08:00").isEmpty)
    }

    @Test func anHourAfterTheJoinIsTooLate() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u-new")
        #expect(rules(harness, "看看 http://a.cn", at: "2026-11-20T11:00:00+08:00") == ["self-joined-hello"])
    }

    @Test func membersWhoseJoinWasNotSeenAreNoNewcomers() throws {
        let harness = try Harness(rules: Self.rules)
        #expect(rules(harness, "看看 http://a.cn", at: "2026-11-20T10:05:00+08:00", user: "u-old").isEmpty)
    }

    @Test func anInvitationIsRemembered() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u-new", inviter: "u-friend")
        #expect(rules(harness, "大家好", at: "2026-11-20T10:01:00+08:00") == ["invited-hello"])
    }

    @Test func aLeaveForgetsTheJoinAndARejoinStartsAgain() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u-new")
        harness.send("大家好", at: "2026-11-20T10:01:00+08:00", user: "u-new")
        harness.send(.leave, at: "2026-11-20T10:02:00+08:00", user: "u-new")
        #expect(rules(harness, "我又来了", at: "2026-11-20T10:03:00+08:00").isEmpty)
        harness.send(.join, at: "2026-11-20T10:04:00+08:00", user: "u-new")
        #expect(rules(harness, "我又来了", at: "2026-11-20T10:05:00+08:00") == ["self-joined-hello"])
    }

    @Test func theRecordsSurviveASnapshot() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u-new", inviter: "u-friend")
        let restored = try Harness(rules: Self.rules)
        restored.engine.restore(harness.engine.snapshot())
        #expect(restored.send("大家好", at: "2026-11-20T10:01:00+08:00", user: "u-new").map(\.rule) == ["invited-hello"])
    }

    @Test func aCountBelowOneIsAMistake() {
        let errors = loadErrors(["rules/general.yaml": "rules:\n  - id: a\n    on: message\n    when: { first_messages: 0 }\n    actions: [delete]\n"])
        #expect(errors == ["rules/general.yaml:4:29: first_messages 0 can never hold; expected a number of messages, 1 or more"])
    }
}
