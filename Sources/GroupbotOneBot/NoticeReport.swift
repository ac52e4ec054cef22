import GroupbotCore

/// `post_type: notice` reports: members joining, leaving and changing their
/// group card become `join`, `leave` and `rename`; the rest is ignored.
enum NoticeReport {
    static func decode(_ report: Report, kind: ReportKind, options: OneBotOptions) throws(OneBotDecodingError) -> OneBotDecoded {
        let noticeType = try kind.noticeType.required("notice_type")
        let type: EventType
        switch noticeType {
        case "group_increase": type = .join
        case "group_decrease": type = .leave  // leave, kick and kick_me alike
        case "group_card": type = .rename
        default:
            return .ignored(reason: ignoreReason(noticeType, subType: noticeType == "notify" ? kind.subType : nil))
        }
        let fields = try report.fields(NoticeFields.self)
        let group = try fields.groupID.required("group_id").text
        let user = try fields.userID.required("user_id").text
        let time = try fields.time.required("time").instant
        var event = Event(
            type: type, id: OneBotIDs.notice(type: noticeType, group: group, user: user, time: time),
            time: time, utcOffsetSeconds: options.utcOffsetSeconds, group: group, user: user)
        switch type {
        case .join:
            if kind.subType == "invite", let inviter = fields.operatorID?.text, inviter != "0" {
                event.inviter = inviter
            }
        case .rename:
            let card = try fields.cardNew.required("card_new")
            event.nick = card.isEmpty ? nil : card
            event.oldNick = fields.cardOld.nonEmpty
        default:
            break
        }
        return .event(event)
    }

    private static func ignoreReason(_ noticeType: String, subType: String?) -> String {
        switch noticeType {
        case "group_recall": "group_recall: a recalled message leaves nothing to moderate"
        case "group_ban": "group_ban: a mute set in the client, not input for rules"
        case "group_admin": "group_admin: roles arrive with each message's sender"
        case "group_upload": "group_upload: file uploads are not mapped"
        case "friend_add", "friend_recall": "\(noticeType): concerns the bot's friends, not a group"
        case "notify": "notify \(subType ?? "notice"): a client gesture or honour, not moderated"
        default: "notice_type '\(noticeType)' is not one groupbot maps"
        }
    }
}
