import Foundation
import GroupbotCore
import GroupbotWire

/// Turns Telegram Bot API updates into wire-format events. Pure: the same update and
/// options always give the same events. Renames, which Telegram never reports, are the
/// adapter's (``TelegramRenames``); roles and counts come from its lookups.
package enum TelegramDecoder {
    /// Decodes one update body (a webhook request's body, or one of `getUpdates`' results).
    package static func decode(_ body: [UInt8], options: TelegramOptions) throws(TelegramDecodingError) -> TelegramDecoded {
        guard body.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw TelegramDecodingError(reason: "the body is empty")
        }
        // Strictly parsed first (duplicate keys, UTF-8, exact numbers), then read into types.
        let parsed: Result<JSONValue, JSONSyntaxError> = body.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(buffer) }
        }
        switch parsed {
        case .failure(let error): throw TelegramDecodingError(reason: error.description)
        case .success(.object): break
        case .success(let other): throw TelegramDecodingError(reason: "an update must be a JSON object, got \(other.typeName)")
        }
        let update: TelegramUpdate
        do {
            update = try JSONDecoder().decode(TelegramUpdate.self, from: Data(body))
        } catch let error as DecodingError {
            throw TelegramDecodingError(reason: Self.reason(error))
        } catch {
            throw TelegramDecodingError(reason: "\(error)")
        }
        return decode(update, options: options)
    }

    static func decode(_ update: TelegramUpdate, options: TelegramOptions) -> TelegramDecoded {
        if let message = update.message { return decode(message, options: options) }
        if let change = update.chatMember { return decode(change, options: options) }
        if let request = update.chatJoinRequest {
            guard isGroup(request.chat) else { return .ignored(reason: "a join request outside a group") }
            return .events([Event(type: .joinRequest, id: TelegramIDs.request(chat: request.chat.id, user: request.from.id, date: request.date),
                                  time: Instant(seconds: request.date), utcOffsetSeconds: options.utcOffsetSeconds,
                                  group: String(request.chat.id), groupName: request.chat.title, user: String(request.from.id),
                                  nick: request.from.displayName, text: request.bio ?? "")])
        }
        if update.editedMessage != nil { return .ignored(reason: "edited_message: groupbot judges a message when it is sent") }
        if update.myChatMember != nil { return .ignored(reason: "my_chat_member: the bot's own membership") }
        return .ignored(reason: "an update of a kind groupbot does not map")
    }

    private static func isGroup(_ chat: TelegramChat) -> Bool { chat.type == "group" || chat.type == "supergroup" }

    private static func decode(_ message: TelegramMessage, options: TelegramOptions) -> TelegramDecoded {
        guard isGroup(message.chat) else { return .ignored(reason: "a message outside a group (\(message.chat.type))") }
        let chat = message.chat
        let time = Instant(seconds: message.date)
        func base(_ type: EventType, id: String, user: TelegramUser) -> Event {
            Event(type: type, id: id, time: time, utcOffsetSeconds: options.utcOffsetSeconds, group: String(chat.id), groupName: chat.title,
                  user: String(user.id), nick: user.displayName)
        }
        if let members = message.newChatMembers {
            let joins = members.filter { !$0.isBot }.map { member in
                var join = base(.join, id: TelegramIDs.join(chat: chat.id, user: member.id, date: message.date), user: member)
                if let adder = message.from, adder.id != member.id { join.inviter = String(adder.id) }
                return join
            }
            return joins.isEmpty ? .ignored(reason: "only bots joined") : .events(joins)
        }
        if let left = message.leftChatMember {
            guard !left.isBot else { return .ignored(reason: "a bot left") }
            return .events([base(.leave, id: TelegramIDs.leave(chat: chat.id, user: left.id, date: message.date), user: left)])
        }
        let id = TelegramIDs.message(chat: chat.id, message: message.messageID)
        var event: Event
        if let sender = message.senderChat {
            // Sent on behalf of a chat: the group itself (an anonymous admin) or its linked channel.
            event = Event(type: .message, id: id, time: time, utcOffsetSeconds: options.utcOffsetSeconds, group: String(chat.id),
                          groupName: chat.title, user: String(sender.id), nick: sender.title,
                          role: sender.id == chat.id ? .admin : .member)
        } else if let from = message.from {
            guard !from.isBot else { return .ignored(reason: "a message from a bot") }
            event = base(.message, id: id, user: from)
        } else {
            return .ignored(reason: "a message without a sender")
        }
        if message.newChatTitle != nil { return .ignored(reason: "a service message (new chat title)") }
        let entities = (message.entities ?? []) + (message.captionEntities ?? [])
        var text = message.text ?? message.caption ?? ""
        // A text link hides its address behind words: the address joins the text, so link rules see it.
        for entity in entities where entity.type == "text_link" {
            if let url = entity.url { text += (text.isEmpty ? "" : " ") + url }
        }
        event.text = text
        event.kind = kind(of: message, entities: entities)
        event.mentions = entities.compactMap { $0.type == "text_mention" ? $0.user.map { String($0.id) } : nil }
        if let replied = message.replyToMessage { event.replyTo = TelegramIDs.message(chat: chat.id, message: replied.messageID) }
        return .events([event])
    }

    private static func kind(of message: TelegramMessage, entities: [TelegramEntity]) -> String {
        if message.photo != nil || message.animation != nil { return "image" }
        if message.video != nil || message.videoNote != nil { return "video" }
        if message.document != nil || message.audio != nil { return "file" }
        if message.sticker != nil { return "sticker" }
        if message.voice != nil { return "voice" }
        if message.contact != nil || message.location != nil || message.poll != nil { return "card" }
        if entities.contains(where: { $0.type == "url" || $0.type == "text_link" }) { return "link" }
        return "text"
    }

    private static func decode(_ change: TelegramChatMemberUpdated, options: TelegramOptions) -> TelegramDecoded {
        guard isGroup(change.chat) else { return .ignored(reason: "a membership change outside a group") }
        let member = change.newChatMember.user
        guard !member.isBot else { return .ignored(reason: "a bot's membership") }
        let wasIn = change.oldChatMember.isIn, isIn = change.newChatMember.isIn
        guard wasIn != isIn else { return .ignored(reason: "a change of standing, not of membership") }
        let chat = change.chat
        var event = Event(type: isIn ? .join : .leave,
                          id: isIn ? TelegramIDs.join(chat: chat.id, user: member.id, date: change.date)
                                   : TelegramIDs.leave(chat: chat.id, user: member.id, date: change.date),
                          time: Instant(seconds: change.date), utcOffsetSeconds: options.utcOffsetSeconds, group: String(chat.id),
                          groupName: chat.title, user: String(member.id), nick: member.displayName)
        // Who invited them: whoever added them; or the creator of the personal invite link they
        // used. Not the admin who approved a join request, nor the creator of the chat's primary
        // link (every admin shares it): invite rewards go to members who really invited.
        if isIn, change.viaJoinRequest != true {
            if change.from.id != member.id {
                event.inviter = String(change.from.id)
            } else if let link = change.inviteLink, link.isPrimary != true, link.creator.id != member.id {
                event.inviter = String(link.creator.id)
            }
        }
        return .events([event])
    }

    /// A decoding error's field path and what was wrong, in the words of the other dialects.
    private static func reason(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: CodingKey? = nil) -> String {
            (context.codingPath + (key.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing required field '\(path(context, key))'"
        case .typeMismatch(let type, let context): return "field '\(path(context))' should be \(type == String.self ? "a string" : type == Bool.self ? "true or false" : "a number")"
        case .valueNotFound(_, let context): return "field '\(path(context))' is null"
        case .dataCorrupted(let context): return "field '\(path(context))': \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
