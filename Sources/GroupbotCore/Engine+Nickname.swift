extension Engine {
    /// The id nickname-template actions carry as their rule.
    static let nicknameRuleID = "nickname-template"

    /// A join or rename: start the reminders for a nickname that does not fit,
    /// or, for one that fits, cancel what is pending and say thank you.
    func checkNickname(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) {
        guard let template = type.community.nickname, !template.exemptions.exempt(event) else { return }
        let key = CommunityState.key(event.group, event.user)
        let context = ["template": template.display, "example": template.example]
        let pending = (community.nicknameTokens[key] ?? []).filter(liveTokens.contains)
        let fits = (try? template.pattern.matches(event.nick ?? "", scratch: matchScratch)) == true
        if fits {
            community.nicknameTokens[key] = nil
            guard !pending.isEmpty else { return }
            cancel(pending)
            emit(template.thanks, firstIndex: template.reminders.count, ruleID: Self.nicknameRuleID, event: event,
                 captures: [:], context: context, now: now, into: &actions)
            return
        }
        // Still wrong after a rename: the deadlines already running stay as they are.
        guard pending.isEmpty else { return }
        community.nicknameTokens[key] = emit(template.reminders, ruleID: Self.nicknameRuleID, event: event,
                                             captures: [:], context: context, now: now, into: &actions)
    }
}
