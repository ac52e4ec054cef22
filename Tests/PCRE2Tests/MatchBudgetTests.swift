import PCRE2
import Testing

/// The per-event matching budget (docs/security.md): PCRE2's own limit applies per
/// start position, so a long text multiplies it; the budget bounds the whole.
@Suite struct MatchBudgetTests {
    let scratch = MatchScratch()
    // Runs ~2^17 steps at each start position: under PCRE2's limit of a million each time,
    // and a minute in all on 30,000 characters without the budget.
    let runaway = try! PCRE2Pattern(#"(?:\w|\w){1,17}!"#)
    let longText = String(repeating: "a", count: 30_000) + " !"

    @Test func aRunawayPatternOnALongTextGivesUpWithinTheBudget() {
        var budget = MatchBudget(patterns: 1)
        #expect {
            try runaway.matches(longText, scratch: scratch, budget: &budget)
        } throws: { error in
            (error as? PCRE2Error)?.kind == .matchLimitExceeded
        }
    }

    @Test func theBudgetIsSharedAcrossAnEventsPatterns() {
        var budget = MatchBudget(steps: 1_000_000, patterns: 4)
        let before = budget.remainingSteps
        _ = try? PCRE2Pattern("鱼油").matches(longText, scratch: scratch, budget: &budget)
        // The first pattern is promised at most a quarter of the budget.
        #expect(budget.remainingSteps >= before * 3 / 4)
        #expect(budget.remainingSteps < before)
    }

    @Test func ordinaryPatternsOnChatTextsKeepTheirFullLimit() throws {
        var budget = MatchBudget(patterns: 50)
        let price = try PCRE2Pattern(#"(?<product>鱼油|钙片).{0,6}多少钱"#)
        for _ in 0..<50 {
            #expect(try price.matches("请问鱼油现在多少钱？能便宜点吗", scratch: scratch, budget: &budget))
        }
    }

    @Test func theProbeFlagsRunawayPatternsAndPassesOrdinaryOnes() throws {
        #expect(BacktrackingProbe.exhaustsBudget(runaway))
        #expect(BacktrackingProbe.exhaustsBudget(try PCRE2Pattern(#"(\d|\d\d)+x"#)))
        #expect(!BacktrackingProbe.exhaustsBudget(try PCRE2Pattern(#"(?<product>鱼油|钙片).{0,6}多少钱"#)))
        #expect(!BacktrackingProbe.exhaustsBudget(try PCRE2Pattern(#"(?:微信|vx|v信)\s*[:：]?\s*[a-zA-Z0-9_-]{5,}"#)))
    }
}
