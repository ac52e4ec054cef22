/// What happened in a group, as the transports decode it.
package enum EventType: String, Sendable, CaseIterable, Hashable, Codable {
    case message
    case join
    case leave
    case rename
    case joinRequest = "join_request"
    /// Time passed; nothing else happened.
    case tick
    /// The member is in the group: a line of the platform's member list (an import). It
    /// teaches memberships and nicknames and runs no flow and no rule.
    case member
}

/// A member's standing in a group.
package enum MemberRole: String, Sendable, CaseIterable, Hashable, Codable {
    case owner
    case admin
    case member
}

/// One event of the wire format. See docs/wire-format.md.
package struct Event: Sendable, Equatable, Codable {
    package var type: EventType
    /// Unique id, used as the `cause` of the actions the event produces.
    package var id: String
    /// When it happened.
    package var time: Instant
    /// The offset the timestamp was written in, reused when formatting the actions it causes.
    package var utcOffsetSeconds: Int
    package var group: String
    package var groupName: String?
    package var user: String
    package var nick: String?
    package var role: MemberRole
    /// Message kind: `text`, `image`, `video`, `link`, `file`, `card`, `red_packet`, …
    package var kind: String
    package var text: String
    /// Red packet amount.
    package var amount: Double?
    /// Who invited the member (join events).
    package var inviter: String?
    /// The previous nickname (rename events).
    package var oldNick: String?
    package var mentions: [String]
    package var replyTo: String?
    /// The group's size after a join or leave, when the platform reports it.
    package var memberCount: Int?

    /// Creates an event; fields not given take their wire-format defaults.
    @inlinable
    package init(
        type: EventType, id: String, time: Instant, utcOffsetSeconds: Int = 0,
        group: String = "", groupName: String? = nil, user: String = "", nick: String? = nil,
        role: MemberRole = .member, kind: String = "text", text: String = "", amount: Double? = nil,
        inviter: String? = nil, oldNick: String? = nil, mentions: [String] = [], replyTo: String? = nil,
        memberCount: Int? = nil
    ) {
        self.memberCount = memberCount
        self.type = type
        self.id = id
        self.time = time
        self.utcOffsetSeconds = utcOffsetSeconds
        self.group = group
        self.groupName = groupName
        self.user = user
        self.nick = nick
        self.role = role
        self.kind = kind
        self.text = text
        self.amount = amount
        self.inviter = inviter
        self.oldNick = oldNick
        self.mentions = mentions
        self.replyTo = replyTo
    }
}
