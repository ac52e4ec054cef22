@testable import GroupbotRules
import Testing

/// Warnings from `check`: probable mistakes that still load.
@Suite struct LintTests {
    func warnings(_ yaml: String) throws -> [String] {
        try RuleBookLoader.loadWithTests(files: [("rules/general.yaml", yaml)]).warnings.map(\.description)
    }

    @Test func probableMistakesAreWarnedAbout() throws {
        let found = try warnings("""
            rules:
              - id: catch-all
                on: message
                priority: 100
                stop: true
                actions: [{ notify: 有新消息 }]
              - id: faq
                on: message
                when: { keywords: { any: [发货, 快递, 发货, VX, vx] } }
                actions: [{ reply: 48 小时内发货 }]
              - id: empty
                on: join
                when: { nick_regex: 'a*' }
                actions: [{ dm: 你好 }]
              - id: slow
                on: join
                when: { nick_regex: '^(\\w+\\s?)+$', time: { from: "09:00", to: "10:00", days: [] } }
                actions: [{ dm: 你好 }]
            """)
        #expect(found == [
            "rules/general.yaml:7:5: rule 'faq' never runs in type 'general': 'catch-all' comes first, has no conditions and stops every such event; expected conditions on 'catch-all', or a higher priority for 'faq'",
            "rules/general.yaml:9:30: keyword(s) 发货、vx listed twice in 'any'; expected each keyword once",
            "rules/general.yaml:13:25: nick_regex /a*/ matches the empty string, so it matches every text; expected a pattern that needs at least one character",
            "rules/general.yaml:17:25: nick_regex /^(\\w+\\s?)+$/ repeats a group that itself repeats, which can backtrack catastrophically; expected a pattern without nested quantifiers such as (a+)+ or (\\w*)*",
            "rules/general.yaml:17:82: days: [] lists no day, so the window applies every day; expected the days, or no days key",
        ])
    }

    @Test func flowPlaceholdersThatNothingFillsAreWarnedAbout() throws {
        let found = try warnings("""
            ladders:
              ads: { steps: [[{ dm: "第 {strikes} 次" }]] }
            rules:
              - id: greet
                on: join
                actions: [{ send: "欢迎 {names}，请改名为 {template}；{rule}" }]
              - id: ad
                on: message
                when: { keywords: { any: [加微信] } }
                ladder: ads
                actions: [{ dm: "第 {strikes} 次：{reason}，下次广告时段 {next_slot}" }]
              - id: morning
                on: schedule
                at: "07:00"
                actions: [{ send: "早安，今日 {count} 人；{rule}" }]
            """)
        #expect(found == [
            "rules/general.yaml:4:5: '{names}' in rule 'greet' is always empty in type 'general'; expected {names} only in welcome steps (community.welcome)",
            "rules/general.yaml:4:5: '{template}' in rule 'greet' is always empty in type 'general'; expected {template} only in nickname reminders and thanks (community.nickname)",
            "rules/general.yaml:7:5: '{next_slot}' in rule 'ad' is always empty in type 'general'; expected {next_slot} only in a type with ad slots (community.ad_slots)",
            "rules/general.yaml:12:5: '{count}' in rule 'morning' is always empty in type 'general'; expected no flow placeholder in a scheduled post, which has no member or rule behind it",
            "rules/general.yaml:12:5: '{rule}' in rule 'morning' is always empty in type 'general'; expected no flow placeholder in a scheduled post, which has no member or rule behind it",
        ])
    }

    @Test func flowPlaceholdersOfAnotherFlowAreWarnedAbout() throws {
        let found = try warnings("""
            welcome:
              steps:
                - send: "欢迎 {names}，昵称请按 {template} 改"
            nickname:
              template: "{city}-{name}"
              fields: { city: [西安, 北京] }
              example: 西安-王芳
              reminders:
                - dm: "请改为 {template}，比如 {example}（第 {strikes} 次）"
              thanks: "改好了，谢谢 {names}"
            ladders:
              ads: { steps: [[{ dm: "第 {strikes} 次，欢迎 {names}" }]] }
            rules: []
            """)
        #expect(found == [
            "rules/general.yaml:3:13: '{template}' is always empty in a welcome step; expected the flow placeholders of a welcome step: {names}, {count}",
            "rules/general.yaml:9:11: '{strikes}' is always empty in a nickname step; expected the flow placeholders of a nickname step: {template}, {example}",
            "rules/general.yaml:10:11: '{names}' is always empty in a nickname step; expected the flow placeholders of a nickname step: {template}, {example}",
            "rules/general.yaml:12:25: '{names}' is always empty in a ladder step; expected the flow placeholders of a ladder step: {next_slot}, {strikes}, {rule}, {reason}, {slot_reason}",
        ])
    }

    @Test func cleanRulesHaveNoWarnings() throws {
        #expect(try warnings("rules:\n  - id: a\n    on: message\n    when: { regex: '(?:微信|VX)\\\\s*[:：]' }\n    actions: [delete]\n").isEmpty)
    }
}

@Suite struct SchemaTests {
    /// Every key the parsers accept has a typed entry in the schema.
    @Test func schemaCoversTheWholeVocabulary() {
        #expect(RuleSchema.untypedKeys == [])
    }

    @Test func schemaIsDraft2020() {
        #expect(RuleSchema.typeFile().contains(#""$schema" : "https:\/\/json-schema.org\/draft\/2020-12\/schema""#)
            || RuleSchema.typeFile().contains("draft/2020-12/schema"))
    }
}

/// The nested-quantifier warning names the shapes that backtrack catastrophically, and
/// only those: what gives nothing back, and a fixed repeat, are left alone.
@Suite struct NestedQuantifierTests {
    @Test(arguments: [
        ("(a+)+", true), ("(\\w*)*", true), ("^(\\w+\\s?)+$", true), ("(a+){2,}", true), ("(a*){1,5}", true),
        ("(?:x(a+))*", true),
        ("^(?:\\W*+\\w){6}", false), ("(a+){3}", false), ("(a++)+", false), ("(a+)++", false), ("(?>a+)+", false),
        ("(a+)?", false), ("(a+){2,2}", false), ("[(a+)]+", false), ("\\(a+\\)+", false),
    ])
    func warnsOnlyWhereBacktrackingCanExplode(pattern: String, warns: Bool) {
        #expect(ConditionParser.hasNestedQuantifier(pattern) == warns, "\(pattern)")
    }
}

/// What `check` says about slips the rule language lets through.
@Suite struct SlipWarningTests {
    func warnings(_ yaml: String) throws -> [String] {
        try RuleBookLoader.loadWithTests(files: [("rules/general.yaml", yaml)]).warnings.map(\.description)
    }

    @Test func aScheduleInsideTheQuietHoursEveryDayItRuns() throws {
        let found = try warnings("""
            quiet_hours: { from: "22:00", to: "08:00" }
            rules:
              - id: night-post
                on: schedule
                at: "23:30"
                actions: [{ send: 晚安 }]
              - id: morning-post
                on: schedule
                at: "09:00"
                actions: [{ send: 早安 }]
            """)
        #expect(found == ["rules/general.yaml:3:5: schedule 'night-post' at 23:30 falls inside the quiet hours 22:00–08:00 of type 'general' on every day it runs, so it never posts; expected a time outside the quiet hours, or quiet_hours that leave it out"])
    }

    @Test func aScheduleQuietOnlyOnSomeDaysStillPosts() throws {
        let found = try warnings("""
            quiet_hours: { from: "09:00", to: "12:00", days: [sat, sun] }
            rules:
              - id: daily
                on: schedule
                at: "10:00"
                actions: [{ send: 早安 }]
            """)
        #expect(found.isEmpty)
    }

    @Test func hanScriptPropertyAndUnusualKinds() throws {
        let found = try warnings("""
            rules:
              - id: chinese
                on: message
                when: { regex: '^\\p{Han}+$', kind: [text, imgae] }
                actions: [{ reply: 好 }]
            """)
        #expect(found.contains { $0.contains("uses \\p{Han}, which PCRE2 also matches on CJK punctuation") && $0.contains("\\p{sc=Han}") })
        #expect(found.contains { $0.contains("kind 'imgae' is not one the transports send") && $0.contains("did you mean 'image'") })
        #expect(!found.contains { $0.contains("kind 'text'") })
    }

    @Test func aMisspeltTimeZoneGetsAGuess() {
        let errors = loadErrors(["rules/general.yaml": "timezone: Asia/Shanghia\nrules: []\n"])
        #expect(errors.contains { $0.contains("unknown timezone 'Asia/Shanghia'") && $0.contains("did you mean 'Asia/Shanghai'") })
    }
}
