/// The quiet-stage alert, a whole flow in one file: its state (messages per member per
/// local day, and the groups already reported), what it observes (each message of a type
/// with `quiet_alert`), its daily check (a timer per type) and its pruning (only the
/// alert's days are kept).
struct QuietGroups: FlowState {
    /// Per group, messages per member per local day (`YYYY-MM-DD`).
    var activity: [String: [String: [String: Int]]] = [:]
    /// Groups the operators were told are quiet (told again only after they liven up).
    var reported: Set<String> = []

    init() {}

    init(from stored: StoredFlows) throws {
        activity = try stored.value("activity", or: [:])
        reported = try stored.value("quietGroups", or: [])
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(activity, "activity")
        try stored.put(reported.sorted(), "quietGroups")
    }

    /// Counts a message, keeping `days` days of history. `offset` is the group type's UTC
    /// offset: days are the type's local days, as the check reads them.
    mutating func observe(_ event: Event, days: Int, offset: Int) {
        let day = Timestamp.dayText(LocalTime(event.time, utcOffsetSeconds: offset).dayNumber)
        var byDay = activity.removeValue(forKey: event.group) ?? [:]
        byDay[day, default: [:]][event.user, default: 0] += 1
        if byDay.count > days + 1 {
            for old in byDay.keys.sorted().prefix(byDay.count - days - 1) { byDay[old] = nil }
        }
        activity[event.group] = byDay
    }
}

extension Engine {
    /// The quiet stage: a group whose active members stayed under the threshold for the
    /// alert's days gets one notice to its admins, listing its most active members.
    func checkQuietGroups(type: GroupType, alert: QuietAlert, at due: Instant, into actions: inout [Action]) {
        let offset = type.timeZone.utcOffsetSeconds(at: due)
        let today = LocalTime(due, utcOffsetSeconds: offset).dayNumber
        let days = (1...alert.days).map { Timestamp.dayText(today - $0) }
        for group in state.groups.members(ofType: type.name) {
            let first = LocalTime(state.activity.firstSeen[group] ?? due, utcOffsetSeconds: offset).dayNumber
            guard today - first >= alert.days else { continue }  // too young to judge
            let byDay = state.quiet.activity[group] ?? [:]
            let quiet = days.allSatisfy { (byDay[$0]?.count ?? 0) < alert.activeBelow }
            guard quiet else {
                state.quiet.reported.remove(group)
                continue
            }
            guard state.quiet.reported.insert(group).inserted else { continue }
            var totals: [String: Int] = [:]
            for day in days { for (user, count) in byDay[day] ?? [:] { totals[user, default: 0] += count } }
            let texts = type.community.texts
            let top = totals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(alert.top).map { user, count in
                texts.render(.quietMember, ["nick": state.members.nicks[MemberKey(group: group, user: user)] ?? user,
                                            "user": user, "count": String(count)])
            }
            let name = state.groups.name(of: group) ?? group
            let text = texts.render(.quietAlert, ["group": name, "days": String(alert.days), "below": String(alert.activeBelow)])
                + (top.isEmpty ? texts.render(.quietAlertNobody)
                    : texts.render(.quietAlertMembers, ["members": top.joined(separator: texts.render(.listSeparator))]))
            let cause = "quiet-group@\(Timestamp.format(due, utcOffsetSeconds: offset))"
            actions.append(Action(id: "\(cause):\(group)", group: group, body: .notify(text: text), rule: "quiet-group",
                                  cause: cause, due: due, utcOffsetSeconds: offset))
        }
    }
}
