@testable import GroupbotCore
import GroupbotRules
import Testing

/// A runaway regex on a long message costs the event its budget, not the engine a minute.
@Suite struct MatchingBudgetTests {
    @Test func aRunawayRegexGivesUpAndTheOtherRulesStillRun() throws {
        let harness = try Harness(rules: """
              - id: runaway
                on: message
                priority: 10
                when: { regex: '(?:\\w|\\w){1,17}!' }
                actions: [{ delete: true }]
              - id: long-text
                on: message
                when: { keywords: { any: [链接] } }
                actions: [{ reply: 请不要发长链接 }]
            """)
        let actions = harness.send(String(repeating: "a", count: 30_000) + " !链接")
        #expect(actions.map(\.rule) == ["long-text"])
        let problems = harness.engine.drainProblems()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("rule runaway") == true)
        #expect(problems.first?.contains("match limit exceeded") == true)
    }

    @Test func checkWarnsAboutARegexThatRunsOutOnLongTexts() throws {
        let warnings = try RuleBookLoader.loadWithTests(files: [("rules/general.yaml", """
            rules:
              - id: runaway
                on: message
                when: { regex: '(?:\\w|\\w){1,17}!' }
                actions: [{ delete: true }]
            """)]).warnings.map(\.description)
        #expect(warnings.contains { $0.contains("runs out of its matching budget") })
    }
}
