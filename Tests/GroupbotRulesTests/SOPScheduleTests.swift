@testable import GroupbotCore
import Testing

/// The SOP calendar: weekly and monthly posts, rotation, quiet hours, silence filters,
/// the newcomer programme, and the quiet-stage alert.
@Suite struct SOPScheduleTests {
    func times(_ actions: [Action]) -> [String] {
        actions.map { Timestamp.format($0.due, utcOffsetSeconds: 28_800) }
    }

    @Test func weeklyAndMonthlyOccurrences() throws {
        let harness = try Harness(rules: """
              - id: lottery
                on: schedule
                at: "20:00"
                days: [wed]
                actions: [{ send: 周三抽奖开始 }]
              - id: member-day
                on: schedule
                at: "10:00"
                monthdays: [1, 15]
                actions: [{ send: 会员日 }]
            """)
        harness.send("hi", at: "2026-11-20T09:00:00+08:00")
        let posts = harness.advanceDaily(to: "2026-12-16T00:00:00+08:00")
        #expect(posts.filter { $0.rule == "member-day" }.count == 2 && posts.filter { $0.rule == "lottery" }.count == 3)
        #expect(times(posts).sorted() == [
            "2026-11-25T20:00:00+08:00", "2026-12-01T10:00:00+08:00", "2026-12-02T20:00:00+08:00",
            "2026-12-09T20:00:00+08:00", "2026-12-15T10:00:00+08:00",
        ])
    }

    @Test func aClockThatJumpsCatchesUpOnlyTheLastWeek() throws {
        let harness = try Harness(rules: """
              - id: morning
                on: schedule
                at: "09:00"
                actions: [{ send: 早安 }]
            """)
        harness.send("hi", at: "2026-11-20T08:00:00+08:00")
        // Thirty days pass with nothing moving the clock (an outage): only the last seven are posted.
        let posts = harness.advance(to: "2026-12-20T08:00:00+08:00")
        #expect(times(posts) == (13...19).map { "2026-12-\($0)T09:00:00+08:00" })
        // A thousand years later, the catch-up is still one week, and the schedule goes on.
        let far = harness.advance(to: "3026-12-20T08:00:00+08:00")
        #expect(far.count == 7)
        #expect(harness.advance(to: "3026-12-20T09:00:00+08:00").count == 1)
    }

    @Test func textsRotateInOrderPerGroup() throws {
        let harness = try Harness(rules: """
              - id: share
                on: schedule
                at: "09:00"
                rotate: in_order
                actions: [{ send: [话题一, 话题二, 话题三] }]
            """)
        harness.send("hi", at: "2026-11-20T08:00:00+08:00")
        let posts = harness.advance(to: "2026-11-24T10:00:00+08:00")
        #expect(posts.map(\.text) == ["话题一", "话题二", "话题三", "话题一", "话题二"])
    }

    @Test func quietHoursAndSilenceFilters() throws {
        let harness = try Harness(["rules/general.yaml": """
            quiet_hours: { from: "22:00", to: "08:00" }
            rules:
              - id: late-post
                on: schedule
                at: "23:00"
                actions: [{ send: 深夜推送 }]
              - id: morning
                on: schedule
                at: "09:00"
                skip_if_silent: 3d
                actions: [{ send: 早安 }]
              - id: revive
                on: schedule
                at: "12:00"
                only_if_silent: 3d
                actions: [{ send: 好久没人说话啦，来聊聊最近用得怎么样？ }]
            """])
        var posts = harness.send("hi", at: "2026-11-20T08:00:00+08:00", group: "lively")
        posts += harness.send("hi", at: "2026-11-20T08:00:00+08:00", group: "dead")
        for day in 21...24 { posts += harness.send("在", at: "2026-11-\(day)T08:30:00+08:00", group: "lively") }
        posts += harness.advance(to: "2026-11-24T13:00:00+08:00")
        #expect(!posts.contains { $0.rule == "late-post" })
        // The dead group falls silent for three days on the 23rd: no more morning posts there.
        #expect(posts.filter { $0.rule == "morning" }.map(\.group)
            == ["dead", "lively", "dead", "lively", "dead", "lively", "lively", "lively"])
        #expect(posts.filter { $0.rule == "revive" }.map { "\($0.group) \(Timestamp.format($0.due, utcOffsetSeconds: 28_800))" }
            == ["dead 2026-11-23T12:00:00+08:00", "dead 2026-11-24T12:00:00+08:00"])
    }

    @Test func newcomerProgrammeByDayOfTheGroupsLife() throws {
        let harness = try Harness(rules: """
              - id: day-1
                on: schedule
                at: "19:00"
                group_days: [1]
                actions: [{ send: 第一天：互相认识一下 }]
              - id: day-3
                on: schedule
                at: "19:00"
                group_days: [3]
                actions: [{ send: 第三天：产品知识小课堂 }]
            """)
        var posts = harness.send("建群啦", at: "2026-11-20T10:00:00+08:00", group: "new")
        posts += harness.send("hi", at: "2026-11-21T10:00:00+08:00", group: "newer")
        posts += harness.advance(to: "2026-11-25T00:00:00+08:00")
        #expect(posts.map { "\($0.group) \($0.rule) \(Timestamp.format($0.due, utcOffsetSeconds: 28_800).prefix(10))" } == [
            "new day-1 2026-11-20", "newer day-1 2026-11-21", "new day-3 2026-11-22", "newer day-3 2026-11-23",
        ])
    }

    @Test func quietGroupsAreReportedOnceWithTheirMostActiveMembers() throws {
        let harness = try Harness(["rules/general.yaml": """
            quiet_alert: { at: "09:00", active_below: 3, days: 3, top: 2 }
            rules: []
            """])
        harness.send("hi", at: "2026-11-20T10:00:00+08:00", user: "a", nick: "老王", group: "g1")
        harness.send("hi", at: "2026-11-21T10:00:00+08:00", user: "a", nick: "老王", group: "g1")
        harness.send("hi", at: "2026-11-21T11:00:00+08:00", user: "b", nick: "小李", group: "g1")
        harness.send("hi", at: "2026-11-22T10:00:00+08:00", user: "a", nick: "老王", group: "g1")
        let alerts = harness.advance(to: "2026-11-27T10:00:00+08:00")
        #expect(alerts.map(\.rule) == ["quiet-group"])
        #expect(alerts.first?.text == "「g1」已连续 3 天每天发言人数少于 3 人，进入冷清期。最活跃的成员：老王（a，3 条）、小李（b，1 条），可以考虑邀请他们转到新群。")
        #expect(Timestamp.format(alerts[0].due, utcOffsetSeconds: 28_800) == "2026-11-23T09:00:00+08:00")
    }
}

@Suite struct PruningTests {
    /// Expired cooldowns and finished welcome bookkeeping are forgotten as engine time passes.
    @Test func oldStateIsForgotten() throws {
        let harness = try Harness(["rules/general.yaml": """
            welcome:
              steps:
                - send: 欢迎 {names}
                - send: 群规见公告
                  after: 1m
            rules:
              - id: faq
                on: message
                cooldown: 10m
                when: { keywords: { any: [发货] } }
                actions: [{ reply: 48 小时内发货 }]
            """])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", nick: "小美")
        harness.send("发货了吗", at: "2026-11-20T10:00:30+08:00")
        #expect(harness.engine.snapshot().state.cooldowns.until.count == 1)
        _ = harness.advance(to: "2026-11-20T12:00:00+08:00")
        harness.send("你好", at: "2026-11-20T13:30:00+08:00")
        #expect(harness.engine.snapshot().state.cooldowns.until.isEmpty)
        #expect(harness.engine.pendingActionCount == 0)
    }
}
