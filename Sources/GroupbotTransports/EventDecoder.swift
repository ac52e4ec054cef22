import GroupbotCore

/// Why a line is not a valid wire-format event.
public struct EventDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String

    public var description: String { reason }
}

/// Decodes wire-format events (docs/wire-format.md) from JSON lines.
public enum EventDecoder {
    /// Decodes one line. Unknown fields are ignored; a missing required field,
    /// a field of the wrong type or invalid JSON throws with a readable reason.
    public static func decode(line: UnsafeBufferPointer<UInt8>) throws(EventDecodingError) -> Event {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw EventDecodingError(reason: error.description)
        }
        return try decode(value)
    }

    /// Decodes one line given as a string.
    public static func decode(line: String) throws(EventDecodingError) -> Event {
        var copy = line
        let result: Result<Event, EventDecodingError> = copy.withUTF8 { bytes in
            Result { () throws(EventDecodingError) -> Event in try decode(line: bytes) }
        }
        return try result.get()
    }

    /// Decodes a parsed JSON value.
    public static func decode(_ value: JSONValue) throws(EventDecodingError) -> Event {
        guard case .object(let object) = value else {
            throw EventDecodingError(reason: "an event must be a JSON object, got \(value.typeName)")
        }
        let fields = Fields(object: object)
        let typeName = try fields.requiredString("type")
        guard let type = EventType(rawValue: typeName) else {
            let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventDecodingError(reason: "unknown event type '\(typeName)'; expected one of \(known)")
        }
        let (time, offset) = try fields.timestamp()
        let isTick = type == .tick
        var event = Event(
            type: type,
            id: isTick ? (try fields.string("id") ?? "tick@\(Timestamp.format(time, utcOffsetSeconds: offset))")
                       : try fields.requiredString("id"),
            time: time, utcOffsetSeconds: offset,
            group: isTick ? (try fields.string("group") ?? "") : try fields.requiredString("group"),
            user: isTick ? (try fields.string("user") ?? "") : try fields.requiredString("user"))
        event.groupName = try fields.string("group_name")
        event.nick = try fields.string("nick")
        if let role = try fields.string("role") {
            guard let parsed = MemberRole(rawValue: role) else {
                throw EventDecodingError(reason: "unknown role '\(role)'; expected owner, admin or member")
            }
            event.role = parsed
        }
        event.kind = try fields.string("kind") ?? "text"
        event.text = try fields.string("text") ?? ""
        event.amount = try fields.number("amount")
        event.inviter = try fields.string("inviter")
        event.oldNick = try fields.string("old_nick")
        event.mentions = try fields.strings("mentions")
        event.replyTo = try fields.string("reply_to")
        return event
    }

    /// Typed access to an event object's fields, with errors naming the field.
    private struct Fields {
        let object: [String: JSONValue]

        func string(_ key: String) throws(EventDecodingError) -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            // Ids are sometimes numbers on the platforms' side: accept them as text.
            case .number(let value)? where ["id", "group", "user", "inviter", "reply_to"].contains(key):
                return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
            case let other?: throw EventDecodingError(reason: "field '\(key)' should be a string, got \(other.typeName)")
            }
        }

        func requiredString(_ key: String) throws(EventDecodingError) -> String {
            guard let value = try string(key) else {
                throw EventDecodingError(reason: "missing required field '\(key)'")
            }
            guard !value.isEmpty else { throw EventDecodingError(reason: "field '\(key)' is empty") }
            return value
        }

        func number(_ key: String) throws(EventDecodingError) -> Double? {
            switch object[key] {
            case nil, .null?: return nil
            case .number(let value)?: return value
            case .string(let text)?:
                guard let value = Double(text) else {
                    throw EventDecodingError(reason: "field '\(key)' should be a number, got \"\(text)\"")
                }
                return value
            case let other?: throw EventDecodingError(reason: "field '\(key)' should be a number, got \(other.typeName)")
            }
        }

        func strings(_ key: String) throws(EventDecodingError) -> [String] {
            switch object[key] {
            case nil, .null?: return []
            case .array(let items)?:
                var values: [String] = []
                for item in items {
                    guard case .string(let value) = item else {
                        throw EventDecodingError(reason: "field '\(key)' should list strings, found \(item.typeName)")
                    }
                    values.append(value)
                }
                return values
            case let other?: throw EventDecodingError(reason: "field '\(key)' should be an array of strings, got \(other.typeName)")
            }
        }

        func timestamp() throws(EventDecodingError) -> (Instant, Int) {
            switch object["ts"] {
            case nil, .null?:
                throw EventDecodingError(reason: "missing required field 'ts'")
            case .number(let seconds)?:
                guard seconds.isFinite, abs(seconds) < 1e13 else {
                    throw EventDecodingError(reason: "field 'ts' is out of range")
                }
                return (Instant(milliseconds: Int64((seconds * 1000).rounded())), 0)
            case .string(let text)?:
                guard let parsed = Timestamp.parse(text) else {
                    throw EventDecodingError(reason: "field 'ts' is not an RFC 3339 time: \"\(text)\"; expected e.g. 2026-11-20T09:15:01+08:00")
                }
                return (parsed.instant, parsed.utcOffsetSeconds)
            case let other?:
                throw EventDecodingError(reason: "field 'ts' should be an RFC 3339 string or epoch seconds, got \(other.typeName)")
            }
        }
    }
}
