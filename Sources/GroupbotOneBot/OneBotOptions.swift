/// Settings the OneBot v11 dialect needs that the reports themselves do not carry.
package struct OneBotOptions: Sendable, Equatable {
    /// The UTC offset, in seconds, written into decoded events. OneBot reports
    /// give epoch seconds only; QQ groups live in China, hence +08:00 by default.
    package var utcOffsetSeconds: Int
    /// QQ numbers that receive every `notify` action as a private message.
    package var adminUsers: [String]
    /// A group (QQ group number) that receives every `notify` action, if any.
    package var adminGroup: String?
    /// Whether a member's DM names the group it concerns (`group_id` in `send_private_msg`), so
    /// implementations that support it (go-cqhttp, NapCat, Lagrange; the bot must be a group
    /// admin) open a temporary session and members who are not the bot's friends get it.
    /// OneBot v11 itself has no such parameter, hence off by default.
    package var dmThroughGroup: Bool

    /// Creates options; with no arguments, events are written in +08:00 and
    /// `notify` actions go nowhere.
    package init(utcOffsetSeconds: Int = 28_800, adminUsers: [String] = [], adminGroup: String? = nil,
                 dmThroughGroup: Bool = false) {
        self.utcOffsetSeconds = utcOffsetSeconds
        self.adminUsers = adminUsers
        self.adminGroup = adminGroup
        self.dmThroughGroup = dmThroughGroup
    }
}
