/// The event ids of the Telegram dialect. A message is `tg:<chat>:<message id>`, so a
/// `reply_to` or a `delete` names the message it concerns; a join is
/// `tg:join:<chat>:<user>:<date>` whether it came as a service message or as a
/// `chat_member` update, so the two reports of one join act once.
package enum TelegramIDs {
    static func message(chat: Int64, message: Int64) -> String { "tg:\(chat):\(message)" }
    static func join(chat: Int64, user: Int64, date: Int64) -> String { "tg:join:\(chat):\(user):\(date)" }
    static func leave(chat: Int64, user: Int64, date: Int64) -> String { "tg:leave:\(chat):\(user):\(date)" }
    static func request(chat: Int64, user: Int64, date: Int64) -> String { "tg:request:\(chat):\(user):\(date)" }

    /// The chat and message ids in a message event id, or nil for another kind of id.
    package static func parseMessage(_ id: String) -> (chat: Int64, message: Int64)? {
        let parts = id.split(separator: ":")
        guard parts.count == 3, parts[0] == "tg", let chat = Int64(parts[1]), let message = Int64(parts[2]) else { return nil }
        return (chat, message)
    }
}
