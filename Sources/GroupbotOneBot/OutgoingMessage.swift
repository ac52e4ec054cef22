/// The CQ-code string groupbot sends for a message: a quote of `replyTo`
/// first, then an @-mention, then the text, escaped so it is never read as codes.
enum OutgoingMessage {
    static func text(_ text: String, replyTo: String? = nil, mention: String? = nil) -> String {
        var message = ""
        if let replyTo, !replyTo.isEmpty {
            message += "[CQ:reply,id=" + CQCode.escapeParameter(replyTo) + "]"
        }
        // An anonymous sender cannot be @-mentioned; the text still goes out.
        if let mention, !mention.isEmpty, OneBotIDs.anonymousFlag(ofUser: mention) == nil {
            message += "[CQ:at,qq=" + CQCode.escapeParameter(mention) + "] "
        }
        return message + CQCode.escapeText(text)
    }
}
