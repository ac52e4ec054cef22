/// Who is in which group: memberships (for "at most N groups"), member counts,
/// invitations and the last nickname seen per member.
struct Memberships: FlowState {
    /// Per user, the groups they joined and have not left, with each group's type.
    var groupsOfUser: [String: [String: String]] = [:]
    /// Per group, the member count: from the platform when events carry it, else counted from joins and leaves.
    var memberCount: [String: Int] = [:]
    /// Per group and inviter, members invited.
    var invites: [MemberKey: Int] = [:]
    /// Per member, the last nickname seen (to name members in notices).
    var nicks: [MemberKey: String] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        groupsOfUser = try stored.value("groupsOfUser", or: [:])
        memberCount = try stored.value("memberCount", or: [:])
        invites = try stored.table("invites", key: MemberKey.init(stored:))
        nicks = try stored.table("nicks", key: MemberKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(groupsOfUser, "groupsOfUser")
        try stored.put(memberCount, "memberCount")
        try stored.putTable(invites, "invites", key: \.stored)
        try stored.putTable(nicks, "nicks", key: \.stored)
    }

    mutating func recordNick(of event: Event) {
        if let nick = event.nick { nicks[MemberKey(event)] = nick }
    }

    mutating func recordJoin(_ event: Event, typeName: String) {
        groupsOfUser[event.user, default: [:]][event.group] = typeName
        if let count = event.memberCount {
            memberCount[event.group] = count
        } else {
            memberCount[event.group, default: 0] += 1
        }
        if let inviter = event.inviter { invites[MemberKey(group: event.group, user: inviter), default: 0] += 1 }
    }

    mutating func recordLeave(_ event: Event) {
        groupsOfUser[event.user]?[event.group] = nil
        if let count = event.memberCount {
            memberCount[event.group] = count
        } else if let count = memberCount[event.group], count > 0 {
            memberCount[event.group] = count - 1
        }
    }
}
