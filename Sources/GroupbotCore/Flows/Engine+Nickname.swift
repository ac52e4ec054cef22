extension Engine {
    /// The id nickname-template actions carry as their rule.
    static let nicknameRuleID = "nickname-template"

    /// A join or rename: start the reminders for a nickname that does not fit; for
    /// another wrong nickname, keep the deadlines but use the new name; for one that
    /// fits, cancel what is pending and say thank you.
    func checkNickname(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) {
        guard let template = type.community.nickname, !template.exemptions.exempt(event) else { return }
        let key = MemberKey(event)
        let context = ["template": template.display, "example": template.example]
        let fits = (try? template.pattern.matches(event.nick ?? "", scratch: matchScratch)) == true
        if fits {
            guard let watch = state.nickname.watches.removeValue(forKey: key) else { return }
            cancel(watch.tokens)
            emit(template.thanks, firstIndex: template.reminders.count, ruleID: Self.nicknameRuleID, event: event,
                 captures: [:], context: context, now: now, into: &actions)
            return
        }
        guard var watch = state.nickname.watches[key] else {
            let tokens = emit(template.reminders, ruleID: Self.nicknameRuleID, event: event, captures: [:],
                              context: context, now: now, into: &actions)
            state.nickname.watches[key] = NicknameWatch(cause: event, tokens: tokens)
            return
        }
        // Still wrong: the reminders not yet sent keep their deadlines and ids, with the new nickname.
        cancel(watch.tokens)
        var renamed = watch.cause
        renamed.nick = event.nick
        watch.tokens = []
        let start = watch.cause.time
        for (index, step) in template.reminders.enumerated() where start.adding(seconds: step.delaySeconds) > now {
            let action = makeAction(step, step: index, ruleID: Self.nicknameRuleID, event: renamed, captures: [:],
                                    context: context, now: start)
            watch.tokens.append(schedule(action))
        }
        state.nickname.watches[key] = watch
    }
}
