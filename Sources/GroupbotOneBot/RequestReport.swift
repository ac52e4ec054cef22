import GroupbotCore

/// `post_type: request` reports: requests to join a group (and invitations of
/// the bot into one) become `join_request` events; friend requests are ignored.
enum RequestReport {
    static func decode(_ report: Report, kind: ReportKind, options: OneBotOptions) throws(OneBotDecodingError) -> OneBotDecoded {
        let requestType = try kind.requestType.required("request_type")
        switch requestType {
        case "group": break
        case "friend": return .ignored(reason: "friend request: concerns the bot's friends, not a group")
        default: return .ignored(reason: "request_type '\(requestType)' is not one groupbot maps")
        }
        let subType = try kind.subType.required("sub_type")
        guard subType == "add" || subType == "invite" else {
            return .ignored(reason: "group request sub_type '\(subType)' is not one groupbot maps")
        }
        let fields = try report.fields(RequestFields.self)
        let flag = try fields.flag.required("flag").nonEmpty("flag")
        let group = try fields.groupID.required("group_id").text
        let user = try fields.userID.required("user_id").text
        let time = try fields.time.required("time").instant
        return .event(Event(
            type: .joinRequest, id: OneBotIDs.joinRequest(flag: flag, subType: subType), time: time,
            utcOffsetSeconds: options.utcOffsetSeconds, group: group, user: user,
            text: fields.comment ?? ""))
    }
}
