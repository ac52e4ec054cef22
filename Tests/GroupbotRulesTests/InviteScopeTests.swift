import GroupbotCore
import Testing

/// `invites` counted per group, per group type or everywhere; `{inviter_nick}` names the inviter.
@Suite struct InviteScopeTests {
    static let groups = "default: general\ngroups:\n  - { name: 会员, type: vip }\n"

    static func rule(_ invites: String) -> String {
        """
        rules:
          - id: invite-reward
            on: join
            when: { invites: \(invites) }
            actions: [{ send: "感谢 {inviter_nick}（{inviter}）" }]
        """
    }

    func harness(_ invites: String) throws -> Harness {
        try Harness(["rules/groups.yaml": Self.groups, "rules/general.yaml": Self.rule(invites),
                     "rules/vip.yaml": "extends: general\nrules: []\n"])
    }

    /// Two invitations into a fan group, one into another fan group, one into a VIP group.
    func fired(_ harness: Harness) -> [String] {
        var fired: [String] = []
        let joins = [("g1", "粉丝群1"), ("g1", "粉丝群1"), ("g2", "粉丝群2"), ("v1", "会员群1")]
        for (index, join) in joins.enumerated() {
            let actions = harness.send(.join, at: "2026-11-20T10:0\(index):00+08:00", user: "n\(index)", group: join.0,
                                       groupName: join.1, inviter: "u-inv")
            fired += actions.map { "\(join.0): \($0.text ?? "")" }
        }
        return fired
    }

    @Test func perGroupByDefault() throws {
        #expect(fired(try harness("2")) == ["g1: 感谢 u-inv（u-inv）"])
    }

    @Test func perGroupType() throws {
        // The third invitation into a fan group is the one in g2; the VIP group counts apart.
        #expect(fired(try harness("{ count: 3, scope: type }")) == ["g2: 感谢 u-inv（u-inv）"])
    }

    @Test func everywhere() throws {
        #expect(fired(try harness("{ count: 4, scope: all }")) == ["v1: 感谢 u-inv（u-inv）"])
    }

    @Test func theInvitersNicknameOnceTheyHavePosted() throws {
        let harness = try harness("1")
        harness.send("拉朋友进群", user: "u-inv", nick: "西安-周平-鱼油", group: "g1", groupName: "粉丝群1")
        let actions = harness.send(.join, at: "2026-11-20T10:05:00+08:00", user: "n1", group: "g1", groupName: "粉丝群1",
                                   inviter: "u-inv")
        #expect(actions.map(\.text) == ["感谢 西安-周平-鱼油（u-inv）"])
    }

    /// A newcomer who leaves and is invited back counts once: rewards cannot be farmed.
    @Test func aRejoinIsNotASecondInvitation() throws {
        let harness = try harness("2")
        var fired: [String] = []
        for (minute, type) in [(0, EventType.join), (1, .leave), (2, .join), (3, .leave), (4, .join)] {
            fired += harness.send(type, at: "2026-11-20T10:0\(minute):00+08:00", user: "n1", group: "g1", groupName: "粉丝群1",
                                  inviter: type == .join ? "u-inv" : nil).compactMap(\.text)
        }
        #expect(fired.isEmpty)
        // A second newcomer is the second invitation.
        let second = harness.send(.join, at: "2026-11-20T10:09:00+08:00", user: "n2", group: "g1", groupName: "粉丝群1", inviter: "u-inv")
        #expect(second.compactMap(\.text) == ["感谢 u-inv（u-inv）"])
    }

    @Test func anUnknownScopeIsAnErrorWithAGuess() {
        let errors = loadErrors(["rules/general.yaml": Self.rule("{ count: 3, scope: types }")])
        #expect(errors.contains { $0.contains("unknown invites scope 'types'") && $0.contains("type") })
    }
}
