/// What the engine asks a transport to do.
public enum ActionKind: String, Sendable, CaseIterable, Hashable, Codable {
    /// Post `text` in the group, optionally replying to a message and mentioning a member.
    case send
    /// Send `text` privately to `user`.
    case dm
    /// Delete (recall) `message`.
    case delete
    /// Mute `user` for `seconds`.
    case mute
    case unmute
    /// Remove `user` from the group.
    case kick
    /// Accept a join request.
    case approve
    /// Refuse a join request, optionally with `text` as the reason.
    case reject
    /// Tell the group's admins `text`.
    case notify
}

/// One action of the wire format. See docs/wire-format.md.
public struct Action: Sendable, Equatable, Codable {
    /// Stable id derived from cause, rule and step, so a consumer can drop repeats.
    public var id: String
    public var kind: ActionKind
    public var group: String
    public var user: String?
    public var text: String?
    /// The message this one replies to (`send`).
    public var replyTo: String?
    /// The member mentioned (`send`).
    public var mention: String?
    /// The message acted on (`delete`).
    public var message: String?
    /// Mute duration.
    public var seconds: Int64?
    /// The rule that produced the action.
    public var rule: String
    /// The event (or schedule occurrence) that caused it.
    public var cause: String
    /// When it is due, on the engine's clock.
    public var due: Instant
    /// The UTC offset used to write `due`.
    public var utcOffsetSeconds: Int
    /// Bookkeeping for the audit log and figures, not sent to platforms (a strike, a pardon).
    public var note: ActionNote?

    /// Creates an action.
    @inlinable
    public init(
        id: String, kind: ActionKind, group: String, user: String? = nil, text: String? = nil,
        replyTo: String? = nil, mention: String? = nil, message: String? = nil, seconds: Int64? = nil,
        rule: String, cause: String, due: Instant, utcOffsetSeconds: Int
    ) {
        self.id = id
        self.kind = kind
        self.group = group
        self.user = user
        self.text = text
        self.replyTo = replyTo
        self.mention = mention
        self.message = message
        self.seconds = seconds
        self.rule = rule
        self.cause = cause
        self.due = due
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}
