@testable import GroupbotCore
import GroupbotRules
import Testing

/// The texts the engine writes by itself: Chinese by default, English on request, each
/// overridable in a rule file and checked like a template.
@Suite struct BuiltInTextsTests {
    static let adRule = """
          - id: ad
            on: message
            ad_slot: true
            when: { keywords: { any: [代理] } }
            actions: [delete]
        """

    func file(_ head: String) -> [String: String] {
        ["rules/general.yaml": head + "\nad_slots:\n  - { days: [fri], from: \"20:00\", to: \"21:00\", quota: 1 }\nrules:\n" + Self.adRule]
    }

    @Test func theDefaultsAreTheChineseSet() throws {
        let harness = try Harness(file(""))
        let notice = harness.send("招代理", at: "2026-11-20T10:00:00+08:00", nick: "小芳").first { $0.kind == .notify }
        #expect(notice?.text == "【ad】ad：撤回消息 — 小芳（u1）原文：招代理")
    }

    @Test func englishIsOneLineAway() throws {
        let harness = try Harness(file("texts: { language: en }"))
        let notice = harness.send("招代理", at: "2026-11-20T10:00:00+08:00", nick: "Fang").first { $0.kind == .notify }
        #expect(notice?.text == "[ad] ad: deleted the message — Fang (u1) wrote: 招代理")
        #expect(BuiltInTexts(language: .en).duration(600) == "10 min")
        #expect(BuiltInTexts(language: .en).render(.nextSlot, ["weekday": "Fri", "month": "11", "day": "27", "from": "20:00", "to": "21:00"])
                == "Fri 11/27 20:00–21:00")
    }

    @Test func aRuleFileOverridesOneTextAndKeepsTheRest() throws {
        let harness = try Harness(file("texts:\n  enforcement_notice: \"{nick} 的消息已处理（{rule}）\"\n  did_delete: 删除"))
        let notice = harness.send("招代理", at: "2026-11-20T10:00:00+08:00", nick: "小芳").first { $0.kind == .notify }
        #expect(notice?.text == "小芳 的消息已处理（ad）")
        let type = try #require(harness.engine.book.types["general"])
        #expect(type.community.texts.render(.didDelete) == "删除")
        #expect(type.community.texts.render(.days, ["n": "2"]) == "2天")
    }

    @Test func aChildTypeInheritsAndOverridesItsParentsTexts() throws {
        let book = try RuleBookLoader.load(files: [
            ("rules/groups.yaml", "default: vip"),
            ("rules/base.yaml", "texts: { language: en, pardoned: \"forgave {member}\" }\nrules: []"),
            ("rules/vip.yaml", "extends: base\ntexts: { untrusted: \"stopped trusting {member}\" }\nrules: []"),
        ])
        let texts = try #require(book.types["vip"]).community.texts
        #expect(texts.render(.pardoned, ["member": "a"]) == "forgave a")
        #expect(texts.render(.untrusted, ["member": "a"]) == "stopped trusting a")
        #expect(texts.render(.trusted, ["member": "a"]).hasPrefix("trusts a"))
    }

    @Test func checkNamesAWrongPlaceholderAndAnUnknownLanguage() {
        let errors = loadErrors(["rules/general.yaml": """
            texts:
              language: fr
              pardoned: "赦免 {membr}"
              did_delete: "删了 {text}"
            rules: []
            """])
        #expect(errors.contains("rules/general.yaml:2:13: no built-in texts in 'fr'; expected zh-CN or en"))
        #expect(errors.contains("rules/general.yaml:3:13: the text uses {membr}, which pardoned does not offer; expected one of {member} (did you mean 'member'?)"))
        #expect(errors.contains("rules/general.yaml:4:15: the text uses {text}, which did_delete does not offer; expected no placeholders"))
    }

    @Test func checkNamesAnUnknownTextWithAGuess() {
        let errors = loadErrors(["rules/general.yaml": "texts:\n  pardonned: x\nrules: []"])
        #expect(errors.first?.contains("unknown key 'pardonned'") == true)
        #expect(errors.first?.contains("did you mean 'pardoned'?") == true)
    }
}
