import PCRE2

/// Why an event led to what it did: the group type and why, every rule
/// considered, in order, with the condition that failed, and the actions.
public struct Explanation: Sendable {
    /// One rule's verdict.
    public struct Verdict: Sendable, Equatable {
        public let rule: String
        public let fired: Bool
        /// Why it fired, or the first reason it did not.
        public let reason: String

        /// Creates a verdict.
        public init(rule: String, fired: Bool, reason: String) {
            self.rule = rule
            self.fired = fired
            self.reason = reason
        }
    }

    public let type: String
    public let mappingReason: String
    public let verdicts: [Verdict]
    public let actions: [Action]
}

extension Engine {
    /// Explains `event` and then handles it (so state moves on as with ``handle(_:)``).
    public func explain(_ event: Event) -> Explanation {
        let (name, reason) = book.mapping.explain(group: event.group, named: event.groupName ?? groups[event.group]?.name,
                                                  scratch: matchScratch)
        guard let type = book.types[name] else {
            return Explanation(type: name, mappingReason: reason, verdicts: [], actions: handle(event))
        }
        var verdicts: [Explanation.Verdict] = []
        var stoppedBy: String?
        for rule in type.rules where rule.triggers.contains(event.type) {
            if let stopper = stoppedBy {
                verdicts.append(Explanation.Verdict(rule: rule.id, fired: false, reason: "not reached: \(stopper) fired with stop"))
                continue
            }
            if let why = exemption(of: event, from: rule) {
                verdicts.append(Explanation.Verdict(rule: rule.id, fired: false, reason: why))
                continue
            }
            if let failed = firstFailure(rule.conditions, event: event, type: type) {
                verdicts.append(Explanation.Verdict(rule: rule.id, fired: false, reason: failed))
                continue
            }
            if let cooldown = rule.cooldown {
                let key = CooldownKey(type: name, rule: rule.id, group: event.group,
                                      user: cooldown.scope == .user ? event.user : nil)
                if let until = cooldownUntil[key], clock.now < until {
                    verdicts.append(Explanation.Verdict(rule: rule.id, fired: false, reason:
                        "conditions hold, but the cooldown lasts until \(Timestamp.format(until, utcOffsetSeconds: event.utcOffsetSeconds))"))
                    continue
                }
            }
            if !rule.enforcement.allowedDomains.isEmpty,
               Self.linksAllAllowed(event.text, allowed: rule.enforcement.allowedDomains) {
                verdicts.append(Explanation.Verdict(rule: rule.id, fired: false,
                                                    reason: "conditions hold, but every link is to an allowed domain"))
                continue
            }
            var how = "all conditions hold"
            if rule.enforcement.shadow { how += " (shadow: only the admins are told)" }
            verdicts.append(Explanation.Verdict(rule: rule.id, fired: true, reason: how))
            if rule.stop, !rule.enforcement.shadow { stoppedBy = rule.id }
        }
        return Explanation(type: name, mappingReason: reason, verdicts: verdicts, actions: handle(event))
    }

    private func exemption(of event: Event, from rule: Rule) -> String? {
        if rule.exemptRoles.contains(event.role) { return "the sender's role \(event.role.rawValue) is exempt" }
        if rule.exemptUsers.contains(event.user) { return "the sender \(event.user) is listed under except" }
        if rule.sparesTrusted, community.trusted.contains(CommunityState.key(event.group, event.user)) {
            return "an admin trusts the sender"
        }
        return nil
    }

    /// The first condition of `conditions` that does not hold, described; nil when all hold.
    private func firstFailure(_ conditions: [Condition], event: Event, type: GroupType) -> String? {
        for condition in conditions {
            if let failure = failure(of: condition, event: event, type: type) { return failure }
        }
        return nil
    }

    private func failure(of condition: Condition, event: Event, type: GroupType) -> String? {
        switch condition {
        case .keywords(let slot, let requirement):
            return keywordFailure(type.keywords.lists[slot], requirement, text: event.text)
        case .normalizedKeywords(let slot, let requirement):
            let text = type.community.normalizer?.normalize(event.text) ?? event.text
            return keywordFailure(type.normalizedKeywords.lists[slot], requirement, text: text).map { $0 + " (normalised text: \(text))" }
        case .regex(let regex):
            let field = regex.field, pattern = regex.pattern
            let subject: String
            switch field {
            case .text: subject = event.text
            case .nick: subject = event.nick ?? ""
            case .normalizedText: subject = type.community.normalizer?.normalize(event.text) ?? event.text
            }
            let matched = (try? pattern.matches(subject, scratch: matchScratch)) ?? false
            return matched ? nil : "regex /\(pattern.source)/ does not match the \(field == .nick ? "nickname" : "text")"
        case .kind(let kinds):
            return kinds.contains(event.kind) ? nil : "the message kind is \(event.kind), not \(kinds.sorted().joined(separator: " or "))"
        case .role(let roles):
            return roles.contains(event.role) ? nil
                : "the sender's role is \(event.role.rawValue), not \(roles.map(\.rawValue).sorted().joined(separator: " or "))"
        case .time(let window):
            let local = LocalTime(event.time, utcOffsetSeconds: type.timeZone.utcOffsetSeconds(at: event.time))
            return window.contains(local) ? nil
                : "local time \(local.weekday.chineseName) \(TimeWindow.clockText(local.minuteOfDay)) is outside \(TimeWindow.clockText(window.fromMinute))–\(TimeWindow.clockText(window.toMinute))"
                    + (window.days.isEmpty ? "" : " on " + window.days.sorted { $0.rawValue < $1.rawValue }.map(\.chineseName).joined(separator: "、"))
        case .not(let nested):
            return firstFailure(nested, event: event, type: type) == nil ? "the conditions under 'not' all hold" : nil
        case .repeated(let count, let window, let across):
            let key = across ? "*|" + event.user : CommunityState.key(event.group, event.user)
            guard let fingerprint = CommunityState.fingerprint(event.text) else {
                return "the text has no letters or digits, so it is never the same text"
            }
            let seen = community.count(key: key, fingerprint: fingerprint,
                                       since: event.time.adding(seconds: -window)) + (event.type == .message ? 1 : 0)
            return seen >= count ? nil : "the same text was posted \(seen) time(s), fewer than \(count) within \(window)s"
        case .memberships(let limit, let types):
            var groups = community.groupsOfUser[event.user] ?? [:]
            if event.type == .join { groups[event.group] = type.name }
            let count = groups.values.filter { types.isEmpty || types.contains($0) }.count
            return count > limit ? nil : "the member is in \(count) such group(s), not more than \(limit)"
        case .invites(let reach):
            guard let inviter = event.inviter else { return "the join names no inviter" }
            let count = (community.invites[CommunityState.key(event.group, inviter)] ?? 0) + (event.type == .join ? 1 : 0)
            return count == reach ? nil : "\(inviter) has invited \(count), the rule waits for \(reach)"
        }
    }

    private func keywordFailure(_ list: KeywordList, _ requirement: KeywordRequirement, text: String) -> String? {
        func fold(_ word: String) -> String { list.caseSensitive ? word : String(word.map { $0.isASCII ? Character($0.lowercased()) : $0 }) }
        let haystack = fold(text)
        let present: [String]
        switch list.mode {
        case .contains: present = list.words.filter { haystack.contains(fold($0)) }
        case .whole:
            let trimmed = fold(String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()))
            present = list.words.filter { fold($0) == trimmed }
        }
        let shown = list.words.prefix(6).joined(separator: "、") + (list.words.count > 6 ? "…" : "")
        switch requirement {
        case .any: return present.isEmpty ? "none of the keywords [\(shown)] occurs" : nil
        case .all: 
            let missing = list.words.filter { !present.contains($0) }
            return missing.isEmpty ? nil : "keyword(s) \(missing.prefix(6).joined(separator: "、")) missing"
        case .none: return present.isEmpty ? nil : "excluded keyword(s) \(present.joined(separator: "、")) occur"
        }
    }
}
