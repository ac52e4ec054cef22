import GroupbotCore

/// `post_type: message` reports: group messages become `message` events.
enum MessageReport {
    static func decode(_ report: ReportObject, options: OneBotOptions) throws(OneBotDecodingError) -> OneBotDecoded {
        let messageType = try report.string("message_type")
        switch messageType {
        case "group": break
        case "private": return .ignored(reason: "private message: groupbot's rules apply per group")
        default: return .ignored(reason: "message_type '\(messageType)' is not one groupbot maps")
        }
        if try report.optionalString("sub_type") == "notice" {
            return .ignored(reason: "group system notice: not sent by a member")
        }
        var user = try report.id("user_id")
        if let bot = try report.optionalID("self_id"), bot == user {
            // Answering its own messages could make the bot talk to itself forever.
            return .ignored(reason: "the bot's own message")
        }
        let id = try report.id("message_id")
        let group = try report.id("group_id")
        let time = try report.epochSeconds("time")
        let summary = MessageSummary(try MessageSegment.list(from: report.raw("message"), field: "message"))

        var nick: String?
        var role = MemberRole.member
        if let anonymous = try report.optionalObject("anonymous") {
            // The sender data of an anonymous message describes the shared anonymous account.
            user = OneBotIDs.anonymousUser(flag: try anonymous.nonEmptyString("flag"))
            nick = try anonymous.optionalString("name").nonEmpty
        } else if let sender = try report.optionalObject("sender") {
            let card = try sender.optionalString("card").nonEmpty
            let nickname = try sender.optionalString("nickname").nonEmpty
            nick = card ?? nickname
            // `sender` is best effort: an unknown role counts as a member, the role
            // no rule exempts, so an odd value never lets a message through.
            role = MemberRole(rawValue: try sender.optionalString("role") ?? "") ?? .member
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
