/// Shared ban lists (`ban_list:` of a group type, ``BanListSettings``): a member removed from
/// one group is kept out of every group of the types sharing the list.
extension Engine {
    static let banListRuleID = "ban-list"

    /// Lists the sender of `event` when a rule of a type with a shared list removed them at once
    /// (a delayed removal, such as the nickname ladder's last step, does not list anyone).
    func listRemoval(by rule: Rule, steps: [ActionStep], type: GroupType, event: Event) {
        guard let settings = type.community.banList, settings.listRemovals,
              steps.contains(where: { $0.kind == .kick && $0.delaySeconds == 0 })
        else { return }
        state.bans.add(event.user, to: settings.name, BanLists.Ban(
            since: event.time, group: event.group, rule: rule.id, reason: rule.enforcement.reason ?? rule.id,
            evidence: event.text, cause: event.id))
    }

    /// A listed member's join is undone (removed) and their join request rejected, with a
    /// notice to the admins naming the ban. Returns true when the member is listed: no other
    /// flow and no rule sees the event.
    func stopsBannedMember(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) -> Bool {
        guard let settings = type.community.banList, event.role == .member,
              let ban = state.bans.ban(of: event.user, in: settings.name)
        else { return false }
        let texts = type.community.texts
        let notice = texts.render(.banListed, [
            "nick": event.nick ?? event.user, "user": event.user, "list": settings.name, "reason": ban.reason,
            "since": Timestamp.format(ban.since, utcOffsetSeconds: event.utcOffsetSeconds),
            "group": state.groups.name(of: ban.group) ?? ban.group, "evidence": ban.evidence.isEmpty ? "—" : ban.evidence,
        ])
        let stop = ActionStep(kind: event.type == .joinRequest ? .reject : .kick)
        emit([stop, ActionStep(kind: .notify, texts: [Template(segments: [.literal(notice)])])], ruleID: Self.banListRuleID,
             event: event, captures: [:], now: now, into: &actions)
        return true
    }
}
