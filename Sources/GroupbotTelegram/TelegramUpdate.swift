/// The parts of a Telegram Bot API `Update` groupbot reads (https://core.telegram.org/bots/api#update).
/// Everything else in an update is ignored; what is read must have the documented type.
struct TelegramUpdate: Decodable {
    var updateID: Int64
    var message: TelegramMessage?
    var editedMessage: TelegramMessage?
    var chatMember: TelegramChatMemberUpdated?
    var myChatMember: TelegramChatMemberUpdated?
    var chatJoinRequest: TelegramChatJoinRequest?

    enum CodingKeys: String, CodingKey {
        case updateID = "update_id", message, editedMessage = "edited_message", chatMember = "chat_member"
        case myChatMember = "my_chat_member", chatJoinRequest = "chat_join_request"
    }
}

struct TelegramUser: Decodable, Equatable {
    var id: Int64
    var isBot: Bool
    var firstName: String
    var lastName: String?
    var username: String?

    enum CodingKeys: String, CodingKey {
        case id, isBot = "is_bot", firstName = "first_name", lastName = "last_name", username
    }

    /// The name members see: first and last name.
    var displayName: String {
        guard let lastName, !lastName.isEmpty else { return firstName }
        return firstName + " " + lastName
    }
}

struct TelegramChat: Decodable {
    var id: Int64
    var type: String
    var title: String?
}

struct TelegramEntity: Decodable {
    var type: String
    var offset: Int
    var length: Int
    var url: String?
    var user: TelegramUser?
}

struct TelegramMessage: Decodable {
    var messageID: Int64
    var from: TelegramUser?
    var senderChat: TelegramChat?
    var chat: TelegramChat
    var date: Int64
    var text: String?
    var caption: String?
    var entities: [TelegramEntity]?
    var captionEntities: [TelegramEntity]?
    var replyToMessage: TelegramRepliedMessage?
    var newChatMembers: [TelegramUser]?
    var leftChatMember: TelegramUser?
    var photo: [Present]?
    var video: Present?
    var animation: Present?
    var document: Present?
    var sticker: Present?
    var voice: Present?
    var audio: Present?
    var videoNote: Present?
    var contact: Present?
    var location: Present?
    var poll: Present?
    var newChatTitle: String?

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id", from, senderChat = "sender_chat", chat, date, text, caption, entities
        case captionEntities = "caption_entities", replyToMessage = "reply_to_message", newChatMembers = "new_chat_members"
        case leftChatMember = "left_chat_member", photo, video, animation, document, sticker, voice, audio
        case videoNote = "video_note", contact, location, poll, newChatTitle = "new_chat_title"
    }
}

/// A replied-to message: only its id is read (it may be a message of any shape).
struct TelegramRepliedMessage: Decodable {
    var messageID: Int64

    enum CodingKeys: String, CodingKey {
        case messageID = "message_id"
    }
}

/// A part of a message whose presence is all that matters (a photo, a sticker…).
struct Present: Decodable {
    init(from decoder: any Decoder) throws {}
}

struct TelegramChatMember: Decodable {
    var status: String
    var user: TelegramUser
    var isMember: Bool?

    enum CodingKeys: String, CodingKey {
        case status, user, isMember = "is_member"
    }

    /// Whether this status means "in the chat".
    var isIn: Bool {
        switch status {
        case "creator", "administrator", "member": true
        case "restricted": isMember ?? true
        default: false
        }
    }
}

struct TelegramInviteLink: Decodable {
    var creator: TelegramUser
    /// The chat's main link, which every admin shares: its creator invited nobody in particular.
    var isPrimary: Bool?

    enum CodingKeys: String, CodingKey {
        case creator, isPrimary = "is_primary"
    }
}

struct TelegramChatMemberUpdated: Decodable {
    var chat: TelegramChat
    var from: TelegramUser
    var date: Int64
    var oldChatMember: TelegramChatMember
    var newChatMember: TelegramChatMember
    var inviteLink: TelegramInviteLink?
    /// Whether the member came in by a join request an admin approved (then `from` is the approver).
    var viaJoinRequest: Bool?

    enum CodingKeys: String, CodingKey {
        case chat, from, date, oldChatMember = "old_chat_member", newChatMember = "new_chat_member", inviteLink = "invite_link"
        case viaJoinRequest = "via_join_request"
    }
}

struct TelegramChatJoinRequest: Decodable {
    var chat: TelegramChat
    var from: TelegramUser
    var date: Int64
    var bio: String?
}
