extension Engine {
    /// The id welcome-script actions carry as their rule.
    static let welcomeRuleID = "welcome-script"

    /// A join: welcome at once, or add the member to the group's open batch.
    func welcomeJoin(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) {
        guard let script = type.community.welcome, !script.exemptions.exempt(event) else { return }
        let member = Newcomer(user: event.user, nick: event.nick ?? event.user, event: event)
        guard script.batchSeconds > 0 else {
            welcome([member], script: script, group: event.group, at: now, into: &actions)
            return
        }
        if state.welcome.batches[event.group] == nil {
            state.welcome.batches[event.group] = WelcomeBatch(members: [])
            state.timers.queue.schedule(.welcomeBatch(group: event.group), at: now.adding(seconds: script.batchSeconds))
        }
        state.welcome.batches[event.group]!.members.append(member)
    }

    /// The batching window of a group closed: welcome everyone still in it.
    func closeWelcomeBatch(group: String, at due: Instant, into actions: inout [Action]) {
        guard let batch = state.welcome.batches.removeValue(forKey: group), !batch.members.isEmpty,
              let script = state.groups[group]?.type?.community.welcome
        else { return }
        welcome(batch.members, script: script, group: group, at: due, into: &actions)
    }

    /// Runs the script for `members`: group steps once, naming them all; DM steps per member.
    private func welcome(
        _ members: [Newcomer], script: WelcomeScript, group: String,
        at now: Instant, into actions: inout [Action]
    ) {
        let first = members[0].event
        let names = members.map(\.nick).joined(separator: "、")
        let count = state.members.memberCount[group].map(String.init) ?? ""
        var groupTokens: [UInt64] = []
        for (index, step) in script.steps.enumerated() {
            if step.kind == .dm {
                for member in members {
                    let context = ["names": names, "count": count]
                    let tokens = emit([step], firstIndex: index, ruleID: Self.welcomeRuleID, event: member.event,
                                      captures: [:], context: context, now: now, into: &actions)
                    state.welcome.tokens[MemberKey(group: group, user: member.user), default: []] += tokens
                }
            } else {
                var action = makeAction(step, step: index, ruleID: Self.welcomeRuleID, event: first, captures: [:],
                                        context: ["names": names, "count": count], now: now)
                // Several newcomers: the text names them; a single mention would single one out.
                if members.count > 1 { action.body = action.body.withoutMember }
                if step.delaySeconds > 0 {
                    groupTokens.append(schedule(action))
                } else {
                    actions.append(action)
                }
            }
        }
        if !groupTokens.isEmpty {
            state.welcome.welcomed[group, default: []].append(
                WelcomedBatch(members: Set(members.map(\.user)), tokens: groupTokens))
        }
    }

    /// A member left: drop them from the open batch, cancel what is pending for them,
    /// and cancel a welcome's group steps once everyone it names has left.
    func memberLeft(_ event: Event) {
        dropPendingSteps(of: MemberKey(event))
    }

    /// Cancels what the welcome script and the nickname template still have for a member:
    /// on a leave, and for the accounts of a raid.
    func dropPendingSteps(of key: MemberKey) {
        cancel(state.welcome.tokens.removeValue(forKey: key) ?? [])
        cancel(state.nickname.watches.removeValue(forKey: key)?.tokens ?? [])
        state.welcome.batches[key.group]?.members.removeAll { $0.user == key.user }
        guard var batches = state.welcome.welcomed.removeValue(forKey: key.group) else { return }
        for index in batches.indices.reversed() where batches[index].members.contains(key.user) {
            batches[index].members.remove(key.user)
            if batches[index].members.isEmpty {
                cancel(batches[index].tokens)
                batches.remove(at: index)
            }
        }
        if !batches.isEmpty { state.welcome.welcomed[key.group] = batches }
    }
}
