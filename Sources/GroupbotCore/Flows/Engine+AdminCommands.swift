extension Engine {
    private enum AdminCommand: String {
        case pardon, approve, revoke
    }

    /// An admin's command in the group, naming a member by replying to their
    /// message or mentioning them. Returns true when the message was a command.
    func handleAdminCommand(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) -> Bool {
        let words = type.community.adminCommands
        let text = event.text.trimmingCharacters(in: " \t\n")
        let command: AdminCommand
        if words.revoke.contains(where: text.hasPrefix) {
            command = .revoke  // checked first: 取消信任 starts with neither of the others, but /revoke-style words may overlap
        } else if words.pardon.contains(where: text.hasPrefix) {
            command = .pardon
        } else if words.approve.contains(where: text.hasPrefix) {
            command = .approve
        } else {
            return false
        }
        guard let target = event.replyTo.flatMap({ state.trust.authors[$0] }) ?? event.mentions.first else {
            return false
        }
        let member = MemberKey(group: event.group, user: target)
        let texts = type.community.texts
        let name = state.members.nicks[member].map { texts.render(.memberName, ["nick": $0, "user": target]) } ?? target
        var log: String
        var pardoned: ActionNote?
        var steps: [(ActionStep, String?)] = []
        switch command {
        case .pardon:
            let (rules, perRule, count) = state.ladders.pardon(target)
            pardoned = .pardoned(perRule)
            log = texts.render(.pardoned, ["member": name]) + (rules.isEmpty ? "" : texts.render(.pardonedRecords, [
                "count": String(count), "rules": rules.joined(separator: texts.render(.listSeparator)),
            ]))
            if let until = state.trust.mutedUntil[member], until > now { steps.append((ActionStep(kind: .unmute), nil)) }
        case .approve:
            state.trust.trusted.insert(member)
            log = texts.render(.trusted, ["member": name])
        case .revoke:
            state.trust.trusted.remove(member)
            log = texts.render(.untrusted, ["member": name])
        }
        let ruleID = "admin-" + command.rawValue
        for (index, step) in steps.enumerated() {
            var action = makeAction(step.0, step: index, ruleID: ruleID, event: event, captures: [:], context: [:], now: now)
            action.body = action.body.addressed(to: target)
            state.trust.note(action)
            actions.append(action)
        }
        let notice = Template(segments: [.literal(texts.render(.adminNotice, ["admin": event.nick ?? event.user, "what": log]))])
        var action = makeAction(ActionStep(kind: .notify, texts: [notice]), step: steps.count, ruleID: ruleID,
                                event: event, captures: [:], context: [:], now: now)
        action.body = action.body.addressed(to: target)
        action.note = pardoned
        actions.append(action)
        return true
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        return String(drop { characters.contains($0) }.reversed().drop { characters.contains($0) }.reversed())
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    /// The first occurrence of `target` (no Foundation in the core).
    func range(of target: String) -> Range<Index>? {
        guard !target.isEmpty, let first = target.first else { return nil }
        var index = startIndex
        while let start = self[index...].firstIndex(of: first) {
            if self[start...].hasPrefix(target) {
                return start..<self.index(start, offsetBy: target.count)
            }
            index = self.index(after: start)
        }
        return nil
    }
}
