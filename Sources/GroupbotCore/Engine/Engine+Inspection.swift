/// One strike on a member's record: when, which rule, in which group, for which event.
package struct StrikeEntry: Sendable, Equatable, Codable {
    package let time: Instant
    package let rule: String
    package let group: String
    package let cause: String
}

/// A member's strikes on one ladder.
package struct StrikeSummary: Sendable, Equatable {
    package let user: String
    package let ladder: String
    /// Strikes still counting (the count restarts after the ladder's decay window).
    package let count: Int
    /// Every strike ever given on this ladder.
    package let history: [StrikeEntry]
}

extension Engine {
    /// Every member's strikes, by user then ladder.
    package func strikeSummaries() -> [StrikeSummary] {
        state.ladders.strikes.keys.sorted().compactMap { key in
            state.ladders.strikes[key].map { StrikeSummary(user: key.user, ladder: key.ladder, count: $0.count, history: $0.history) }
        }
    }

    /// Maps `group` to `type` whatever the mapping says (rule-file tests run this way).
    package func pin(group: String, toType type: String) {
        state.groups.set(group, name: nil, typeName: type, type: book.types[type])
    }

    /// The type a group was mapped to, once an event of the group has been seen.
    package func typeName(ofGroup group: String) -> String? {
        state.groups[group]?.typeName
    }

    /// The group's type name and its time zone's UTC offset at `instant` (the offset its local
    /// days are counted in), with one lookup.
    package func groupType(ofGroup group: String, at instant: Instant) -> (name: String, utcOffsetSeconds: Int?)? {
        guard let record = state.groups[group] else { return nil }
        return (record.typeName, record.type?.timeZone.utcOffsetSeconds(at: instant))
    }
}

extension Engine {
    /// The classifier behind `spam_score`, as the admins' marks trained it.
    package var spamModel: NaiveBayes { state.spam.model }
}

/// A flow still running for a member: its name and how many of its steps are waiting.
package struct PendingFlow: Sendable, Equatable {
    package let user: String
    /// `welcome` or `nickname`.
    package let flow: String
    package let steps: Int
}

extension Engine {
    /// The welcome steps and nickname reminders still waiting for members of `group`.
    package func pendingFlows(group: String) -> [PendingFlow] {
        let live = state.timers.live
        var flows: [PendingFlow] = []
        for (key, tokens) in state.welcome.tokens where key.group == group {
            let waiting = tokens.filter(live.contains).count
            if waiting > 0 { flows.append(PendingFlow(user: key.user, flow: "welcome", steps: waiting)) }
        }
        for (key, watch) in state.nickname.watches where key.group == group {
            let waiting = watch.tokens.filter(live.contains).count
            if waiting > 0 { flows.append(PendingFlow(user: key.user, flow: "nickname", steps: waiting)) }
        }
        return flows.sorted { ($0.user, $0.flow) < ($1.user, $1.flow) }
    }

    /// How `group` maps to its type, and why (as `explain` says it).
    package func mapping(ofGroup group: String) -> (type: String, reason: String) {
        book.mapping.explain(group: group, named: state.groups.name(of: group), scratch: matchScratch)
    }
}
