import PCRE2

/// The words of `explain`'s verdicts. The engine decides (``RuleEvaluation``); these only
/// describe what it decided, with what a rule author needs to fix a near miss: the closest
/// keyword, the literal a regex needed, the normalised text, the part that matched.
extension RuleEvaluation {
    /// Why an exempt sender's message is not for `rule`.
    func exemption(of event: Event, from rule: Rule) -> String {
        rule.exemptRoles.contains(event.role)
            ? "the sender's role \(event.role.rawValue) is exempt" : "the sender \(event.user) is listed under except"
    }

    /// The first condition of `rule` that does not hold, described.
    mutating func firstFailure(of rule: Rule, for event: Event) -> String {
        guard let condition = firstFailingCondition(of: rule, for: event) else { return "its conditions do not hold" }
        return failure(of: condition, event: event, rule: rule.id)
    }

    /// Why `rule` fired: how, in shadow, or which ad slot let the ad pass; the part of the
    /// text its regexes matched.
    mutating func success(of rule: Rule, outcome: Engine.Outcome, trace: DecisionTrace, for event: Event) -> String {
        defer { trace.slotNote = nil }
        if outcome == .allowedInSlot { return "conditions hold; " + (trace.slotNote ?? "an ad inside its slot, nothing done") }
        var how = "all conditions hold"
        for case .regex(let regex) in rule.conditions {
            let text = subject(of: regex, event: event)
            if let match = try? regex.pattern.firstMatch(in: text, scratch: matchScratch) {
                how += "; /\(regex.pattern.source)/ matched «\(match.matchedText)»"
                    + (regex.field == .normalizedText && text != event.text ? " in the normalised text «\(text)»" : "")
            }
        }
        if rule.enforcement.shadow { how += " (shadow: only the admins are told)" }
        if let note = trace.slotNote, rule.enforcement.honoursAdSlots { how += "; \(note)" }
        return how
    }

    private mutating func failure(of condition: Condition, event: Event, rule: String) -> String {
        switch condition {
        case .keywords(let slot, let requirement):
            return keywordFailure(type.keywords.lists[slot], requirement, hits: keywordHits(slot: slot, event: event), text: event.text)
        case .normalizedKeywords(let slot, let requirement):
            let text = normalized(event)
            return keywordFailure(type.normalizedKeywords.lists[slot], requirement, hits: normalizedScratch.hits(slot: slot), text: text)
                + " (normalised text: \(text))"
        case .regex(let regex):
            let text = subject(of: regex, event: event)
            var reason = "regex /\(regex.pattern.source)/ does not match the \(regex.field == .nick ? "nickname" : "text")"
            if regex.field == .normalizedText { reason += " (normalised text: \(text))" }
            if let gate = regex.gate {
                if let slot = gate.slot, keywordHits(slot: slot, event: event) == 0 {
                    let literals = type.keywords.lists[slot].words
                    reason += "; a match needs one of " + literals.prefix(6).map { "«\($0)»" }.joined(separator: " ")
                        + (literals.count > 6 ? " …" : "") + ", and the text has none"
                } else if gate.minimumDigits > 0, case let digits = DecimalDigits.count(in: event.text), digits < gate.minimumDigits {
                    reason += "; it needs \(gate.minimumDigits) digits, the text has \(digits)"
                }
            }
            return reason
        case .kind(let kinds):
            return "the message kind is \(event.kind), not \(kinds.sorted().joined(separator: " or "))"
        case .role(let roles):
            return "the sender's role is \(event.role.rawValue), not \(roles.map(\.rawValue).sorted().joined(separator: " or "))"
        case .time(let window):
            let local = LocalTime(event.time, utcOffsetSeconds: type.timeZone.utcOffsetSeconds(at: event.time))
            return "local time \(local.weekday.chineseName) \(TimeWindow.clockText(local.minuteOfDay)) is outside "
                + "\(TimeWindow.clockText(window.fromMinute))–\(TimeWindow.clockText(window.toMinute))"
                + (window.days.isEmpty ? "" : " on " + window.days.sorted { $0.rawValue < $1.rawValue }.map(\.chineseName).joined(separator: "、"))
        case .not:
            return "the conditions under 'not' all hold"
        case .repeated(let count, let window, let across, let groups):
            let scope: RepeatScope = across ? .acrossGroups(user: event.user) : .inGroup(MemberKey(event))
            guard let fingerprint = RecentTexts.fingerprint(event.text) else {
                return "the text has no letters or digits, so it is never the same text"
            }
            let seen = engine.state.recentTexts.sightings(scope, fingerprint: fingerprint, since: event.time.adding(seconds: -window))
            if seen.count >= count {
                return "the same text was posted \(seen.count) time(s) within \(window)s, but in \(seen.groups) group(s), fewer than \(groups)"
            }
            return "the same text was posted \(seen.count) time(s), fewer than \(count) within \(window)s"
        case .memberships(let limit, let types):
            let count = engine.state.members.groupsOfUser[event.user]?.count(ofTypes: types) ?? 0
            return "the member is in \(count) such group(s), not more than \(limit)"
        case .inAdSlot(let inside):
            return inside ? "the message is outside every ad slot" : "the message is inside an ad slot"
        case .invites(let reach, let scope):
            guard let inviter = event.inviter else { return "the join names no inviter" }
            let count = engine.state.members.invitations(by: inviter, scope: scope, group: event.group, typeName: type.name)
            return "\(inviter) has invited \(count), the rule waits for \(reach)"
        case .firstMessages(let count):
            guard let record = engine.state.newcomers.records[MemberKey(event)] else { return "groupbot did not see the member join" }
            return event.type == .message ? "this is the member's message \(record.messages) since joining, after the first \(count)"
                : "not a message"
        case .joinedWithin(let seconds):
            guard let record = engine.state.newcomers.records[MemberKey(event)] else { return "groupbot did not see the member join" }
            return "the member joined \((event.time.milliseconds - record.joined.milliseconds) / 1000)s ago, not within \(seconds)s"
        case .invited(let wanted):
            guard engine.state.newcomers.records[MemberKey(event)] != nil else { return "groupbot did not see the member join" }
            return wanted ? "the member came in without an inviter" : "the member was invited"
        case .mixedScript(let wanted):
            return wanted ? "no word of the text mixes alphabets" : "a word of the text mixes alphabets"
        case .nearDuplicates(let members, let window, let similarity):
            let count = engine.state.nearDuplicates.members(alikeTo: event, similarity: similarity,
                                                            since: event.time.adding(seconds: -window))
            return count == 0 ? "the text is too short to compare (\(NearDuplicates.minimumCharacters) letters or digits at least)"
                : "\(count) member(s) posted this text or one \(Int(similarity * 100))% alike within \(window)s, fewer than \(members)"
        case .spamScore(let threshold):
            let model = engine.state.spam.model
            guard model.isReady else {
                return "the classifier has \(model.spamMarks) spam and \(model.hamMarks) ham mark(s); it scores from \(NaiveBayes.minimumMarks) of each"
            }
            guard let score = spamScore(event) else { return "the text shares nothing with the marked messages" }
            return "the spam score is \(Int(score * 1000)) in 1000, under \(Int(threshold * 1000))"
        case .inRaid(let wanted):
            return wanted ? "the group is not in raid mode" : "the group is in raid mode"
        }
    }

    private func keywordFailure(_ list: KeywordList, _ requirement: KeywordRequirement, hits: Int, text: String) -> String {
        let shown = list.words.prefix(6).joined(separator: "、") + (list.words.count > 6 ? "…" : "")
        switch requirement {
        case .any:
            return "none of the keywords [\(shown)] occurs" + (Self.nearMiss(list, in: text).map { "; closest: \($0)" } ?? "")
        case .all(let count):
            return "\(hits) of the \(count) keywords [\(shown)] occur; all are needed"
        case .none:
            return "an excluded keyword of [\(shown)] occurs"
        }
    }

    /// The keyword of which the longest beginning occurs in the text (at least half of it),
    /// e.g. «微信» when the text has «微» and «信» apart: `normalize` or another spelling
    /// may be what the rule misses.
    static func nearMiss(_ list: KeywordList, in text: String) -> String? {
        let haystack = list.caseSensitive ? text : KeywordIndex.foldASCII(text)
        var best: (word: String, prefix: Int)?
        for word in list.words.prefix(200) {
            let needle = Array(list.caseSensitive ? word : KeywordIndex.foldASCII(word))
            guard needle.count > 1 else { continue }
            var length = needle.count - 1
            while length > 0, !haystack.contains(String(needle[..<length])) { length -= 1 }
            if length * 2 >= needle.count, length > (best?.prefix ?? 0) { best = (word, length) }
        }
        guard let best else { return nil }
        return "«\(best.word)» (the text has «\(String(Array(best.word)[..<best.prefix]))»)"
    }
}
