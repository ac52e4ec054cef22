import GroupbotCore
import GroupbotWire

/// What a OneBot v11 report turned into.
package enum OneBotDecoded: Sendable, Equatable {
    /// The report maps onto one wire-format event.
    case event(Event)
    /// A valid report that a moderation bot skips on purpose (a heartbeat, a
    /// private message, a recall…); `reason` says why in a few words.
    case ignored(reason: String)
}

/// Why a report body could not be decoded: invalid JSON, a missing field or a
/// field of the wrong type. The reason names the field concerned.
package struct OneBotDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `field 'group_id' should be a number, got a string`.
    package let reason: String

    /// Creates an error with the given reason.
    package init(reason: String) {
        self.reason = reason
    }

    /// The reason, as is.
    package var description: String { reason }

    static func missing(_ field: String) -> OneBotDecodingError {
        OneBotDecodingError(reason: "missing required field '\(field)'")
    }

    static func wrongType(_ field: String, expected: String, got value: JSONValue) -> OneBotDecodingError {
        OneBotDecodingError(reason: "field '\(field)' should be \(expected), got \(value.typeName)")
    }
}
