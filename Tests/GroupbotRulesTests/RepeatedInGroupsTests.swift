import GroupbotCore
import Testing

/// `repeated: { in_groups: N }`: the same text posted in at least N distinct groups.
@Suite struct RepeatedInGroupsTests {
    static let rules = """
          - id: cross-post
            on: message
            when: { repeated: { count: 2, within: 1h, in_groups: 2 } }
            actions: [delete]
        """

    @Test func repeatsInsideOneGroupDoNotCountAsOtherGroups() throws {
        let harness = try Harness(rules: Self.rules)
        #expect(harness.send("全场五折，快来", at: "2026-11-20T10:00:00+08:00", group: "g1").isEmpty)
        #expect(harness.send("全场五折，快来", at: "2026-11-20T10:01:00+08:00", group: "g1").isEmpty)
        // The third copy, now in a second group: two groups, three copies.
        #expect(harness.send("全场五折，快来", at: "2026-11-20T10:02:00+08:00", group: "g2").map(\.kind).contains(.delete))
    }

    @Test func acrossGroupsAloneStillCountsRepeatsInOneGroup() throws {
        let harness = try Harness(rules: """
              - id: cross-post
                on: message
                when: { repeated: { count: 2, within: 1h, across_groups: true } }
                actions: [delete]
            """)
        #expect(harness.send("全场五折", at: "2026-11-20T10:00:00+08:00", group: "g1").isEmpty)
        #expect(harness.send("全场五折", at: "2026-11-20T10:01:00+08:00", group: "g1").map(\.kind).contains(.delete))
    }

    @Test func inGroupsMustFitTheCount() {
        let errors = loadErrors(["rules/general.yaml": """
            rules:
              - id: x
                on: message
                when: { repeated: { count: 2, within: 1h, in_groups: 3 } }
                actions: [delete]
            """])
        #expect(errors.contains { $0.contains("in_groups 3 cannot be met with count 2") })
    }
}
