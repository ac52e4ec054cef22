import GroupbotCore

/// The quick operation of one report: the fields OneBot v11 lets the HTTP
/// response carry, filled from the actions that concern the report's own
/// event. Each field takes at most one action; the caller turns every action
/// that does not fit into API calls.
struct QuickOperation {
    private let event: Event
    private var reply: String?
    private var delete = false
    private var kick = false
    /// The ban's duration; nil: no ban.
    private var ban: Int64?
    private var approve: Bool?
    private var reason: String?

    init(event: Event) {
        self.event = event
    }

    /// Takes `action` into the quick operation if it fits there; false when it
    /// must become API calls.
    mutating func take(_ action: Action) -> Bool {
        // Only what the rules did about this very report: not timers or
        // schedules that fell due at the same moment, not other groups.
        guard action.cause == event.id, action.group == event.group else { return false }
        switch (event.type, action.kind) {
        case (.message, .send):
            guard reply == nil, let text = action.text else { return false }
            reply = OutgoingMessage.text(text, replyTo: action.replyTo, mention: action.mention)
        case (.message, .delete):
            guard !delete, action.message == event.id else { return false }
            delete = true
        case (.message, .kick):
            // OneBot ignores `kick` for anonymous senders; there is nothing to do for them at all.
            guard !kick, action.user == event.user, OneBotIDs.anonymousFlag(ofUser: event.user) == nil else {
                return false
            }
            kick = true
        case (.message, .mute):
            guard ban == nil, action.user == event.user else { return false }
            ban = action.seconds
        case (.joinRequest, .approve), (.joinRequest, .reject):
            guard approve == nil, action.user == event.user else { return false }
            approve = action.kind == .approve
            if action.kind == .reject, let text = action.text, !text.isEmpty { reason = text }
        default:
            return false
        }
        return true
    }

    /// The JSON object for the response body, or nil when nothing was taken.
    var body: [UInt8]? {
        var writer = JSONObjectWriter()
        var empty = true
        if let reply {
            writer.string("reply", reply)
            // OneBot @-mentions the sender by default; the mention, if any, is already in `reply`.
            writer.bool("at_sender", false)
            empty = false
        }
        if delete { writer.bool("delete", true); empty = false }
        if kick { writer.bool("kick", true); empty = false }
        if let ban {
            writer.bool("ban", true)
            writer.integer("ban_duration", ban)
            empty = false
        }
        if let approve {
            writer.bool("approve", approve)
            if let reason { writer.string("reason", reason) }
            empty = false
        }
        return empty ? nil : writer.object
    }
}
