import GroupbotCore

/// `post_type: request` reports: requests to join a group (and invitations of
/// the bot into one) become `join_request` events; friend requests are ignored.
enum RequestReport {
    static func decode(_ report: ReportObject, options: OneBotOptions) throws(OneBotDecodingError) -> OneBotDecoded {
        let requestType = try report.string("request_type")
        switch requestType {
        case "group": break
        case "friend": return .ignored(reason: "friend request: concerns the bot's friends, not a group")
        default: return .ignored(reason: "request_type '\(requestType)' is not one groupbot maps")
        }
        let subType = try report.string("sub_type")
        guard subType == "add" || subType == "invite" else {
            return .ignored(reason: "group request sub_type '\(subType)' is not one groupbot maps")
        }
        let flag = try report.nonEmptyString("flag")
        let group = try report.id("group_id")
        let user = try report.id("user_id")
        let time = try report.epochSeconds("time")
        return .event(Event(
            type: .joinRequest, id: OneBotIDs.joinRequest(flag: flag, subType: subType), time: time,
            utcOffsetSeconds: options.utcOffsetSeconds, group: group, user: user,
            text: try report.optionalString("comment") ?? ""))
    }
}
