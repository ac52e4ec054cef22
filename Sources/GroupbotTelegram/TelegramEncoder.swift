import Foundation
import GroupbotCore

/// Turns actions into Bot API calls. Pure: the same actions, options and names give the
/// same calls. Every action goes out as a call (a webhook's answer could carry one method,
/// but the calls go through the paced delivery ledger instead, so nothing escapes pacing).
package enum TelegramEncoder {
    /// The calls for `actions`. `names` gives a member's display name for a mention (a
    /// Telegram mention is a `text_mention` entity over the member's name).
    package static func calls(for actions: [Action], options: TelegramOptions,
                              names: (_ group: String, _ user: String) -> String? = { _, _ in nil }) -> [TelegramCall] {
        actions.flatMap { calls(for: $0, options: options, names: names) }
    }

    static func calls(for action: Action, options: TelegramOptions, names: (String, String) -> String?) -> [TelegramCall] {
        let chat = Int64(action.group)
        func call(_ method: String, _ parameters: [String: Any], postsIn: String? = nil) -> TelegramCall {
            TelegramCall(method: method, body: json(parameters), actionID: action.id, postsIn: postsIn)
        }
        func member() -> (chat: Int64, user: Int64)? {
            guard let chat, let user = action.user.flatMap({ Int64($0) }) else { return nil }
            return (chat, user)
        }
        switch action.body {
        case .send(let text, let replyTo, let mention):
            guard let chat else { return [] }
            var parameters: [String: Any] = ["chat_id": chat, "text": text]
            if let replyTo, let replied = TelegramIDs.parseMessage(replyTo), replied.chat == chat {
                parameters["reply_parameters"] = ["message_id": replied.message, "allow_sending_without_reply": true]
            }
            if let mention, let user = Int64(mention) {
                // The mention is the member's name as a text_mention: over the name the text starts
                // with (replies usually open with `{nick}`), else put in front.
                let name = names(action.group, mention) ?? "@\(mention)"
                if !text.hasPrefix(name) { parameters["text"] = name + " " + text }
                parameters["entities"] = [["type": "text_mention", "offset": 0, "length": name.utf16.count,
                                           "user": ["id": user, "is_bot": false, "first_name": name]]]
            }
            return [call("sendMessage", parameters, postsIn: action.group)]
        case .dm(let user, let text):
            guard let user = Int64(user) else { return [] }
            return [call("sendMessage", ["chat_id": user, "text": text])]
        case .delete(let message, _):
            guard let target = TelegramIDs.parseMessage(message) else { return [] }
            return [call("deleteMessage", ["chat_id": target.chat, "message_id": target.message])]
        case .mute(_, let seconds):
            guard let member = member() else { return [] }
            // Telegram treats a restriction shorter than 30 s (or longer than 366 days) as forever.
            let until = action.due.milliseconds / 1000 + min(max(seconds, 30), 366 * 86_400 - 1)
            return [call("restrictChatMember", ["chat_id": member.chat, "user_id": member.user, "permissions": permissions(false),
                                                "until_date": until])]
        case .unmute:
            guard let member = member() else { return [] }
            return [call("restrictChatMember", ["chat_id": member.chat, "user_id": member.user, "permissions": permissions(true)])]
        case .kick:
            // A ban lifted at once: the member is out and may come back (a QQ kick without the blacklist).
            guard let member = member() else { return [] }
            return [call("banChatMember", ["chat_id": member.chat, "user_id": member.user]),
                    call("unbanChatMember", ["chat_id": member.chat, "user_id": member.user, "only_if_banned": true])]
        case .approve:
            guard let member = member() else { return [] }
            return [call("approveChatJoinRequest", ["chat_id": member.chat, "user_id": member.user])]
        case .reject:
            // Telegram's decline carries no reason; the rule's reason stays in the audit log.
            guard let member = member() else { return [] }
            return [call("declineChatJoinRequest", ["chat_id": member.chat, "user_id": member.user])]
        case .notify(let text, _):
            guard let adminChat = options.adminChat, let chat = Int64(adminChat) else { return [] }
            return [call("sendMessage", ["chat_id": chat, "text": text], postsIn: chat < 0 ? adminChat : nil)]
        }
    }

    /// The sending permissions of a member, all on or all off.
    private static func permissions(_ allowed: Bool) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: [
            "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
            "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages", "can_add_web_page_previews",
        ].map { ($0, allowed) })
    }

    /// A JSON object with sorted keys, so the same call is always the same bytes.
    package static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
    }
}
