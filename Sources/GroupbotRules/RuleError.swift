import GroupbotCore

/// A mistake in a rule file: where it is, what was wrong, what was expected.
///
/// Its description reads like a compiler's:
/// `rules/vip.yaml:12:7: unknown key 'acions' in a rule; expected one of actions, cooldown, … (did you mean 'actions'?)`
package struct RuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the mistake is.
    package let location: SourceLocation
    /// What was wrong.
    package let problem: String
    /// What would have been right, when it can be said.
    package let expected: String?
    /// A close, valid name for a misspelt one.
    package let suggestion: String?

    /// Creates an error.
    package init(at location: SourceLocation, _ problem: String, expected: String? = nil, suggestion: String? = nil) {
        self.location = location
        self.problem = problem
        self.expected = expected
        self.suggestion = suggestion
    }

    package var description: String {
        var text = "\(location): \(problem)"
        if let expected { text += "; expected \(expected)" }
        if let suggestion { text += " (did you mean '\(suggestion)'?)" }
        return text
    }
}

/// Every mistake found while loading a set of rule files, in file and line order.
package struct RuleErrors: Error, Sendable, CustomStringConvertible {
    package let errors: [RuleError]

    /// Creates the list.
    package init(_ errors: [RuleError]) {
        self.errors = errors
    }

    package var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Finds the closest name to a misspelt one, for "did you mean".
package enum Spelling {
    /// The candidate within a small edit distance of `word`, if any.
    package static func suggestion(for word: String, among candidates: some Sequence<String>) -> String? {
        let limit = word.count <= 3 ? 1 : max(2, word.count / 3)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate)
            if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        var beforePrevious = previous
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where j <= b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                // A swap of two neighbours counts as one edit (optimal string alignment).
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}
