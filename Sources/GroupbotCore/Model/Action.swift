/// What the engine asks a transport to do.
package enum ActionKind: String, Sendable, CaseIterable, Hashable, Codable {
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
///
/// What an action does is its ``Body``, one case per kind with exactly the fields that
/// kind has (a mute always has a duration, a DM always a recipient); the flat fields of
/// the wire format (`user`, `text`, `seconds`…) are read from it.
package struct Action: Sendable, Equatable {
    /// What to do, with the fields of its kind.
    package enum Body: Sendable, Equatable {
        case send(text: String, replyTo: String? = nil, mention: String? = nil)
        case dm(user: String, text: String)
        /// `user` wrote the message.
        case delete(message: String, user: String)
        case mute(user: String, seconds: Int64)
        case unmute(user: String)
        case kick(user: String)
        case approve(user: String)
        case reject(user: String, reason: String? = nil)
        /// `about` is the member the notice concerns, when there is one.
        case notify(text: String, about: String? = nil)
    }

    /// Stable id derived from cause, rule and step, so a consumer can drop repeats.
    package var id: String
    package var group: String
    package var body: Body
    /// The rule that produced the action.
    package var rule: String
    /// The event (or schedule occurrence) that caused it.
    package var cause: String
    /// When it is due, on the engine's clock.
    package var due: Instant
    /// The UTC offset used to write `due`.
    package var utcOffsetSeconds: Int
    /// Bookkeeping for the audit log and figures, not sent to platforms (a strike, a pardon).
    package var note: ActionNote?

    /// Creates an action.
    @inlinable
    package init(id: String, group: String, body: Body, rule: String, cause: String, due: Instant, utcOffsetSeconds: Int,
                note: ActionNote? = nil) {
        self.id = id
        self.group = group
        self.body = body
        self.rule = rule
        self.cause = cause
        self.due = due
        self.utcOffsetSeconds = utcOffsetSeconds
        self.note = note
    }

    package var kind: ActionKind { body.kind }
    /// The member acted on or addressed.
    package var user: String? { body.user }
    /// The message's text (`send`, `dm`, `notify`), or a refusal's reason.
    package var text: String? { body.text }
    /// The message this one replies to (`send`).
    package var replyTo: String? {
        if case .send(_, let replyTo, _) = body { return replyTo }
        return nil
    }
    /// The member mentioned (`send`).
    package var mention: String? {
        if case .send(_, _, let mention) = body { return mention }
        return nil
    }
    /// The message acted on (`delete`).
    package var message: String? {
        if case .delete(let message, _) = body { return message }
        return nil
    }
    /// Mute duration.
    package var seconds: Int64? {
        if case .mute(_, let seconds) = body { return seconds }
        return nil
    }
    /// Whether a schedule posted it (no event caused it): a schedule's cause is
    /// `<rule>@<time>` (`Engine.runSchedule`), an event's is the event id.
    package var isScheduledPost: Bool {
        cause.utf8.count > rule.utf8.count && cause.hasPrefix(rule) && cause.utf8[cause.utf8.index(cause.utf8.startIndex, offsetBy: rule.utf8.count)] == UInt8(ascii: "@")
    }
}

extension Action.Body {
    package var kind: ActionKind {
        switch self {
        case .send: .send
        case .dm: .dm
        case .delete: .delete
        case .mute: .mute
        case .unmute: .unmute
        case .kick: .kick
        case .approve: .approve
        case .reject: .reject
        case .notify: .notify
        }
    }

    package var user: String? {
        switch self {
        case .send: nil
        case .dm(let user, _), .delete(_, let user), .mute(let user, _), .unmute(let user), .kick(let user),
             .approve(let user), .reject(let user, _):
            user
        case .notify(_, let about): about
        }
    }

    package var text: String? {
        switch self {
        case .send(let text, _, _), .dm(_, let text), .notify(let text, _): text
        case .reject(_, let reason): reason
        case .delete, .mute, .unmute, .kick, .approve: nil
        }
    }

    /// The body a kind's flat fields describe (as the wire format, the state file and
    /// snapshots write them); nil when a field the kind needs is missing.
    package init?(kind: ActionKind, user: String?, text: String?, replyTo: String?, mention: String?,
                 message: String?, seconds: Int64?) {
        switch kind {
        case .send:
            guard let text else { return nil }
            self = .send(text: text, replyTo: replyTo, mention: mention)
        case .dm:
            guard let user, let text else { return nil }
            self = .dm(user: user, text: text)
        case .delete:
            guard let message, let user else { return nil }
            self = .delete(message: message, user: user)
        case .mute:
            guard let user, let seconds else { return nil }
            self = .mute(user: user, seconds: seconds)
        case .unmute, .kick, .approve:
            guard let user else { return nil }
            self = kind == .unmute ? .unmute(user: user) : kind == .kick ? .kick(user: user) : .approve(user: user)
        case .reject:
            guard let user else { return nil }
            self = .reject(user: user, reason: text)
        case .notify:
            guard let text else { return nil }
            self = .notify(text: text, about: user)
        }
    }

    /// The same action addressed to no member: a schedule's post, or a welcome naming several.
    var withoutMember: Action.Body {
        switch self {
        case .send(let text, _, _): .send(text: text)
        case .notify(let text, _): .notify(text: text)
        default: self
        }
    }
}

/// Snapshots keep delayed actions in the layout they always had: the flat fields, absent when empty.
extension Action: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, kind, group, user, text, replyTo, mention, message, seconds, rule, cause, due, utcOffsetSeconds, note
    }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try values.decode(ActionKind.self, forKey: .kind)
        guard let body = Body(
            kind: kind, user: try values.decodeIfPresent(String.self, forKey: .user),
            text: try values.decodeIfPresent(String.self, forKey: .text),
            replyTo: try values.decodeIfPresent(String.self, forKey: .replyTo),
            mention: try values.decodeIfPresent(String.self, forKey: .mention),
            message: try values.decodeIfPresent(String.self, forKey: .message),
            seconds: try values.decodeIfPresent(Int64.self, forKey: .seconds))
        else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: values, debugDescription: "a \(kind.rawValue) lacks a field it needs")
        }
        self.init(id: try values.decode(String.self, forKey: .id), group: try values.decode(String.self, forKey: .group),
                  body: body, rule: try values.decode(String.self, forKey: .rule), cause: try values.decode(String.self, forKey: .cause),
                  due: try values.decode(Instant.self, forKey: .due),
                  utcOffsetSeconds: try values.decode(Int.self, forKey: .utcOffsetSeconds),
                  note: try values.decodeIfPresent(ActionNote.self, forKey: .note))
    }

    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(id, forKey: .id)
        try values.encode(kind, forKey: .kind)
        try values.encode(group, forKey: .group)
        try values.encodeIfPresent(user, forKey: .user)
        try values.encodeIfPresent(text, forKey: .text)
        try values.encodeIfPresent(replyTo, forKey: .replyTo)
        try values.encodeIfPresent(mention, forKey: .mention)
        try values.encodeIfPresent(message, forKey: .message)
        try values.encodeIfPresent(seconds, forKey: .seconds)
        try values.encode(rule, forKey: .rule)
        try values.encode(cause, forKey: .cause)
        try values.encode(due, forKey: .due)
        try values.encode(utcOffsetSeconds, forKey: .utcOffsetSeconds)
        try values.encodeIfPresent(note, forKey: .note)
    }
}

extension Action.Body {
    /// The same action for `user` (an admin command acts on the member it names, not on the admin).
    func addressed(to user: String) -> Action.Body {
        switch self {
        case .send: self
        case .dm(_, let text): .dm(user: user, text: text)
        case .delete(let message, _): .delete(message: message, user: user)
        case .mute(_, let seconds): .mute(user: user, seconds: seconds)
        case .unmute: .unmute(user: user)
        case .kick: .kick(user: user)
        case .approve: .approve(user: user)
        case .reject(_, let reason): .reject(user: user, reason: reason)
        case .notify(let text, _): .notify(text: text, about: user)
        }
    }
}
