import GroupbotCore
import Testing

/// Memberships come from joins, from every message a member sends, and from member lists
/// (`member` events); a leave forgets them. "One general group per member" then fires for
/// members who were in their groups before groupbot started.
@Suite struct MembershipSourcesTests {
    static let rule = """
          - id: one-general-group
            on: join
            when: { groups: { more_than: 1 } }
            actions: [{ dm: "{nick}，你已经在另一个福利群啦" }]
          - id: hello
            on: message
            when: { keywords: { any: [你好] } }
            actions: [{ reply: "你好呀" }]
        """

    @Test func aMemberWhoPostedInAnotherGroupIsInIt() throws {
        let harness = try Harness(rules: Self.rule)
        harness.send("今天的活动几点开始？", user: "u-old", group: "g-a")
        let actions = harness.send(.join, at: "2026-11-20T10:05:00+08:00", user: "u-old", nick: "老会员", group: "g-b")
        #expect(actions.map(\.text) == ["老会员，你已经在另一个福利群啦"])
    }

    @Test func aMemberListLineIsAMembershipAndRunsNothing() throws {
        let harness = try Harness(rules: Self.rule)
        // A `member` event with the text of a rule's keyword: no rule runs on it.
        let listed = harness.send(.member, "你好", user: "u-listed", nick: "名单里的人", group: "g-a")
        #expect(listed.isEmpty)
        let actions = harness.send(.join, at: "2026-11-20T10:05:00+08:00", user: "u-listed", nick: "新名字", group: "g-b")
        #expect(actions.map(\.text) == ["新名字，你已经在另一个福利群啦"])
    }

    @Test func aLeaveForgetsWhatAMessageTaught() throws {
        let harness = try Harness(rules: Self.rule)
        harness.send("大家好", user: "u-gone", group: "g-a")
        harness.send(.leave, at: "2026-11-20T10:01:00+08:00", user: "u-gone", group: "g-a")
        #expect(harness.send(.join, at: "2026-11-20T10:05:00+08:00", user: "u-gone", group: "g-b").isEmpty)
    }
}
