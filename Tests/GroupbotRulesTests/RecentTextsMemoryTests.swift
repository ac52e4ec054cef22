@testable import GroupbotCore
import Testing

/// The `repeated` condition's memory holds what the rules can still count, and no more: the
/// lists their conditions read (a member's in one group, a user's across groups), and only
/// while a sighting is within the longest window of the rules in force.
@Suite struct RecentTextsMemoryTests {
    static let inGroup = """
          - id: flood
            on: message
            when: { repeated: { count: 3, within: 10m } }
            actions: [delete]
        """

    static func scopes(_ harness: Harness) -> Set<String> {
        Set(harness.engine.state.recentTexts.lists.keys.map(\.stored))
    }

    @Test func onlyTheListsTheRulesReadAreKept() throws {
        let inGroup = try Harness(rules: Self.inGroup)
        inGroup.send("今晚八点开播", at: "2026-11-20T10:00:00+08:00", user: "u1")
        inGroup.send("今晚八点开播", at: "2026-11-20T10:01:00+08:00", user: "u1")
        #expect(Self.scopes(inGroup) == ["g1|u1"])
        #expect(inGroup.send("今晚八点开播", at: "2026-11-20T10:02:00+08:00", user: "u1").map(\.kind).contains(.delete))

        let across = try Harness(rules: """
              - id: cross-post
                on: message
                when: { repeated: { count: 2, within: 1h, across_groups: true } }
                actions: [delete]
            """)
        across.send("全场五折", at: "2026-11-20T10:00:00+08:00", group: "g1")
        #expect(Self.scopes(across) == ["*|u1"])
        #expect(across.send("全场五折", at: "2026-11-20T10:01:00+08:00", group: "g2").map(\.kind).contains(.delete))

        let both = try Harness(rules: Self.inGroup + """

              - id: cross-post
                on: message
                when: { repeated: { count: 2, within: 1h, in_groups: 2 } }
                actions: [delete]
            """)
        both.send("全场五折", at: "2026-11-20T10:00:00+08:00", group: "g1")
        #expect(Self.scopes(both) == ["g1|u1", "*|u1"])
    }

    @Test func listsPastTheLongestWindowOfTheRulesAreForgotten() throws {
        // The VIP type's day-long window counts even before any VIP group has spoken.
        let harness = try Harness([
            "rules/groups.yaml": "default: general\ngroups:\n  - name: VIP\n    type: vip\n",
            "rules/general.yaml": "rules:\n" + Self.inGroup,
            "rules/vip.yaml": """
                rules:
                  - id: daily-repeat
                    on: message
                    when: { repeated: { count: 2, within: 1d } }
                    actions: [delete]
                """,
        ])
        harness.send("早上好", at: "2026-11-20T10:00:00+08:00", user: "u1")
        harness.send("早上好", at: "2026-11-20T12:00:00+08:00", user: "u2")  // an hour on: the memory is pruned
        #expect(Self.scopes(harness) == ["g1|u1", "g1|u2"])
        harness.send("早上好", at: "2026-11-21T11:00:00+08:00", user: "u3")  // a day past u1's, not u2's
        #expect(Self.scopes(harness) == ["g1|u2", "g1|u3"])
        // The rules see what they saw before: three copies from u2 within ten minutes.
        harness.send("早上好", at: "2026-11-21T11:55:00+08:00", user: "u2")
        harness.send("早上好", at: "2026-11-21T11:56:00+08:00", user: "u2")
        #expect(harness.send("早上好", at: "2026-11-21T11:57:00+08:00", user: "u2").map(\.kind).contains(.delete))
    }
}
