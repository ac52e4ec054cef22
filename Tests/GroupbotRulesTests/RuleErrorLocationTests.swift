import GroupbotRules
import Testing

/// Every class of mistake names file:line:column, what was wrong and what was expected.
@Suite struct RuleErrorLocationTests {
    func errors(_ yaml: String, file: String = "rules/general.yaml") -> [String] {
        loadErrors([file: yaml])
    }

    @Test func misspeltRuleKeyGetsDidYouMean() {
        let found = errors("""
            rules:
              - id: faq
                on: message
                acions:
                  - send: 你好
            """)
        #expect(found.contains(
            "rules/general.yaml:4:5: unknown key 'acions' in a rule; expected one of actions, ad_slot, allowed_domains, at, cooldown, days, description, disabled, except, group_days, id, ladder, monthdays, normalize, notify_admins, on, only_if_silent, priority, reason, rotate, shadow, skip_if_silent, stop, when (did you mean 'actions'?)"))
        #expect(found.contains { $0.hasPrefix("rules/general.yaml:2:5: rule 'faq' has no actions") })
    }

    @Test func repeatedCountIsBoundedByWhatIsRemembered() {
        let found = errors("""
            rules:
              - id: flood
                on: message
                when:
                  repeated: { count: 100, within: 1d }
                actions: [delete]
            """)
        #expect(found.contains { $0.hasPrefix("rules/general.yaml:5:26: repeated count 100 is more than groupbot remembers (a member's latest 64 messages)") })
    }

    @Test func misspeltActionNameGetsDidYouMean() {
        let found = errors("""
            rules:
              - id: faq
                on: message
                actions:
                  - repyl: 你好
            """)
        #expect(found == [
            "rules/general.yaml:5:9: no action name among 'repyl'; expected one of approve, delete, dm, kick, mute, notify, reject, reply, send, unmute per list item (did you mean 'reply'?)",
        ])
    }

    @Test func unknownBareActionName() {
        let found = errors("rules:\n  - id: x\n    on: message\n    actions: [delet]\n")
        #expect(found == ["rules/general.yaml:4:15: unknown action 'delet'; expected one of approve, delete, dm, kick, mute, notify, reject, reply, send, unmute (did you mean 'delete'?)"])
    }

    @Test func regexErrorPointsIntoThePattern() {
        let found = errors("""
            rules:
              - id: price
                on: message
                when:
                  regex: '(?<product>鱼油|钙片'
                actions: [delete]
            """)
        // The pattern starts at column 15 (after the quote); PCRE2 stops at its end, 16 characters in.
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("rules/general.yaml:5:31: regex does not compile: missing closing parenthesis"))
        #expect(found[0].hasSuffix("expected a PCRE2 regular expression"))
    }

    @Test func wrongValueTypes() {
        let found = errors("""
            rules:
              - id: x
                on: mesage
                priority: high
                cooldown: 5 minutes
                stop: perhaps
                when:
                  role: [vip]
                  time: { from: "25:00", to: "07:00" }
                actions:
                  - mute: forever
            """)
        #expect(found == [
            "rules/general.yaml:3:9: unknown trigger 'mesage'; expected message, join, leave, rename, join_request or schedule (did you mean 'message'?)",
            "rules/general.yaml:4:15: priority 'high' is not a whole number; expected a number such as 10",
            "rules/general.yaml:5:15: cooldown '5 minutes' is not a duration; expected a duration such as 30s, 10m, 2h or 1d",
            "rules/general.yaml:6:11: stop 'perhaps' is not true or false; expected true or false",
            "rules/general.yaml:8:13: unknown role 'vip'; expected owner, admin or member",
            "rules/general.yaml:9:21: from '25:00' is not a time of day; expected HH:MM, e.g. 09:00 or 21:30",
            "rules/general.yaml:11:15: mute 'forever' is not a duration; expected a duration such as 30s, 10m, 2h or 1d",
        ])
    }

    @Test func templateUsingAnUndefinedCapture() {
        let found = errors("""
            rules:
              - id: price
                on: message
                when: { regex: '(?<product>鱼油)' }
                actions:
                  - reply: "{prodct} 的价格见群公告"
            """)
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("rules/general.yaml:6:16: the template uses {prodct}, which is neither a field nor a named capture"))
        #expect(found[0].hasSuffix("(did you mean 'product'?)"))
    }

    @Test func missingIdAndDuplicateId() {
        let found = errors("""
            rules:
              - on: message
                actions: [delete]
              - id: a
                on: message
                actions: [delete]
              - id: a
                on: message
                actions: [kick]
            """)
        #expect(found == [
            "rules/general.yaml:2:5: a rule has no id; expected id: a-short-name",
            "rules/general.yaml:7:5: rule id 'a' is already used at line 4; expected a unique id per file",
        ])
    }

    @Test func actionNotFittingTheTrigger() {
        let found = errors("""
            rules:
              - id: greet
                on: join
                actions: [delete, approve]
            """)
        #expect(found == [
            "rules/general.yaml:4:15: 'delete' needs a message to act on, but the rule is triggered by other events",
            "rules/general.yaml:4:23: 'approve' answers a join request, so the rule must be on: join_request",
        ])
    }

    @Test func invalidYAMLSyntax() {
        let found = errors("rules:\n  - id: x\n    on: [message\n")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("rules/general.yaml:4:1: not valid YAML"))
    }

    @Test func extendsCycleAndUnknownParent() {
        let found = loadErrors([
            "rules/a.yaml": "extends: b\nrules: []\n",
            "rules/b.yaml": "extends: a\nrules: []\n",
            "rules/c.yaml": "extends: bse\nrules: []\n",
            "rules/groups.yaml": "default: a\n",
        ])
        #expect(found.contains("rules/a.yaml:1:10: extends cycle: a → b → a; expected a chain of extends that ends in a file without extends"))
        #expect(found.contains("rules/b.yaml:1:10: extends cycle: b → a → b; expected a chain of extends that ends in a file without extends"))
        #expect(found.contains { $0.hasPrefix("rules/c.yaml:1:10: extends unknown type 'bse'") })
    }

    @Test func mappingNamesAnUnknownType() {
        let found = loadErrors([
            "rules/general.yaml": "rules: []\n",
            "rules/vip.yaml": "rules: []\n",
            "rules/groups.yaml": "default: general\ngroups:\n  - name: VIP\n    type: vipp\n  - id: g1\n    name: x\n    type: vip\n",
        ])
        #expect(found == [
            "rules/groups.yaml:4:11: no group type 'vipp'; expected one of general, vip (did you mean 'vip'?)",
            "rules/groups.yaml:5:5: the entry needs exactly one of 'id' or 'name'; expected id: g-123 (a group id) or name: \"VIP\" (a pattern on the group name)",
        ])
    }

    @Test func disablingARuleThatDoesNotExist() {
        let found = loadErrors([
            "rules/base.yaml": "rules:\n  - id: welcome\n    on: join\n    actions: [{send: 欢迎}]\n",
            "rules/general.yaml": "extends: base\nrules:\n  - id: welcom\n    disabled: true\n",
        ])
        #expect(found == ["rules/general.yaml:3:5: rule 'welcome' disables nothing: 'base' has no rule with this id; expected the id of an inherited rule (did you mean 'welcome'?)"]
            .map { $0.replacingOccurrences(of: "rule 'welcome'", with: "rule 'welcom'") })
    }

    @Test func unknownTimezone() {
        let found = errors("timezone: Asia/Beijing\nrules: []\n")
        #expect(found == ["rules/general.yaml:1:11: unknown timezone 'Asia/Beijing'; expected an IANA name such as Asia/Shanghai"])
    }

    @Test func everyMistakeInAFileIsReportedAtOnce() {
        let found = errors("""
            rules:
              - id: one
                on: message
                when: { keywords: { any: [广告], mach: whole } }
                actions: [delete]
              - id: two
                on: message
                actions: [{ mute: 10x }]
            """)
        #expect(found.count == 2)
        #expect(found[0].hasPrefix("rules/general.yaml:4:36: unknown key 'mach' in keywords"))
        #expect(found[0].hasSuffix("(did you mean 'match'?)"))
        #expect(found[1].hasPrefix("rules/general.yaml:8:23: mute '10x' is not a duration"))
    }

    @Test func emptyKeywordListAndScheduleWithEventConditions() {
        let found = errors("""
            rules:
              - id: a
                on: message
                when: { keywords: { all: [] } }
                actions: [delete]
              - id: morning
                on: schedule
                at: "07:00"
                when: { keywords: { any: [早] } }
                actions: [{ send: 早安 }]
            """)
        #expect(found == [
            "rules/general.yaml:4:30: 'all' lists no keywords; expected at least one keyword, e.g. all: [发货, 快递]",
            "rules/general.yaml:9:11: 'when' does not apply to schedule rules, which have no triggering member or message; expected on: message (or another event) for a rule with 'when'",
        ])
    }

    @Test func duplicateKeyIsReportedWhereItIs() {
        let found = errors("rules:\n  - id: a\n    on: message\n    on: join\n    actions: [delete]\n")
        #expect(found.count == 1)
        #expect(found[0].hasPrefix("rules/general.yaml:3:5: key 'on' appears twice in one mapping"))
    }
}
