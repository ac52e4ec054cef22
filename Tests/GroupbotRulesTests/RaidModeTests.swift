import GroupbotCore
import Testing

/// Raid mode: too many joins (or newcomers' first messages) in a window switch a group into
/// a defensive state (newcomers muted, join requests held for the admins, no welcome), and
/// calm switches it back; both switches are admin notices of rule `raid`.
@Suite struct RaidModeTests {
    static let files = [
        "rules/general.yaml": """
        welcome:
          steps:
            - send: "欢迎 {names}"
        raid:
          joins: 10
          within: 1m
          calm: 10m
          mute_newcomers: 30m
        rules:
          - id: raid-links
            on: message
            when: { in_raid: true, keywords: { any: [http] } }
            actions: [delete]
          - id: approve-all
            on: join_request
            actions: [approve]
        """,
    ]

    /// Thirty accounts join in two minutes, one every four seconds.
    func raid(_ harness: Harness, group: String = "g1") -> [[Action]] {
        (0..<30).map { index in
            let second = index * 4
            return harness.send(.join, at: String(format: "2026-11-20T10:%02d:%02d+08:00", second / 60, second % 60),
                                user: "u-raider-\(index)", nick: "福利\(index)", group: group)
        }
    }

    @Test func thirtyAccountsInTwoMinutesSwitchTheGroupOnce() throws {
        let harness = try Harness(Self.files)
        let perJoin = raid(harness)
        // Nine joins are welcomed (in no batch: one each), the tenth switches raid mode on.
        #expect(perJoin[..<9].allSatisfy { $0.map(\.rule) == ["welcome-script"] })
        let switching = perJoin[9]
        #expect(switching.first?.kind == .notify && switching.first?.rule == "raid")
        #expect(switching.first?.text?.contains("1分钟内 10 次入群，进入防刷模式") == true)
        // The ten counted in the window are muted for 30 minutes at the switch.
        let muted = switching.filter { $0.kind == .mute }
        #expect(Set(muted.compactMap(\.user)) == Set((0..<10).map { "u-raider-\($0)" }))
        #expect(muted.allSatisfy { $0.body == .mute(user: $0.user!, seconds: 1800) })
        // The twenty after them are muted one by one and not welcomed; one notice only.
        for (index, actions) in perJoin[10...].enumerated() {
            #expect(actions.map(\.kind) == [.mute], "join \(index + 10): \(actions.map(\.rule))")
        }
        #expect(perJoin.joined().filter { $0.rule == "raid" && $0.kind == .notify }.count == 1)
    }

    @Test func joinRequestsWaitForTheAdminsAndRulesSeeRaidMode() throws {
        let harness = try Harness(Self.files)
        _ = raid(harness)
        let request = harness.send(.joinRequest, at: "2026-11-20T10:02:10+08:00", user: "u-asks", nick: "路人")
        #expect(request.map(\.rule) == ["raid"])
        #expect(request.first?.text?.contains("入群申请请管理员处理") == true)
        let link = harness.send("福利 http://spam.example", at: "2026-11-20T10:02:20+08:00", user: "u-old")
        #expect(link.map(\.rule) == ["raid-links", "raid-links"])  // the deletion and its notice
    }

    @Test func calmEndsRaidModeAndTheGroupIsItselfAgain() throws {
        let harness = try Harness(Self.files)
        _ = raid(harness)
        // The last join was at 10:01:56: ten quiet minutes later raid mode ends.
        let early = harness.advance(to: "2026-11-20T10:11:00+08:00")
        #expect(!early.contains { $0.rule == "raid" })
        let end = harness.advance(to: "2026-11-20T10:12:00+08:00")
        #expect(end.map(\.rule) == ["raid"])
        #expect(end.first?.text?.contains("退出防刷模式") == true)
        #expect(harness.send(.joinRequest, at: "2026-11-20T10:13:00+08:00", user: "u-asks").map(\.rule) == ["approve-all"])
        #expect(harness.send("看看 http://a.cn", at: "2026-11-20T10:13:30+08:00", user: "u-old").isEmpty)
        #expect(harness.send(.join, at: "2026-11-20T10:14:00+08:00", user: "u-late").map(\.rule) == ["welcome-script"])
    }

    @Test func aNewJoinDuringTheRaidKeepsItGoing() throws {
        let harness = try Harness(Self.files)
        _ = raid(harness)
        harness.send(.join, at: "2026-11-20T10:08:00+08:00", user: "u-more")
        #expect(!harness.advance(to: "2026-11-20T10:12:30+08:00").contains { $0.rule == "raid" })
        #expect(harness.advance(to: "2026-11-20T10:18:00+08:00").map(\.rule) == ["raid"])
    }

    @Test func anotherGroupOfTheTypeIsNotRaidedUnlessTheScopeIsTheType() throws {
        let harness = try Harness(Self.files)
        _ = raid(harness)
        #expect(harness.send(.join, at: "2026-11-20T10:02:30+08:00", user: "u-x", group: "g2").map(\.rule) == ["welcome-script"])

        var typeWide = Self.files
        typeWide["rules/general.yaml"] = typeWide["rules/general.yaml"]!.replacingOccurrences(of: "  calm: 10m", with: "  calm: 10m\n  scope: type")
        let shared = try Harness(typeWide)
        // Five joins in each of two groups: ten in the type.
        for index in 0..<10 {
            shared.send(.join, at: "2026-11-20T10:00:\(10 + index)+08:00", user: "u-\(index)", group: index % 2 == 0 ? "g1" : "g2")
        }
        #expect(shared.send(.join, at: "2026-11-20T10:00:30+08:00", user: "u-y", group: "g3").map(\.kind) == [.mute])
    }

    @Test func firstMessagesOfNewcomersCountToo() throws {
        let harness = try Harness(["rules/general.yaml": """
            raid:
              first_messages: 5
              within: 2m
              mute_newcomers: false
            rules: []
            """])
        for index in 0..<5 { harness.send(.join, at: "2026-11-20T09:00:0\(index)+08:00", user: "u-\(index)") }
        var actions: [Action] = []
        for index in 0..<5 {
            actions += harness.send("加我领福利", at: "2026-11-20T10:00:0\(index)+08:00", user: "u-\(index)")
        }
        #expect(actions.map(\.rule) == ["raid"])
        #expect(actions.first?.text?.contains("5 次新人发言") == true)
        // A second message of a newcomer is not a first message.
        #expect(harness.send("再说一次", at: "2026-11-20T10:00:09+08:00", user: "u-0").isEmpty)
    }

    @Test func raidModeSurvivesASnapshot() throws {
        let harness = try Harness(Self.files)
        _ = raid(harness)
        let restored = try Harness(Self.files)
        restored.engine.restore(harness.engine.snapshot())
        restored.clock.advance(to: harness.clock.now)
        #expect(restored.send(.join, at: "2026-11-20T10:02:30+08:00", user: "u-z").map(\.kind) == [.mute])
        #expect(restored.advance(to: "2026-11-20T10:12:40+08:00").map(\.rule) == ["raid"])
    }

    @Test func aRaidWithoutACountOrWindowIsAMistake() {
        #expect(loadErrors(["rules/general.yaml": "raid: { within: 1m }\nrules: []\n"])
            == ["rules/general.yaml:1:7: raid counts nothing; expected joins: N and/or first_messages: N within the window"])
        #expect(loadErrors(["rules/general.yaml": "raid: { joins: 1, within: 1m }\nrules: []\n"])
            == ["rules/general.yaml:1:16: raid joins 1 would switch on at every join; expected 2 or more"])
        #expect(loadErrors(["rules/general.yaml": "raid: { joins: 5, within: 1m, scope: groups }\nrules: []\n"]).first?
            .hasPrefix("rules/general.yaml:1:38: unknown raid scope 'groups'; expected group or type") == true)
    }
}
