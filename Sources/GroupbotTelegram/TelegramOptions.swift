import GroupbotCore

/// Settings the Telegram dialect needs that updates do not carry.
package struct TelegramOptions: Sendable, Equatable {
    /// The UTC offset written into decoded events (updates give epoch seconds).
    package var utcOffsetSeconds: Int
    /// The chat that receives `notify` actions, if any.
    package var adminChat: String?

    /// Creates options.
    package init(utcOffsetSeconds: Int = 28_800, adminChat: String? = nil) {
        self.utcOffsetSeconds = utcOffsetSeconds
        self.adminChat = adminChat
    }
}

/// What an update turned into.
package enum TelegramDecoded: Sendable, Equatable {
    /// Events, in order (a message adding two members is two joins).
    case events([Event])
    /// A valid update groupbot skips on purpose, and why.
    case ignored(reason: String)
}

/// Why an update could not be decoded; the reason names the field.
package struct TelegramDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    package let reason: String

    package init(reason: String) {
        self.reason = reason
    }

    package var description: String { reason }
}


