/// Raid mode of a group type: when joins, or newcomers' first messages, come faster than
/// a rate, the group (or every group of the type) switches into a defensive state until it
/// has been calm for a while. Each switch is an admin notice (rule `raid`), so it is audited.
package struct RaidMode: Sendable, Equatable {
    /// What is counted: each seen join, and/or each newcomer's first message.
    package var joins: Int?
    package var firstMessages: Int?
    /// The window the counts are taken over.
    package var windowSeconds: Int64
    /// Counted per group, or across every group of the type (then the whole type switches).
    package var acrossType: Bool
    /// Raid mode ends once nothing has been counted for this long.
    package var calmSeconds: Int64
    /// While raided: join requests wait for the admins (no rule sees them; the admins are told).
    package var holdJoinRequests: Bool
    /// While raided: members who join are muted for this long (nil: not muted).
    package var muteNewcomersSeconds: Int64?
    /// While raided: the welcome script and the nickname reminders are not run for the raiders
    /// (those counted at the switch and those who join after it): a raid is not greeted by name.
    package var skipWelcome: Bool

    /// Creates a raid mode.
    package init(joins: Int?, firstMessages: Int?, windowSeconds: Int64, acrossType: Bool = false, calmSeconds: Int64,
                 holdJoinRequests: Bool = true, muteNewcomersSeconds: Int64? = nil, skipWelcome: Bool = true) {
        self.joins = joins
        self.firstMessages = firstMessages
        self.windowSeconds = windowSeconds
        self.acrossType = acrossType
        self.calmSeconds = calmSeconds
        self.holdJoinRequests = holdJoinRequests
        self.muteNewcomersSeconds = muteNewcomersSeconds
        self.skipWelcome = skipWelcome
    }

    /// The most events of one kind the window has to remember.
    var threshold: Int { max(joins ?? 0, firstMessages ?? 0) }
}

/// A shared ban list: group types naming the same list share it. A member the bot removes
/// (a rule's `kick`, or an admin's ban command) from one group is listed with the reason and
/// the evidence; a listed member is removed on joining, and their join request rejected, in
/// every group of the types sharing the list. An admin lifts a ban from any of them.
package struct BanListSettings: Sendable, Equatable {
    package var name: String
    /// Whether a rule's removal lists the member (true), or only admins' ban commands do.
    package var listRemovals: Bool

    /// Creates the settings.
    package init(name: String, listRemovals: Bool = true) {
        self.name = name
        self.listRemovals = listRemovals
    }
}
