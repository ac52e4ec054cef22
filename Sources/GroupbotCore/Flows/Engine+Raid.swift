/// Raid mode (`raid:` of a group type, ``RaidMode``): counts joins and newcomers' first
/// messages, switches a group (or a whole type) into a defensive state when they come too
/// fast, and back once calm. Both switches are admin notices of rule `raid`, so the audit
/// log shows them.
extension Engine {
    static let raidRuleID = "raid"

    /// Whether `group` of `type` is raided now.
    func isRaided(group: String, type: GroupType) -> Bool {
        guard let mode = type.community.raid else { return false }
        return state.raids.isRaided(RaidWatch.key(group: group, type: type.name, mode: mode))
    }

    /// Counts a join (or a newcomer's first message) toward raid mode; on the switch, tells
    /// the admins and mutes those counted in the window, when the mode mutes newcomers.
    /// Returns whether this event switched raid mode on (its member was dealt with then).
    @discardableResult
    func countForRaid(_ event: Event, firstMessage: Bool, type: GroupType, now: Instant, into actions: inout [Action]) -> Bool {
        guard let mode = type.community.raid else { return false }
        let key = RaidWatch.key(group: event.group, type: type.name, mode: mode)
        guard let window = state.raids.count(firstMessage: firstMessage, event, key: key, mode: mode) else { return false }
        let texts = type.community.texts
        let notice = texts.render(.raidStarted, [
            "group": state.groups.name(of: event.group) ?? event.groupName ?? event.group, "count": String(window.count),
            "what": texts.render(firstMessage ? .raidFirstMessages : .raidJoins), "window": texts.duration(mode.windowSeconds),
        ])
        var step = 0
        actions.append(raidAction(.notify, text: notice, event: event, step: &step, now: now))
        var counted: Set<MemberKey> = []
        for sighting in window where counted.insert(MemberKey(group: sighting.group, user: sighting.user)).inserted {
            // The raiders already counted are not welcomed, named or reminded of their nickname.
            if mode.skipWelcome { dropPendingSteps(of: MemberKey(group: sighting.group, user: sighting.user)) }
            if let seconds = mode.muteNewcomersSeconds {
                var member = event
                member.group = sighting.group
                member.user = sighting.user
                actions.append(raidAction(.mute, seconds: seconds, event: member, step: &step, now: now))
            }
        }
        state.timers.queue.schedule(.raidCalm(scope: key, type: type.name), at: now.adding(seconds: mode.calmSeconds))
        return true
    }

    /// A join while raided: muted when the mode says so. Returns true when the welcome and
    /// the nickname check are to be skipped.
    /// `switched`: this join switched raid mode on, and was muted with the others then.
    func raidedJoin(_ event: Event, switched: Bool, type: GroupType, now: Instant, into actions: inout [Action]) -> Bool {
        guard let mode = type.community.raid, isRaided(group: event.group, type: type) else { return false }
        if let seconds = mode.muteNewcomersSeconds, !switched {
            var step = 0
            actions.append(raidAction(.mute, seconds: seconds, event: event, step: &step, now: now))
        }
        return mode.skipWelcome
    }

    /// A join request while raided and holding: the admins are told and no rule sees it.
    func holdsJoinRequest(_ event: Event, type: GroupType, now: Instant, into actions: inout [Action]) -> Bool {
        guard let mode = type.community.raid, mode.holdJoinRequests, isRaided(group: event.group, type: type) else { return false }
        var step = 0
        let text = type.community.texts.render(.raidHeld, ["nick": event.nick ?? event.user, "user": event.user])
        actions.append(raidAction(.notify, text: text, event: event, step: &step, now: now))
        return true
    }

    /// The calm check of a raided scope: off when nothing was counted for the calm time,
    /// otherwise checked again when it would be.
    func endRaidIfCalm(_ key: String, typeName: String, at due: Instant, into actions: inout [Action]) {
        guard let type = book.types[typeName], let mode = type.community.raid else {
            state.raids.forget(key)  // the type or its raid mode is gone: nothing to end
            return
        }
        let (ended, recheck) = state.raids.endIfCalm(key, now: due, calmSeconds: mode.calmSeconds)
        if let recheck { state.timers.queue.schedule(.raidCalm(scope: key, type: typeName), at: recheck) }
        guard let group = ended else { return }
        let offset = type.timeZone.utcOffsetSeconds(at: due)
        let event = Event(type: .tick, id: "raid@\(Timestamp.format(due, utcOffsetSeconds: offset))/\(key)", time: due,
                          utcOffsetSeconds: offset, group: group, groupName: state.groups.name(of: group))
        let text = type.community.texts.render(.raidEnded, [
            "group": event.groupName ?? group, "calm": type.community.texts.duration(mode.calmSeconds),
        ])
        var step = 0
        actions.append(raidAction(.notify, text: text, event: event, step: &step, now: due))
    }

    private func raidAction(_ kind: ActionKind, text: String = "", seconds: Int64? = nil, event: Event, step: inout Int,
                            now: Instant) -> Action {
        let template = Template(segments: [.literal(text)])
        let action = makeAction(ActionStep(kind: kind, texts: text.isEmpty ? [] : [template], seconds: seconds), step: step,
                                ruleID: Self.raidRuleID, event: event, captures: [:], context: [:], now: now)
        step += 1
        state.trust.note(action)
        return action
    }
}
