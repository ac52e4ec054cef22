import GroupbotCore

/// Why a line is not a valid wire-format event.
package struct EventDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    package let reason: String

    package var description: String { reason }
}

/// Decodes wire-format events (docs/wire-format.md) from JSON lines.
///
/// It reads the object's members straight into the event's fields, with no
/// intermediate dictionary: this runs once per event and sets the floor of
/// the engine's throughput. Unknown fields are parsed (so the line must still
/// be valid JSON) and ignored.
package enum EventDecoder {
    /// Decodes one line. A missing required field, a field of the wrong type or
    /// invalid JSON throws with a readable reason.
    package static func decode(line: UnsafeBufferPointer<UInt8>) throws(EventDecodingError) -> Event {
        var reader = FieldReader(parser: JSONParser(bytes: line))
        do {
            return try reader.readEvent()
        } catch let error as EventDecodingError {
            throw error
        } catch let error as JSONSyntaxError {
            throw EventDecodingError(reason: error.description)
        } catch {
            throw EventDecodingError(reason: "\(error)")
        }
    }

    /// Decodes one line given as a string.
    package static func decode(line: String) throws(EventDecodingError) -> Event {
        var copy = line
        let result: Result<Event, EventDecodingError> = copy.withUTF8 { bytes in
            Result { () throws(EventDecodingError) -> Event in try decode(line: bytes) }
        }
        return try result.get()
    }
}

/// Recognising an event's keys (the fields are listed in `WireFields.swift`).
extension EventField {
    /// Each key's length, its first eight bytes packed into an integer, and all its bytes.
    private static let table: [(count: Int, packed: UInt64, bytes: [UInt8], field: EventField)] = allCases.map {
        let bytes = Array($0.rawValue.utf8)
        return (bytes.count, bytes.withUnsafeBufferPointer(pack), bytes, $0)
    }

    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var packed: UInt64 = 0
        for offset in 0..<min(bytes.count, 8) { packed |= UInt64(bytes[offset]) << (8 * offset) }
        return packed
    }

    /// One bit per field, for spotting a key written twice.
    var bit: UInt32 { 1 << UInt32(recordTag) }

    /// Recognises a key from its raw bytes without building a string: by length and
    /// first eight bytes, then (for the two longer keys) the rest.
    init?(_ raw: UnsafeBufferPointer<UInt8>) {
        let packed = Self.pack(raw)
        for entry in Self.table where entry.count == raw.count && entry.packed == packed {
            guard raw.count <= 8 || entry.bytes.elementsEqual(raw) else { continue }
            self = entry.field
            return
        }
        return nil
    }
}

extension EventType {
    /// Recognises a type name from its raw bytes.
    init?(utf8 raw: UnsafeBufferPointer<UInt8>) {
        for type in EventType.allCases where type.rawValue.utf8.elementsEqual(raw) {
            self = type
            return
        }
        return nil
    }
}

/// Reads one event object member by member.
private struct FieldReader {
    var parser: JSONParser

    /// Fields whose value may also be written as a JSON number (platform ids often are).
    static let idFields: Set<String> = ["id", "group", "user", "inviter", "reply_to", "mentions"]

    mutating func readEvent() throws -> Event {
        if parser.peek() != UInt8(ascii: "{") {
            let value = try parser.parseValue()
            throw EventDecodingError(reason: "an event must be a JSON object, got \(value.typeName)")
        }
        try parser.beginObject()
        var type: String?, id: String?, group: String?, user: String?
        var eventType: EventType?
        var time: (Instant, Int)?
        // The fields are read into locals and the event is built once at the end.
        var groupName: String?, nick: String?, role = MemberRole.member, kind = "text", text = ""
        var amount: Double?, inviter: String?, oldNick: String?, mentions: [String] = [], replyTo: String?
        var memberCount: Int?
        var first = true
        // Duplicate keys are refused, known or not: one rule, whatever the escapes or values.
        var seen: UInt32 = 0
        var unknownSeen: Set<String> = []
        while let raw = try parser.nextRawKey(first: first) {
            first = false
            let field = try EventField(raw) ?? EventField(rawValue: parser.decodeKey(raw))
            guard let field else {
                let name = try parser.decodeKey(raw)
                guard unknownSeen.insert(name).inserted else {
                    throw EventDecodingError(reason: "the key '\(name)' appears twice in one object")
                }
                _ = try parser.parseValue()  // unknown fields are ignored
                continue
            }
            let key = field.rawValue
            guard seen & field.bit == 0 else { throw EventDecodingError(reason: "the key '\(key)' appears twice in one object") }
            seen |= field.bit
            switch field {
            case .type:
                if let raw = parser.parseRawString() {
                    eventType = EventType(utf8: raw)
                    if eventType == nil { type = String(decoding: raw, as: UTF8.self) }
                } else {
                    type = try string(key)
                }
            case .id: id = try string(key)
            case .ts: time = try timestamp()
            case .group: group = try string(key)
            case .user: user = try string(key)
            case .groupName: groupName = try string(key)
            case .nick: nick = try string(key)
            case .role:
                if let name = try string(key) {
                    guard let parsed = MemberRole(rawValue: name) else {
                        throw EventDecodingError(reason: "unknown role '\(name)'; expected owner, admin or member")
                    }
                    role = parsed
                }
            case .kind: kind = try string(key) ?? "text"
            case .text: text = try string(key) ?? ""
            case .amount: amount = try number(key)
            case .inviter: inviter = try string(key)
            case .oldNick: oldNick = try string(key)
            case .mentions: mentions = try strings(key)
            case .replyTo: replyTo = try string(key)
            case .memberCount:
                if let count = try number(key) {
                    guard count >= 0, count == count.rounded(), count < 1e9 else {
                        throw EventDecodingError(reason: "field 'member_count' should be a whole number, got \(count)")
                    }
                    memberCount = Int(count)
                }
            }
        }
        try parser.finish()

        if eventType == nil, let type { eventType = EventType(rawValue: type) }
        guard let eventType else {
            guard let type else { throw EventDecodingError(reason: "missing required field 'type'") }
            let known = EventType.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventDecodingError(reason: "unknown event type '\(type)'; expected one of \(known)")
        }
        guard let (instant, offset) = time else { throw EventDecodingError(reason: "missing required field 'ts'") }
        if eventType == .tick {
            id = id ?? "tick@\(Timestamp.format(instant, utcOffsetSeconds: offset))"
            group = group ?? ""
            user = user ?? ""
        } else {
            id = try required("id", id)
            group = try required("group", group)
            user = try required("user", user)
        }
        return Event(
            type: eventType, id: id!, time: instant, utcOffsetSeconds: offset, group: group!, groupName: groupName,
            user: user!, nick: nick, role: role, kind: kind, text: text, amount: amount, inviter: inviter,
            oldNick: oldNick, mentions: mentions, replyTo: replyTo, memberCount: memberCount)
    }

    private func required(_ key: String, _ value: String?) throws(EventDecodingError) -> String {
        guard let value else { throw EventDecodingError(reason: "missing required field '\(key)'") }
        guard !value.isEmpty else { throw EventDecodingError(reason: "field '\(key)' is empty") }
        return value
    }

    private mutating func string(_ key: String) throws -> String? {
        let next = parser.peek() ?? 0
        if next == UInt8(ascii: "\"") { return try parser.parseString() }
        if next == UInt8(ascii: "-") || (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")), Self.idFields.contains(key) {
            return try parser.parseNumberText()  // every digit kept: 9007199254740993 stays itself
        }
        do {
            let value = try parser.parseValue()
            if value == .null { return nil }
            throw EventDecodingError(reason: "field '\(key)' should be a string, got \(value.typeName)")
        }
    }

    private mutating func number(_ key: String) throws -> Double? {
        switch try parser.parseValue() {
        case .null: return nil
        case .number(let value): return value
        case .string(let text):
            guard let value = JSONParser.number(fromText: text) else {
                throw EventDecodingError(reason: "field '\(key)' should be a number, got \"\(text)\"")
            }
            return value
        case let other: throw EventDecodingError(reason: "field '\(key)' should be a number, got \(other.typeName)")
        }
    }

    private mutating func strings(_ key: String) throws -> [String] {
        switch try parser.parseValue() {
        case .null: return []
        case .array(let items):
            return try items.map { item throws(EventDecodingError) -> String in
                switch item {
                case .string(let value): return value
                case .number(let value) where value == value.rounded() && abs(value) < 1e15: return String(Int64(value))
                default: throw EventDecodingError(reason: "field '\(key)' should list strings, found \(item.typeName)")
                }
            }
        case let other: throw EventDecodingError(reason: "field '\(key)' should be an array of strings, got \(other.typeName)")
        }
    }

    private mutating func timestamp() throws -> (Instant, Int)? {
        guard let parsed = try timestampAsWritten() else { return nil }
        guard parsed.0.isValidEventTime else {
            throw EventDecodingError(reason: "field 'ts' is out of range: \(parsed.0.milliseconds / 1000) s after 1970; expected a time from 1970-01-01 up to 2199-12-31")
        }
        return parsed
    }

    private mutating func timestampAsWritten() throws -> (Instant, Int)? {
        if let raw = parser.parseRawString() {
            if let parsed = Timestamp.parse(bytes: raw) { return (parsed.instant, parsed.utcOffsetSeconds) }
            let text = String(decoding: raw, as: UTF8.self)
            throw EventDecodingError(reason: "field 'ts' is not an RFC 3339 time: \"\(text)\"; expected e.g. 2026-11-20T09:15:01+08:00")
        }
        switch try parser.parseValue() {
        case .null:
            return nil
        case .number(let seconds):
            guard seconds.isFinite, abs(seconds) < 1e13 else { throw EventDecodingError(reason: "field 'ts' is out of range") }
            return (Instant(milliseconds: Int64((seconds * 1000).rounded())), 0)
        case .string(let text):
            guard let parsed = Timestamp.parse(text) else {
                throw EventDecodingError(reason: "field 'ts' is not an RFC 3339 time: \"\(text)\"; expected e.g. 2026-11-20T09:15:01+08:00")
            }
            return (parsed.instant, parsed.utcOffsetSeconds)
        case let other:
            throw EventDecodingError(reason: "field 'ts' should be an RFC 3339 string or epoch seconds, got \(other.typeName)")
        }
    }
}
