import GroupbotCore
import Testing

/// `explain`: every rule's verdict agrees with what the engine does, with a reason.
@Suite struct ExplainTests {
    static let rules = """
          - id: ad
            on: message
            priority: 10
            stop: true
            when: { regex: '1[3-9]\\d{9}' }
            except: { roles: [admin] }
            actions: [delete]
          - id: night
            on: message
            when: { time: { from: "23:00", to: "07:00" } }
            actions: [{ reply: 夜深了 }]
          - id: shipping
            on: message
            cooldown: 10m
            when: { keywords: { any: [发货, 快递] }, kind: [text] }
            actions: [{ reply: 48 小时内发货 }]
        """

    func event(_ text: String, at time: String, role: MemberRole = .member, id: String = "x") -> Event {
        let parsed = Timestamp.parse(time)!
        return Event(type: .message, id: id, time: parsed.instant, utcOffsetSeconds: parsed.utcOffsetSeconds,
                     group: "g1", user: "u1", role: role, text: text)
    }

    @Test func verdictsGiveTheFailingConditionAndAgreeWithTheActions() throws {
        let harness = try Harness(rules: Self.rules)
        let explanation = harness.engine.explain(event("什么时候发货", at: "2026-11-20T10:00:00+08:00"))
        #expect(explanation.type == "general")
        #expect(explanation.verdicts == [
            .init(rule: "ad", fired: false, reason: "regex /1[3-9]\\d{9}/ does not match the text; a match needs one of «1», and the text has none"),
            .init(rule: "night", fired: false, reason: "local time 周五 10:00 is outside 23:00–07:00"),
            .init(rule: "shipping", fired: true, reason: "all conditions hold"),
        ])
        #expect(explanation.actions.map(\.rule) == ["shipping"])
    }

    @Test func stopCooldownAndExemptionsAreNamed() throws {
        let harness = try Harness(rules: Self.rules)
        harness.clock.advance(to: Timestamp.parse("2026-11-20T10:00:00+08:00")!.instant)
        _ = harness.engine.explain(event("发货了吗", at: "2026-11-20T10:00:00+08:00", id: "a"))
        let later = harness.engine.explain(event("发货了吗 13812345678", at: "2026-11-20T10:05:00+08:00", id: "b"))
        #expect(later.verdicts.map(\.reason) == [
            "all conditions hold; /1[3-9]\\d{9}/ matched «13812345678»", "not reached: ad fired with stop", "not reached: ad fired with stop",
        ])
        let admin = harness.engine.explain(event("发货了吗 13812345678", at: "2026-11-20T10:06:00+08:00", role: .admin))
        #expect(admin.verdicts.first?.reason == "the sender's role admin is exempt")
        #expect(admin.verdicts.last?.reason == "conditions hold, but the cooldown lasts until 2026-11-20T10:10:00+08:00")
        #expect(admin.actions.isEmpty)
    }

    @Test func anAdLetThroughByItsSlotSaysSoAndWhy() throws {
        let harness = try Harness([
            "rules/general.yaml": """
                ad_slots:
                  - { days: [fri], from: "20:00", to: "21:00", quota: 1, red_packet: 5 }
                rules:
                  - id: ad
                    on: message
                    ad_slot: true
                    when: { keywords: { any: [代理, 加盟] } }
                    actions: [delete, { dm: "广告请在周五 20:00 发" }]
                """,
        ])
        let early = harness.engine.explain(event("招代理", at: "2026-11-20T20:10:00+08:00", id: "a"))
        #expect(early.verdicts.first?.fired == true)
        #expect(early.verdicts.first?.reason == "all conditions hold; inside the ad slot 20:00–21:00, but no red packet of at least 5 was sent since it opened")
        #expect(Array(early.actions.map(\.kind).prefix(2)) == [.delete, .dm])
        _ = harness.send(.message, "", at: "2026-11-20T20:11:00+08:00", kind: "red_packet", amount: 8.8)
        let paid = harness.engine.explain(event("招代理", at: "2026-11-20T20:12:00+08:00", id: "b"))
        #expect(paid.verdicts.first?.reason == "conditions hold; an ad inside the slot 20:00–21:00, after a red packet of 8.8: ad 1 of 1 allowed, nothing done")
        #expect(paid.actions.isEmpty)
        let again = harness.engine.explain(event("招代理", at: "2026-11-20T20:13:00+08:00", id: "c"))
        #expect(again.verdicts.first?.reason == "all conditions hold; inside the ad slot 20:00–21:00, but the member's quota of 1 is used")
    }

    @Test func aMissedKeywordNamesTheClosestOne() throws {
        let harness = try Harness(rules: Self.rules)
        let explanation = harness.engine.explain(event("发了吗", at: "2026-11-20T10:00:00+08:00"))
        #expect(explanation.verdicts.last?.reason == "none of the keywords [发货、快递] occurs; closest: «发货» (the text has «发»)")
    }

    @Test func anAdminCommandIsNamedAsTheFlowThatHandledIt() throws {
        let harness = try Harness(["rules/general.yaml": "admin_commands:\n  pardon: [/pardon]\nrules:\n" + Self.rules])
        let explanation = harness.engine.explain(Event(
            type: .message, id: "p", time: Timestamp.parse("2026-11-20T10:00:00+08:00")!.instant, utcOffsetSeconds: 28_800,
            group: "g1", user: "admin1", role: .admin, text: "/pardon 发货", mentions: ["u1"]))
        #expect(explanation.handledByFlow == "an admin command: no rule sees it")
        #expect(explanation.verdicts.isEmpty)
    }
}
