import PCRE2

/// Evaluates a rule's conditions against one event. Keyword counting runs at
/// most once per event and group type, and only when a rule asks for it.
struct RuleEvaluation {
    let event: Event
    let type: GroupType
    let local: LocalTime
    let keywordScratch: KeywordScratch
    let matchScratch: MatchScratch
    private var keywordsCounted = false
    private var digitCount: Int?
    /// Named captures of the `text` regexes that matched, for templates.
    private(set) var captures: [String: Substring] = [:]
    /// Problems met while matching (a regex that hit its limits), for the driver to report.
    private(set) var problems: [String] = []

    init(event: Event, type: GroupType, keywordScratch: KeywordScratch, matchScratch: MatchScratch) {
        self.event = event
        self.type = type
        self.local = LocalTime(event.time, utcOffsetSeconds: type.timeZone.utcOffsetSeconds(at: event.time))
        self.keywordScratch = keywordScratch
        self.matchScratch = matchScratch
    }

    /// Whether `rule` may fire for the sender at all (exemptions).
    func isExempt(from rule: Rule) -> Bool {
        (!rule.exemptRoles.isEmpty && rule.exemptRoles.contains(event.role))
            || (!rule.exemptUsers.isEmpty && rule.exemptUsers.contains(event.user))
    }

    /// Runs the group type's keyword pass over the text now (it runs at most once per event).
    mutating func countKeywords() {
        if !keywordsCounted {
            type.keywords.count(in: event.text, scratch: keywordScratch)
            keywordsCounted = true
        }
    }

    /// Whether all `conditions` hold; on success, captures hold the rule's named captures.
    mutating func holds(_ conditions: [Condition], rule: String) -> Bool {
        if !captures.isEmpty { captures = [:] }
        return allHold(conditions, rule: rule, collectCaptures: true)
    }

    private mutating func allHold(_ conditions: [Condition], rule: String, collectCaptures: Bool) -> Bool {
        for condition in conditions where !self.holds(condition, rule: rule, collectCaptures: collectCaptures) {
            return false
        }
        return true
    }

    private mutating func holds(_ condition: Condition, rule: String, collectCaptures: Bool) -> Bool {
        switch condition {
        case .keywords(let slot, let requirement):
            let hits = keywordHits(slot: slot)
            switch requirement {
            case .any: return hits > 0
            case .all(let count): return hits >= count
            case .none: return hits == 0
            }
        case .regex(let field, let pattern, let gate):
            if let gate, !mightMatch(gate) { return false }
            let subject = field == .text ? event.text : (event.nick ?? "")
            do {
                guard collectCaptures, field == .text, !pattern.captureNames.isEmpty else {
                    return try pattern.matches(subject, scratch: matchScratch)
                }
                guard let match = try pattern.firstMatch(in: subject, scratch: matchScratch) else { return false }
                captures.merge(match.namedCaptures) { first, _ in first }
                return true
            } catch {
                problems.append("event \(event.id): rule \(rule): \(error)")
                return false
            }
        case .kind(let kinds):
            return kinds.contains(event.kind)
        case .role(let roles):
            return roles.contains(event.role)
        case .time(let window):
            return window.contains(local)
        case .not(let nested):
            return !allHold(nested, rule: rule, collectCaptures: false)
        }
    }

    private mutating func keywordHits(slot: Int) -> Int {
        countKeywords()
        return keywordScratch.hits(slot: slot)
    }

    /// The cheap checks of a regex gate, cheapest first.
    private mutating func mightMatch(_ gate: RegexGate) -> Bool {
        if event.text.utf8.count < gate.minimumBytes { return false }
        if let slot = gate.slot, keywordHits(slot: slot) == 0 { return false }
        if gate.minimumDigits > 0 {
            if digitCount == nil { digitCount = DecimalDigits.count(in: event.text) }
            if digitCount! < gate.minimumDigits { return false }
        }
        return true
    }
}
