import GroupbotCore

/// The OneBot v11 API calls that carry out one action, with no report to answer.
enum APICalls {
    static func make(for action: Action, options: OneBotOptions) -> [OneBotAPICall] {
        func call(_ endpoint: String, _ fill: (inout JSONObjectWriter) -> Void) -> [OneBotAPICall] {
            var writer = JSONObjectWriter()
            fill(&writer)
            return [OneBotAPICall(endpoint: endpoint, body: writer.object, actionID: action.id)]
        }
        let group = action.group
        let user = action.user ?? ""
        let anonymousFlag = OneBotIDs.anonymousFlag(ofUser: user)

        switch action.kind {
        case .send:
            guard let text = action.text, !group.isEmpty else { return [] }
            return groupMessage(group, OutgoingMessage.text(text, replyTo: action.replyTo, mention: action.mention),
                                action: action)
        case .dm:
            // Anonymous senders cannot be written to.
            guard let text = action.text, !user.isEmpty, anonymousFlag == nil else { return [] }
            return privateMessage(user, OutgoingMessage.text(text), action: action,
                                  throughGroup: options.dmThroughGroup && !group.isEmpty ? group : nil)
        case .delete:
            guard let message = action.message, !message.isEmpty else { return [] }
            return call("delete_msg") { $0.id("message_id", message) }
        case .mute:
            guard !group.isEmpty, !user.isEmpty else { return [] }
            if let anonymousFlag {
                return call("set_group_anonymous_ban") { body in
                    body.id("group_id", group)
                    body.string("anonymous_flag", anonymousFlag)
                    if let seconds = action.seconds { body.integer("duration", seconds) }
                }
            }
            return call("set_group_ban") { body in
                body.id("group_id", group)
                body.id("user_id", user)
                // Without a duration OneBot mutes for its default of 30 minutes.
                if let seconds = action.seconds { body.integer("duration", seconds) }
            }
        case .unmute:
            // An anonymous mute cannot be lifted; OneBot has no call for it.
            guard !group.isEmpty, !user.isEmpty, anonymousFlag == nil else { return [] }
            return call("set_group_ban") { body in
                body.id("group_id", group)
                body.id("user_id", user)
                body.integer("duration", 0)
            }
        case .kick:
            // Nor can an anonymous sender be removed.
            guard !group.isEmpty, !user.isEmpty, anonymousFlag == nil else { return [] }
            return call("set_group_kick") { body in
                body.id("group_id", group)
                body.id("user_id", user)
                body.bool("reject_add_request", false)
            }
        case .approve, .reject:
            // The request's flag and sub_type travel in the id of the event that caused the action.
            guard let request = OneBotIDs.parseJoinRequest(action.cause) else { return [] }
            return call("set_group_add_request") { body in
                body.string("flag", request.flag)
                body.string("sub_type", request.subType)
                body.bool("approve", action.kind == .approve)
                if action.kind == .reject, let reason = action.text, !reason.isEmpty { body.string("reason", reason) }
            }
        case .notify:
            guard let text = action.text else { return [] }
            let message = OutgoingMessage.text(text)
            var calls = options.adminUsers.filter { !$0.isEmpty }.flatMap { privateMessage($0, message, action: action) }
            if let adminGroup = options.adminGroup, !adminGroup.isEmpty {
                calls += groupMessage(adminGroup, message, action: action)
            }
            return calls
        }
    }

    private static func groupMessage(_ group: String, _ message: String, action: Action) -> [OneBotAPICall] {
        var body = JSONObjectWriter()
        body.id("group_id", group)
        body.string("message", message)
        return [OneBotAPICall(endpoint: "send_group_msg", body: body.object, actionID: action.id, postsIn: group)]
    }

    /// OneBot v11's `send_private_msg` takes no group, so a member who is not
    /// the bot's friend gets the message only if the implementation finds a
    /// temporary chat by itself.
    private static func privateMessage(_ user: String, _ message: String, action: Action,
                                       throughGroup group: String? = nil) -> [OneBotAPICall] {
        var body = JSONObjectWriter()
        body.id("user_id", user)
        if let group { body.id("group_id", group) }  // a temporary session through the group
        body.string("message", message)
        return [OneBotAPICall(endpoint: "send_private_msg", body: body.object, actionID: action.id)]
    }
}
