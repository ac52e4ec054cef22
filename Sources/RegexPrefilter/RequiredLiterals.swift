/// What any match of a pattern must contain, worked out from the pattern's
/// text, so that a caller can skip running the pattern on texts that lack it.
///
/// ```swift
/// let needs = RequiredLiterals(pattern: #"(?:微信|VX)\s*[:：]\s*\w{6,}"#)
/// needs.anyOf       // ["微信", "vx"]: a match contains one of them (ASCII folded to lower case)
/// needs.minimumDigits   // 0
/// ```
///
/// The analysis is conservative: any construct it does not fully understand
/// makes it require less, never more. `anyOf == nil` means "no literal is
/// required"; the pattern must then always be run. Literals are meant to be
/// searched with ASCII letters folded to lower case, which can only find more.
package struct RequiredLiterals: Sendable, Equatable {
    /// A match contains at least one of these strings (ASCII letters in lower case), or nil for no requirement.
    package let anyOf: [String]?
    /// A match contains at least this many decimal digits (Unicode Nd, as `\d` means in UCP mode).
    package let minimumDigits: Int
    /// Masks of ``TextFeatures``: for each, a match contains a character with one of its features.
    package let featureClauses: [UInt64]
    /// A match contains at least this many white-space characters (`\s`, `\h`, `\v`, or a
    /// literal space), as ``WhiteSpaceCount`` counts them.
    package let minimumSpaces: Int

    /// Analyses `pattern` (PCRE2 syntax, UTF and UCP on).
    package init(pattern: String) {
        var parser = PatternShapeParser(scalars: Array(pattern.unicodeScalars))
        guard let shape = parser.parseAll() else {
            anyOf = nil
            minimumDigits = 0
            featureClauses = []
            minimumSpaces = 0
            return
        }
        let info = shape.info
        anyOf = info.bestClause.map { $0.sorted() }
        minimumDigits = info.digits
        minimumSpaces = info.spaces
        // The most selective few, each once.
        featureClauses = Array(Set(info.features).sorted { ($0.nonzeroBitCount, $0) < ($1.nonzeroBitCount, $1) }.prefix(4))
    }

    /// Creates the summary directly.
    package init(anyOf: [String]?, minimumDigits: Int, featureClauses: [UInt64] = [], minimumSpaces: Int = 0) {
        self.anyOf = anyOf
        self.minimumDigits = minimumDigits
        self.featureClauses = featureClauses
        self.minimumSpaces = minimumSpaces
    }
}

/// What is known about the strings a piece of pattern matches.
struct LiteralInfo {
    /// Every string the piece can match, when that set is small; nil otherwise.
    var exact: Set<String>?
    /// Clauses that all hold: each is a set of strings of which a match contains one.
    var clauses: [Set<String>]
    /// Decimal digits any match contains.
    var digits: Int
    /// Feature masks that all hold: a match has a character with one of each mask's features.
    var features: [UInt64] = []
    /// White-space characters any match contains.
    var spaces = 0

    static let maximumExact = 16

    static var empty: LiteralInfo { LiteralInfo(exact: [""], clauses: [], digits: 0) }
    static var unknown: LiteralInfo { LiteralInfo(exact: nil, clauses: [], digits: 0) }

    /// The feature clause with the fewest features, if any.
    var bestFeatures: UInt64? { features.min { $0.nonzeroBitCount < $1.nonzeroBitCount } }

    /// All requirements as clauses, the exact set turned into one when it has no empty string.
    var allClauses: [Set<String>] {
        var all = clauses
        if let exact, !exact.contains(""), !exact.isEmpty { all.append(exact) }
        return all
    }

    /// The most selective clause: the one whose shortest string is longest (then the fewest strings).
    var bestClause: Set<String>? {
        allClauses.max { a, b in
            let la = a.map(\.utf8.count).min() ?? 0, lb = b.map(\.utf8.count).min() ?? 0
            return la != lb ? la < lb : a.count > b.count
        }
    }

    func then(_ next: LiteralInfo) -> LiteralInfo {
        var result = LiteralInfo(exact: nil, clauses: clauses + next.clauses, digits: digits + next.digits,
                                 features: features + next.features, spaces: spaces + next.spaces)
        if let left = exact, let right = next.exact, left.count * right.count <= Self.maximumExact {
            result.exact = Set(left.flatMap { l in right.map { l + $0 } })
        } else {
            if let left = exact, !left.contains("") { result.clauses.append(left) }
            if let right = next.exact, !right.contains("") { result.clauses.append(right) }
        }
        return result
    }

    func or(_ other: LiteralInfo) -> LiteralInfo {
        let digits = min(self.digits, other.digits), spaces = min(self.spaces, other.spaces)
        // Either branch's most selective feature clause may hold: their union is required.
        let features = bestFeatures.flatMap { left in other.bestFeatures.map { [left | $0] } } ?? []
        if let left = exact, let right = other.exact, left.count + right.count <= Self.maximumExact {
            return LiteralInfo(exact: left.union(right), clauses: [], digits: digits, features: features, spaces: spaces)
        }
        guard let left = bestClause, let right = other.bestClause else {
            return LiteralInfo(exact: nil, clauses: [], digits: digits, features: features, spaces: spaces)
        }
        return LiteralInfo(exact: nil, clauses: [left.union(right)], digits: digits, features: features, spaces: spaces)
    }

    func repeated(minimum: Int, maximum: Int?) -> LiteralInfo {
        if minimum == 0 { return LiteralInfo(exact: nil, clauses: [], digits: 0) }
        if minimum == 1, maximum == 1 { return self }
        return LiteralInfo(exact: nil, clauses: allClauses, digits: digits * minimum, features: features,
                           spaces: spaces * minimum)
    }
}

/// The parts of a pattern that matter for required literals.
indirect enum PatternShape {
    case literal(String)
    /// One character from a small set.
    case oneOf(Set<String>)
    /// One decimal digit (or a subset of digits).
    case digit
    /// One white-space character (`\s`, `\h`, `\v`, `\R`, or a class of only those).
    case space
    /// One character with one of these ``TextFeatures`` (``TextFeatures/all`` when nothing is known).
    case character(features: UInt64)
    /// Matches without consuming text (anchors, look-around).
    case empty
    case sequence([PatternShape])
    case alternation([PatternShape])
    case repeated(PatternShape, minimum: Int, maximum: Int?)

    /// One character about which nothing useful is known.
    static var anyCharacter: PatternShape { .character(features: TextFeatures.all) }

    var info: LiteralInfo {
        switch self {
        case .literal(let text):
            // Every character of the literal is required; its first few give feature clauses.
            let features = text.unicodeScalars.prefix(4).map(TextFeatures.ofSearchForm)
            let spaces = text.unicodeScalars.filter { WhiteSpaceCount.count(in: String($0)) == 1 }.count
            return LiteralInfo(exact: [text], clauses: [], digits: 0, features: features, spaces: spaces)
        case .oneOf(let set):
            let features = set.compactMap(\.unicodeScalars.first).map(TextFeatures.ofSearchForm).reduce(0, |)
            return LiteralInfo(exact: set, clauses: [], digits: 0, features: [features])
        case .digit: return LiteralInfo(exact: nil, clauses: [], digits: 1, features: [TextFeatures.decimalDigits])
        case .space: return LiteralInfo(exact: nil, clauses: [], digits: 0, features: [TextFeatures.whiteSpace], spaces: 1)
        case .character(let features):
            return LiteralInfo(exact: nil, clauses: [], digits: 0, features: features == TextFeatures.all ? [] : [features])
        case .empty: return .empty
        case .sequence(let parts): return parts.reduce(LiteralInfo.empty) { $0.then($1.info) }
        case .alternation(let branches):
            return branches.dropFirst().reduce(branches.first?.info ?? .empty) { $0.or($1.info) }
        case .repeated(let shape, let minimum, let maximum): return shape.info.repeated(minimum: minimum, maximum: maximum)
        }
    }
}
