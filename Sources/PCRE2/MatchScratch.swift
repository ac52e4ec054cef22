import CPCRE2

/// Reusable working memory for matching (PCRE2 match data).
///
/// A compiled ``PCRE2Pattern`` may be shared between threads, a scratch may not:
/// give each thread or task its own and reuse it for every match, instead of
/// allocating per call.
package final class MatchScratch {
    private(set) var matchData: OpaquePointer
    private(set) var pairCount: UInt32
    /// A match context whose limits are set per call (a ``MatchBudget``'s share); the
    /// pattern's own context is shared between threads and never changes.
    let budgetContext: OpaquePointer

    /// Creates working memory able to hold `pairs` capture pairs (it grows on demand).
    package init(pairs: UInt32 = 16) {
        pairCount = max(pairs, 1)
        matchData = pcre2_match_data_create_8(pairCount, nil)
        budgetContext = pcre2_match_context_create_8(nil)!
    }

    deinit {
        pcre2_match_context_free_8(budgetContext)
        pcre2_match_data_free_8(matchData)
    }

    /// Makes sure the match data can hold `pairs` capture pairs.
    func reserve(pairs: UInt32) {
        guard pairs > pairCount else { return }
        pcre2_match_data_free_8(matchData)
        pairCount = pairs
        matchData = pcre2_match_data_create_8(pairCount, nil)
    }
}
