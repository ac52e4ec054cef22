extension Engine {
    private enum AdminCommand: String {
        case pardon, approve, revoke, spam, ham, ban, unban
    }

    /// The command `text` starts with, and the rest of the text after the word. Words that
    /// another command's word starts with are checked first (取消信任 before 信任).
    private func command(in text: String, _ words: AdminCommands) -> (AdminCommand, Substring)? {
        let order: [(AdminCommand, [String])] = [
            (.revoke, words.revoke), (.unban, words.unban), (.pardon, words.pardon), (.approve, words.approve),
            (.spam, words.spam), (.ham, words.ham), (.ban, words.ban),
        ]
        for (command, list) in order {
            if let word = list.first(where: text.hasPrefix) { return (command, text.dropFirst(word.count)) }
        }
        return nil
    }

    /// An admin's command in the group, naming a member by replying to their message or
    /// mentioning them (an unban may also name the user's id after the word: a banned member
    /// is not in the group). Returns true when the message was a command.
    func handleAdminCommand(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) -> Bool {
        let text = event.text.trimmingCharacters(in: " \t\n")
        guard let (command, argument) = command(in: text, type.community.adminCommands) else { return false }
        let replied = event.replyTo.flatMap { state.spam.message($0, in: event.group) }
        let argumentUser = command == .unban ? String(argument).trimmingCharacters(in: " \t\n") : ""
        guard let target = event.replyTo.flatMap({ state.trust.authors[$0] }) ?? replied?.user ?? event.mentions.first
                ?? (argumentUser.isEmpty ? nil : argumentUser)
        else {
            return false
        }
        let learns = book.learnsSpam
        switch command {
        case .spam, .ham:
            guard learns, replied != nil else { return false }
        case .ban, .unban:
            guard type.community.banList != nil else { return false }
        default:
            break
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
            // A pardon says the member's message was not spam.
            if learns, let message = replied ?? state.spam.latest(of: target, in: event.group) {
                learn(message.text, spam: false, type: type)
            }
        case .approve:
            state.trust.trusted.insert(member)
            log = texts.render(.trusted, ["member": name])
        case .revoke:
            state.trust.trusted.remove(member)
            log = texts.render(.untrusted, ["member": name])
        case .spam, .ham:
            let message = replied!
            learn(message.text, spam: command == .spam, type: type)
            log = texts.render(command == .spam ? .markedSpam : .markedHam, ["member": name, "text": message.text])
            if command == .spam { steps.append((ActionStep(kind: .delete), message.id)) }
        case .ban:
            let list = type.community.banList!.name
            state.bans.add(target, to: list, BanLists.Ban(
                since: event.time, group: event.group, rule: "admin-ban",
                reason: texts.render(.adminNotice, ["admin": event.nick ?? event.user, "what": texts.render(.didKick)]),
                evidence: replied?.text ?? "", cause: event.id))
            steps.append((ActionStep(kind: .kick), nil))
            log = texts.render(.banned, ["member": name, "list": list])
        case .unban:
            let list = type.community.banList!.name
            _ = state.bans.lift(target, from: list)
            log = texts.render(.unbanned, ["member": name, "list": list])
        }
        let ruleID = "admin-" + command.rawValue
        for (index, step) in steps.enumerated() {
            var action = makeAction(step.0, step: index, ruleID: ruleID, event: event, captures: [:], context: [:], now: now)
            action.body = action.body.addressed(to: target)
            if let message = step.1, case .delete = action.body { action.body = .delete(message: message, user: target) }
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

    /// Teaches the classifier a text, normalised as the type's rules see it.
    private func learn(_ text: String, spam: Bool, type: GroupType) {
        state.spam.model.learn(type.community.normalizer?.normalize(text) ?? text, spam: spam)
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
