import GroupbotCore
import GroupbotRules
import Testing

/// `tests:` sections in rule files and their runner.
@Suite struct RuleFileTestTests {
    static let file = """
        nickname:
          template: "{name}-{any}"
          reminders: [{ dm: "请改昵称：{template}", after: 10m }]
        rules:
          - id: faq-shipping
            on: message
            when: { keywords: { any: [发货] } }
            cooldown: 10m
            actions: [{ reply: "48 小时内发货" }]
        tests:
          - name: 问发货有回复
            event: { text: 什么时候发货 }
            expect:
              - { action: send, rule: faq-shipping, text: "48 小时内发货" }
          - name: 冷却期内不重复
            events:
              - { text: 发货了吗 }
              - { text: 发货了吗, user: u2, at: 5m }
            expect: [{ action: send }]
          - name: 昵称提醒要等十分钟
            event: { type: join, nick: 小美 }
            wait: 10m
            expect: [{ action: dm, rule: nickname-template, text_contains: "请改昵称" }]
          - name: 闲聊不触发
            event: { text: 今天天气不错 }
            expect: none
          - name: 写错的期望
            event: { text: 你好 }
            expect: [{ action: send }]
        """

    @Test func casesRunOnFreshEnginesAndReportFailures() throws {
        let loaded = try RuleBookLoader.loadWithTests(files: [("rules/general.yaml", Self.file)])
        let (book, tests) = (loaded.book, loaded.tests)
        #expect(tests.map(\.name) == ["问发货有回复", "冷却期内不重复", "昵称提醒要等十分钟", "闲聊不触发", "写错的期望"])
        let results = RuleTestRunner.run(tests, book: book)
        #expect(results.map(\.passed) == [true, true, true, true, false])
        #expect(RuleTestRunner.explainFailure(results[4]) == "    ✘ expected: send\n      got:      (nothing)")
        #expect(tests[1].events.map(\.time.milliseconds) == [tests[0].events[0].time.milliseconds,
                                                               tests[0].events[0].time.milliseconds + 300_000])
    }

    @Test func mistakesInTestsAreReportedWithTheirPlace() {
        let errors = loadErrors(["rules/general.yaml": """
            rules: []
            tests:
              - name: x
                event: { text: a, type: mesage }
                expect: [{ action: sned }]
              - name: y
                event: { text: b }
            """])
        #expect(errors == [
            "rules/general.yaml:4:29: unknown event type 'mesage'; expected message, join, leave, rename, join_request, tick, member (did you mean 'message'?)",
            "rules/general.yaml:6:5: test 'y' has no expect; expected expect: a list of actions, or none",
        ])
    }
}
