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
            .init(rule: "ad", fired: false, reason: "regex /1[3-9]\\d{9}/ does not match the text"),
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
            "all conditions hold", "not reached: ad fired with stop", "not reached: ad fired with stop",
        ])
        let admin = harness.engine.explain(event("发货了吗 13812345678", at: "2026-11-20T10:06:00+08:00", role: .admin))
        #expect(admin.verdicts.first?.reason == "the sender's role admin is exempt")
        #expect(admin.verdicts.last?.reason == "conditions hold, but the cooldown lasts until 2026-11-20T10:10:00+08:00")
        #expect(admin.actions.isEmpty)
    }
}
