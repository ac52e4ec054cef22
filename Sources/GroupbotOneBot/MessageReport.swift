import GroupbotCore

/// `post_type: message` reports: group messages become `message` events.
enum MessageReport {
    static func decode(_ report: Report, kind: ReportKind, options: OneBotOptions) throws(OneBotDecodingError) -> OneBotDecoded {
        let messageType = try kind.messageType.required("message_type")
        switch messageType {
        case "group": break
        case "private": return .ignored(reason: "private message: groupbot's rules apply per group")
        default: return .ignored(reason: "message_type '\(messageType)' is not one groupbot maps")
        }
        if kind.subType == "notice" {
            return .ignored(reason: "group system notice: not sent by a member")
        }
        let fields = try report.fields(MessageFields.self)
        var user = try fields.userID.required("user_id").text
        if let bot = fields.selfID?.text, bot == user {
            // Answering its own messages could make the bot talk to itself forever.
            return .ignored(reason: "the bot's own message")
        }
        let id = try fields.messageID.required("message_id").text
        let group = try fields.groupID.required("group_id").text
        let time = try fields.time.required("time").instant
        let summary = MessageSummary(MessageSegment.list(from: try fields.message.required("message")))

        var nick: String?
        var role = MemberRole.member
        if let anonymous = fields.anonymous {
            // The sender data of an anonymous message describes the shared anonymous account.
            user = OneBotIDs.anonymousUser(flag: try anonymous.flag.nonEmpty("anonymous.flag"))
            nick = anonymous.name.nonEmpty
        } else if let sender = fields.sender {
            nick = sender.card.nonEmpty ?? sender.nickname.nonEmpty
            // `sender` is best effort: an unknown role counts as a member, the role
            // no rule exempts, so an odd value never lets a message through.
            role = MemberRole(rawValue: sender.role ?? "") ?? .member
        }
        return .event(Event(
            type: .message, id: id, time: time, utcOffsetSeconds: options.utcOffsetSeconds,
            group: group, user: user, nick: nick, role: role, kind: summary.kind, text: summary.text,
            mentions: summary.mentions, replyTo: summary.replyTo))
    }
}

extension Optional where Wrapped == String {
    /// nil for an empty string too: OneBot writes `""` for a missing card or name.
    var nonEmpty: String? {
        guard let text = self, !text.isEmpty else { return nil }
        return text
    }
}
