/// Tries a pattern on long texts made to provoke backtracking, with the share of a
/// ``MatchBudget`` a long message would get, so `check` can warn about a pattern
/// before a member's 5,000-character message makes it give up live.
package enum BacktrackingProbe {
    /// The probe texts: long runs of one kind of character (the shapes that make
    /// overlapping alternatives and nested repeats explode), ended by a space and every
    /// printable ASCII character, so a required final character is present but not in place.
    static let texts: [String] = {
        let tail = " " + String(decoding: Array(UInt8(33)...UInt8(126)), as: UTF8.self)
        return ["a", "1", "中", " ", "a1", "中a"].map { String(repeating: $0, count: 2_000 / $0.count) + tail }
    }()

    /// Whether the pattern runs out of a one-pattern budget on any probe text.
    package static func exhaustsBudget(_ pattern: PCRE2Pattern, steps: UInt64 = MatchBudget.defaultSteps / 10) -> Bool {
        let scratch = MatchScratch()
        for text in texts {
            var budget = MatchBudget(steps: steps, patterns: 1)
            do {
                _ = try pattern.matches(text, scratch: scratch, budget: &budget)
            } catch {
                return true
            }
        }
        return false
    }
}
