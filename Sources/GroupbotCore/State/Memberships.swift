/// Who is in which group: memberships (for "at most N groups"), member counts,
/// invitations and the last nickname seen per member.
struct Memberships: FlowState {
    /// Per user, the groups they joined and have not left, with each group's type.
    var groupsOfUser: [String: MemberGroups] = [:]
    /// Per group, the member count: from the platform when events carry it, else counted from joins and leaves.
    var memberCount: [String: Int] = [:]
    /// Per group and inviter, members invited.
    var invites: [MemberKey: Int] = [:]
    /// Per group type and inviter (`MemberKey.group` is the type's name), and per inviter
    /// across all groups (`*`): members invited (`invites: { scope: type }` and `all`).
    var invitesWider: [MemberKey: Int] = [:]
    /// Per member, the last nickname seen (to name members in notices).
    var nicks: [MemberKey: String] = [:]
    /// The newcomers whose invitation into a group was counted: one who leaves and is
    /// invited back is not counted again, so invite rewards cannot be farmed.
    var invited: Set<MemberKey> = []

    init() {}

    init(from stored: StoredFlows) throws {
        let groups: [String: [String: String]] = try stored.value("groupsOfUser", or: [:])
        groupsOfUser = groups.mapValues(MemberGroups.init)
        memberCount = try stored.value("memberCount", or: [:])
        invites = try stored.table("invites", key: MemberKey.init(stored:))
        invitesWider = try stored.table("invitesByScope", key: MemberKey.init(stored:))
        let invitedKeys: [String] = try stored.value("invited", or: [])
        invited = Set(invitedKeys.compactMap(MemberKey.init(stored:)))
        nicks = try stored.table("nicks", key: MemberKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(groupsOfUser.mapValues(\.dictionary), "groupsOfUser")
        try stored.put(memberCount, "memberCount")
        try stored.putTable(invites, "invites", key: \.stored)
        try stored.putTable(invitesWider, "invitesByScope", key: \.stored)
        try stored.put(invited.map(\.stored).sorted(), "invited")
        try stored.putTable(nicks, "nicks", key: \.stored)
    }

    mutating func recordNick(of event: Event) {
        if let nick = event.nick { nicks[MemberKey(event)] = nick }
    }

    mutating func recordJoin(_ event: Event, typeName: String) {
        groupsOfUser[event.user, default: MemberGroups()].set(event.group, type: typeName)
        if let count = event.memberCount {
            memberCount[event.group] = count
        } else {
            memberCount[event.group, default: 0] += 1
        }
        if let inviter = event.inviter, invited.insert(MemberKey(event)).inserted {
            invites[MemberKey(group: event.group, user: inviter), default: 0] += 1
            invitesWider[MemberKey(group: typeName, user: inviter), default: 0] += 1
            invitesWider[MemberKey(group: "*", user: inviter), default: 0] += 1
        }
    }

    /// Learns that the sender of `event` is in its group (a message: the join may predate groupbot).
    /// Cheap when already known: one look-up, no copy.
    mutating func learnMembership(_ event: Event, typeName: String) {
        if groupsOfUser[event.user]?.contains(group: event.group) != true {
            groupsOfUser[event.user, default: MemberGroups()].set(event.group, type: typeName)
        }
    }

    /// A line of the platform's member list: the member is in the group (and its count, if given).
    mutating func recordPresence(_ event: Event, typeName: String) {
        learnMembership(event, typeName: typeName)
        recordNick(of: event)
        if let count = event.memberCount { memberCount[event.group] = count }
    }

    /// The members `inviter` has invited, counted in `scope` (into `group`, of type `typeName`).
    func invitations(by inviter: String, scope: InviteScope, group: String, typeName: String) -> Int {
        switch scope {
        case .group: invites[MemberKey(group: group, user: inviter)] ?? 0
        case .type: invitesWider[MemberKey(group: typeName, user: inviter)] ?? 0
        case .all: invitesWider[MemberKey(group: "*", user: inviter)] ?? 0
        }
    }

    mutating func recordLeave(_ event: Event) {
        groupsOfUser[event.user]?.remove(event.group)
        if let count = event.memberCount {
            memberCount[event.group] = count
        } else if let count = memberCount[event.group], count > 0 {
            memberCount[event.group] = count - 1
        }
    }
}
