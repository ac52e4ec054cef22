import GroupbotCore
import Testing

/// Shared ban lists: a member a rule removes from one group (or an admin bans) is kept out
/// of every group of the types sharing the list, until an admin lifts the ban from any of them.
@Suite struct BanListTests {
    static let files = [
        "rules/groups.yaml": """
        default: general
        groups:
          - { id: g-vip, type: vip }
          - { id: g-other-brand, type: other }
        """,
        "rules/general.yaml": """
        ban_list: xianhai
        rules:
          - id: scam
            on: message
            when: { keywords: { any: [刷单] } }
            reason: 发刷单广告
            actions: [delete, kick]
          - id: hello
            on: join
            actions: [{ send: "欢迎" }]
          - id: approve-all
            on: join_request
            actions: [approve]
        """,
        "rules/vip.yaml": """
        ban_list: { name: xianhai }
        rules:
          - id: vip-hello
            on: join
            actions: [{ send: "欢迎VIP" }]
        """,
        "rules/other.yaml": """
        rules:
          - id: other-hello
            on: join
            actions: [{ send: "欢迎" }]
        """,
    ]

    @Test func aRemovalInOneGroupKeepsTheMemberOutOfTheOthers() throws {
        let harness = try Harness(Self.files)
        #expect(harness.send("刷单返利，日结", at: "2026-11-20T10:00:00+08:00", user: "u-scam", group: "g1").map(\.kind)
            == [.delete, .kick, .notify])
        // Another group of the same type, and a group of another type on the same list.
        for group in ["g2", "g-vip"] {
            let join = harness.send(.join, at: "2026-11-20T11:00:00+08:00", user: "u-scam", nick: "新号", group: group)
            #expect(join.map(\.kind) == [.kick, .notify], "\(group)")
            #expect(join.allSatisfy { $0.rule == "ban-list" })
            #expect(join.last?.text?.contains("在 xianhai 黑名单上（2026-11-20T10:00:00+08:00 在「g1」：发刷单广告；当时的消息：刷单返利，日结）") == true)
        }
        let request = harness.send(.joinRequest, at: "2026-11-20T11:05:00+08:00", user: "u-scam", group: "g3")
        #expect(request.map(\.kind) == [.reject, .notify])
        // A type without the list knows nothing of it.
        #expect(harness.send(.join, at: "2026-11-20T11:10:00+08:00", user: "u-scam", group: "g-other-brand").map(\.rule)
            == ["other-hello"])
    }

    @Test func anAdminBansByReplyAndLiftsItFromAnotherGroupByID() throws {
        let harness = try Harness(Self.files)
        harness.send("我这里有便宜货，私聊", at: "2026-11-20T10:00:00+08:00", user: "u-seller", group: "g1")  // e1
        // An admin of a group needs the member's message remembered to ban by reply, or a mention.
        let ban = harness.send("拉黑", at: "2026-11-20T10:01:00+08:00", user: "u-admin", nick: "运营小王", role: .admin,
                               group: "g1", mentions: ["u-seller"])
        #expect(ban.map(\.kind) == [.kick, .notify])
        #expect(ban.map(\.rule) == ["admin-ban", "admin-ban"])
        #expect(ban.last?.text == "管理员 运营小王 拉黑了 u-seller（xianhai 名单内所有群）")
        #expect(harness.send(.join, at: "2026-11-20T12:00:00+08:00", user: "u-seller", group: "g-vip").map(\.kind) == [.kick, .notify])
        // Lifted from the VIP group, naming the id: a banned member is in no group to mention.
        let lift = harness.send("/unban u-seller", at: "2026-11-20T12:05:00+08:00", user: "u-owner", role: .owner, group: "g-vip")
        #expect(lift.map(\.rule) == ["admin-unban"])
        #expect(harness.send(.join, at: "2026-11-20T12:10:00+08:00", user: "u-seller", group: "g2").map(\.rule) == ["hello"])
    }

    @Test func theListSurvivesASnapshot() throws {
        let harness = try Harness(Self.files)
        harness.send("刷单返利", at: "2026-11-20T10:00:00+08:00", user: "u-scam", group: "g1")
        let restored = try Harness(Self.files)
        restored.engine.restore(harness.engine.snapshot())
        #expect(restored.send(.join, at: "2026-11-20T11:00:00+08:00", user: "u-scam", group: "g2").map(\.kind) == [.kick, .notify])
    }

    @Test func listRemovalsFalseListsOnlyAdminsBans() throws {
        var files = Self.files
        files["rules/general.yaml"] = files["rules/general.yaml"]!.replacingOccurrences(
            of: "ban_list: xianhai", with: "ban_list: { name: xianhai, list_removals: false }")
        let harness = try Harness(files)
        harness.send("刷单返利", at: "2026-11-20T10:00:00+08:00", user: "u-scam", group: "g1")
        #expect(harness.send(.join, at: "2026-11-20T11:00:00+08:00", user: "u-scam", group: "g2").map(\.rule) == ["hello"])
    }

    @Test func aBanListNeedsAName() {
        #expect(loadErrors(["rules/general.yaml": "ban_list: { list_removals: true }\nrules: []\n"])
            == ["rules/general.yaml:1:11: ban_list needs a 'name'; expected ban_list: { name: brand-a }: types naming the same list share it"])
    }
}
