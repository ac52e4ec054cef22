@testable import GroupbotCore
import Testing

/// The engine's state is one value: a snapshot is a copy that later events do not touch,
/// and restoring it is an assignment that brings every flow back.
@Suite struct EngineStateTests {
    static let rules = """
          - id: ad
            on: message
            when: { keywords: { any: [加微信] } }
            ladder: ads
        ladders:
          ads: { steps: [[{ dm: 第一次提醒 }], [delete], [kick]] }
        """

    @Test func aSnapshotIsACopyAndRestoringItBringsTheFlowsBack() throws {
        let harness = try Harness(["rules/general.yaml": "rules:\n" + Self.rules])
        harness.send("加微信 abc", at: "2026-11-20T10:00:00+08:00")
        let taken = harness.engine.snapshot()
        let strikes = { (state: EngineState) in state.ladders.strikes[StrikeKey(user: "u1", ladder: "ads")]?.count }
        #expect(strikes(taken.state) == 1)

        // Later events change the engine, not the snapshot taken before them.
        let second = harness.send("加微信 def", at: "2026-11-20T10:05:00+08:00")
        #expect(second.map(\.kind) == [.delete, .notify])
        #expect(strikes(harness.engine.state) == 2)
        #expect(strikes(taken.state) == 1)

        // Restored, the member is back on the second step.
        harness.engine.restore(taken)
        let again = harness.send("加微信 ghi", at: "2026-11-20T10:10:00+08:00")
        #expect(again.map(\.kind) == [.delete, .notify])
        #expect(strikes(harness.engine.state) == 2)
    }

    @Test func memberKeysKeepTheirStoredForm() {
        let key = MemberKey(group: "g-fans-01", user: "wx|u1")
        #expect(key.stored == "g-fans-01|wx|u1")
        #expect(MemberKey(stored: key.stored) == key)
        #expect(MemberKey(stored: "no-bar") == nil)
        #expect(RepeatScope(stored: "*|u1") == .acrossGroups(user: "u1"))
        #expect(RepeatScope(stored: "g1|u1") == .inGroup(MemberKey(group: "g1", user: "u1")))
    }

    @Test func pruningAsksEveryFlow() {
        var state = EngineState()
        let day: Int64 = 86_400_000
        let member = MemberKey(group: "g1", user: "u1")
        state.trust.mutedUntil[member] = Instant(milliseconds: 5 * day)
        state.adSlots.redPackets[member] = [RedPacket(time: Instant(milliseconds: day), amount: 8.8)]
        state.welcome.tokens[member] = [7]
        state.cooldowns.until[Cooldowns.Key(type: "general", rule: "faq", group: "g1", user: nil)] = Instant(milliseconds: day)
        state.prune(now: Instant(milliseconds: 10 * day))
        #expect(state.trust.mutedUntil.isEmpty)
        #expect(state.adSlots.redPackets.isEmpty)
        #expect(state.welcome.tokens.isEmpty)
        #expect(state.cooldowns.until.isEmpty)
    }
}
