/// A bound on the regex work one event may cause, across all of its patterns.
///
/// PCRE2's match limit counts backtracking steps *per start position*: a pattern
/// such as `(?:\w|\w){1,17}!` stays under a limit of a million at each of a 30,000-
/// character text's positions and still runs for a minute in all. So each match gets
/// a per-position limit small enough that its worst case (the limit times the text's
/// start positions) fits in what is left of the event's budget, shared out over the
/// patterns that may still run. The arithmetic uses only the text and the rule set,
/// so a replay gives up exactly where the live run did.
///
/// For chat-sized texts the share stays far above what real patterns use; it only
/// bites on long texts with patterns that backtrack without end.
package struct MatchBudget: Sendable, Equatable {
    /// The default for one event: about a tenth of a second of JIT matching at worst.
    package static let defaultSteps: UInt64 = 100_000_000

    /// Backtracking steps not yet promised to a match.
    package private(set) var remainingSteps: UInt64
    /// Patterns that may still run for this event (an upper bound).
    private var patternsLeft: Int

    /// A budget of `steps` to share over at most `patterns` matches.
    package init(steps: UInt64 = defaultSteps, patterns: Int) {
        remainingSteps = steps
        patternsLeft = max(patterns, 1)
    }

    /// The per-start-position limit for the next match over `bytes` bytes, never above
    /// `patternLimit`; its worst case is taken out of the budget.
    mutating func limit(forBytes bytes: Int, patternLimit: UInt32) -> UInt32 {
        let positions = UInt64(bytes) + 1
        let share = remainingSteps / UInt64(max(patternsLeft, 1)) / positions
        let limit = UInt32(clamping: min(UInt64(patternLimit), max(share, 1)))
        remainingSteps -= min(remainingSteps, UInt64(limit) * positions)
        patternsLeft = max(patternsLeft - 1, 1)
        return limit
    }
}
