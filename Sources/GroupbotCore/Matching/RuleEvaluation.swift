import PCRE2
import RegexPrefilter

/// Evaluates rules' conditions against one event. Keyword counting runs at
/// most once per event and group type, and only when a rule asks for it.
///
/// The event is passed to each call rather than stored, so evaluating costs
/// no reference counting of its strings.
struct RuleEvaluation {
    let type: GroupType
    let keywordScratch: KeywordScratch
    let matchScratch: MatchScratch
    /// The engine evaluating (for the memory `repeated`, `memberships` and `invites` read);
    /// unowned: an evaluation lives only while its engine handles one event.
    unowned(unsafe) let engine: Engine
    private var normalizedText: String?
    private var normalizedCounted = false
    let normalizedScratch: KeywordScratch
    private var keywordsCounted = false
    private var digitCount: Int?
    private var spaceCount: Int?
    private var local: LocalTime?
    private var features: UInt64?
    /// The classifier's score, once worked out (an inner nil: nothing to score).
    private var spamScoreValue: Double??
    /// Named captures of the `text` regexes that matched, for templates.
    private(set) var captures: [String: Substring] = [:]
    /// Problems met while matching (a regex that hit its limits), for the driver to report.
    private(set) var problems: [String] = []
    /// The regex work this event may still cause, across all its rules (docs/security.md).
    private var matchBudget: MatchBudget

    init(type: GroupType, keywordScratch: KeywordScratch, matchScratch: MatchScratch,
         normalizedScratch: KeywordScratch, engine: Engine) {
        self.type = type
        self.normalizedScratch = normalizedScratch
        self.keywordScratch = keywordScratch
        self.matchScratch = matchScratch
        self.engine = engine
        matchBudget = MatchBudget(patterns: type.regexCount)
    }

    /// Takes the normalised text a flow already worked out for this event.
    mutating func reuseNormalized(_ text: String) {
        normalizedText = text
    }

    /// The event's text after the type's normaliser (computed once).
    mutating func normalized(_ event: Event) -> String {
        let normalizer = type.community.normalizer
        return Self.once(&normalizedText) { normalizer?.normalize(event.text) ?? event.text }
    }

    /// The value kept in `slot`, made by `make` the first time: what is worked out from the
    /// event's text is worked out at most once per event, whichever rule asks first.
    @inline(__always)
    private static func once<Value>(_ slot: inout Value?, _ make: () -> Value) -> Value {
        if let slot { return slot }
        let value = make()
        slot = value
        return value
    }

    /// The classifier's score of the event's text as the rules see it (worked out once); nil
    /// while the classifier has too few marks to score.
    mutating func spamScore(_ event: Event) -> Double? {
        let model = engine.state.spam.model
        guard model.isReady else { return nil }
        if let known = spamScoreValue { return known }
        let score = model.score(normalized(event))
        spamScoreValue = .some(score)
        return score
    }

    /// Whether `rule` may fire for the sender at all (exemptions).
    func isExempt(_ event: Event, from rule: Rule) -> Bool {
        rule.hasExemptions
            && (rule.exemptRoles.contains(event.role) || (!rule.exemptUsers.isEmpty && rule.exemptUsers.contains(event.user)))
    }

    /// Runs the group type's keyword pass over the text now (it runs at most once per event).
    mutating func countKeywords(_ event: Event) {
        if !keywordsCounted {
            type.keywords.count(in: event.text, scratch: keywordScratch)
            keywordsCounted = true
        }
    }

    /// Takes a keyword pass made ahead of the engine for this type (``PreparedText``), or
    /// makes the pass now when there is none.
    mutating func useKeywords(_ hits: KeywordHits?, _ event: Event) {
        guard let hits, !keywordsCounted else { return countKeywords(event) }
        keywordScratch.load(hits)
        keywordsCounted = true
    }

    /// The first of `rule`'s conditions that does not hold (for `explain`), decided by the
    /// same checks as ``holds(_:for:)``.
    mutating func firstFailingCondition(of rule: Rule, for event: Event) -> Condition? {
        for condition in rule.conditions where !holds(condition, event: event, rule: rule.id, collectCaptures: false) {
            return condition
        }
        return nil
    }

    /// The text a regex condition is matched against.
    @inline(__always)
    mutating func subject(of regex: RegexCondition, event: Event) -> String {
        switch regex.field {
        case .text: event.text
        case .nick: event.nick ?? ""
        case .normalizedText: normalized(event)
        }
    }

    /// Whether all of `rule`'s conditions hold; on success, captures hold its named captures.
    mutating func holds(_ rule: Rule, for event: Event) -> Bool {
        if !captures.isEmpty { captures = [:] }
        return allHold(rule.conditions, event: event, rule: rule.id, collectCaptures: true)
    }

    private mutating func allHold(_ conditions: [Condition], event: Event, rule: String, collectCaptures: Bool) -> Bool {
        for condition in conditions
        where !holds(condition, event: event, rule: rule, collectCaptures: collectCaptures) {
            return false
        }
        return true
    }

    private mutating func holds(_ condition: Condition, event: Event, rule: String, collectCaptures: Bool) -> Bool {
        switch condition {
        case .keywords(let slot, let requirement):
            return Self.satisfies(requirement, hits: keywordHits(slot: slot, event: event))
        case .normalizedKeywords(let slot, let requirement):
            if !normalizedCounted {
                type.normalizedKeywords.count(in: normalized(event), scratch: normalizedScratch)
                normalizedCounted = true
            }
            return Self.satisfies(requirement, hits: normalizedScratch.hits(slot: slot))
        case .regex(let regex):
            if regex.gate != nil, !mightMatch(regex, event: event) { return false }
            let field = regex.field, pattern = regex.pattern
            let subject = subject(of: regex, event: event)
            do {
                guard collectCaptures, field != .nick, !pattern.captureNames.isEmpty else {
                    return try pattern.matches(subject, scratch: matchScratch, budget: &matchBudget)
                }
                guard let match = try pattern.firstMatch(in: subject, scratch: matchScratch, budget: &matchBudget) else { return false }
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
            let zone = type.timeZone
            return window.contains(Self.once(&local) {
                LocalTime(event.time, utcOffsetSeconds: zone.utcOffsetSeconds(at: event.time))
            })
        case .not(let nested):
            return !allHold(nested, event: event, rule: rule, collectCaptures: false)
        case .repeated(let count, let window, let acrossGroups, let groups):
            let scope: RepeatScope = acrossGroups ? .acrossGroups(user: event.user) : .inGroup(MemberKey(event))
            guard let fingerprint = engine.fingerprint(of: event) else { return false }
            let since = event.time.adding(seconds: -window)
            // Counting distinct groups takes a set: only rules with in_groups pay for it.
            guard groups > 1 else { return engine.state.recentTexts.count(scope, fingerprint: fingerprint, since: since) >= count }
            let seen = engine.state.recentTexts.sightings(scope, fingerprint: fingerprint, since: since)
            return seen.count >= count && seen.groups >= groups
        case .memberships(let limit, let types):
            return (engine.state.members.groupsOfUser[event.user]?.count(ofTypes: types) ?? 0) > limit
        case .inAdSlot(let inside):
            return Engine.isInAdSlot(event, type: type) == inside
        case .invites(let reach, let scope):
            guard let inviter = event.inviter else { return false }
            return engine.state.members.invitations(by: inviter, scope: scope, group: event.group, typeName: type.name) == reach
        case .firstMessages(let count):
            guard event.type == .message, let record = engine.state.newcomers.records[MemberKey(event)] else { return false }
            return record.messages <= count
        case .joinedWithin(let seconds):
            guard let record = engine.state.newcomers.records[MemberKey(event)] else { return false }
            return event.time.milliseconds - record.joined.milliseconds < seconds * 1000
        case .invited(let wanted):
            guard let record = engine.state.newcomers.records[MemberKey(event)] else { return false }
            return record.invited == wanted
        case .mixedScript(let wanted):
            return MixedScript.has(in: event.text) == wanted
        case .nearDuplicates(let members, let window, let similarity):
            return engine.state.nearDuplicates.members(alikeTo: event, similarity: similarity,
                                                       since: event.time.adding(seconds: -window)) >= members
        case .spamScore(let threshold):
            guard let score = spamScore(event) else { return false }
            return score >= threshold
        case .inRaid(let wanted):
            return engine.isRaided(group: event.group, type: type) == wanted
        }
    }

    private static func satisfies(_ requirement: KeywordRequirement, hits: Int) -> Bool {
        switch requirement {
        case .any: hits > 0
        case .all(let count): hits >= count
        case .none: hits == 0
        }
    }

    /// Hits of a keyword slot in the text (the pass runs at most once per event).
    mutating func keywordHits(slot: Int, event: Event) -> Int {
        countKeywords(event)
        return keywordScratch.hits(slot: slot)
    }

    /// Whether the text has what a rule's gated regexes need (``TextNeeds``); false means
    /// the rule cannot fire. Shares the features and counts with the gates.
    mutating func mightMeet(_ needs: TextNeeds, event: Event) -> Bool {
        if event.text.utf8.count < Int(needs.minimumBytes) { return false }
        if needs.firstFeatures != TextFeatures.all {
            let mask = featureMask(event)
            if mask & needs.firstFeatures == 0 || mask & needs.secondFeatures == 0 { return false }
        }
        return hasEnough(digits: Int(needs.minimumDigits), spaces: Int(needs.minimumSpaces), event: event)
    }

    /// The cheap checks of a gated regex, cheapest first. The gate is read in place
    /// (not copied out of its condition) because this runs for most candidate rules.
    private mutating func mightMatch(_ regex: RegexCondition, event: Event) -> Bool {
        if event.text.utf8.count < regex.gate!.minimumBytes { return false }
        if let slot = regex.gate!.slot, keywordHits(slot: slot, event: event) == 0 { return false }
        if !regex.gate!.features.isEmpty {
            let mask = featureMask(event)
            if !regex.gate!.features.allSatisfy({ mask & $0 != 0 }) { return false }
        }
        return hasEnough(digits: regex.gate!.minimumDigits, spaces: regex.gate!.minimumSpaces, event: event)
    }

    /// The counting checks shared by rule needs and gates, each count made once per event.
    private mutating func hasEnough(digits minimumDigits: Int, spaces minimumSpaces: Int, event: Event) -> Bool {
        if minimumDigits > 0, Self.once(&digitCount, { DecimalDigits.count(in: event.text) }) < minimumDigits {
            return false
        }
        if minimumSpaces > 0, Self.once(&spaceCount, { WhiteSpaceCount.count(in: event.text) }) < minimumSpaces {
            return false
        }
        return true
    }

    /// The text's ``TextFeatures`` mask, computed once per event.
    private mutating func featureMask(_ event: Event) -> UInt64 {
        Self.once(&features) { TextFeatures.mask(of: event.text) }
    }
}
