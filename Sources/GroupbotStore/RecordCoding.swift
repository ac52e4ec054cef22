import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotWire

/// A compact, fast binary form for events and actions in the journal and the
/// outbox: each field a tag, a length and its UTF-8 bytes. JSON coding of every
/// row would cost more than the rest of the engine's work per event.
enum RecordCoding {
    // MARK: Writing

    /// Bytes with tags and varints (LEB128); also the frame of deflated rows (``Deflate``).
    struct Writer {
        var bytes: [UInt8] = []

        mutating func string(_ tag: UInt8, _ value: String?) {
            guard let value else { return }
            bytes.append(tag)
            integer(UInt64(value.utf8.count))
            // A native string's bytes are copied at once; the generic append goes byte by byte.
            if value.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
                bytes.append(contentsOf: value.utf8)
            }
        }

        mutating func number(_ tag: UInt8, _ value: Int64?) {
            guard let value else { return }
            bytes.append(tag)
            integer(UInt64(bitPattern: value))
        }

        mutating func integer(_ value: UInt64) {
            var rest = value
            repeat {
                let low = UInt8(rest & 0x7F)
                rest >>= 7
                bytes.append(rest == 0 ? low : low | 0x80)
            } while rest != 0
        }
    }

    static func encode(_ action: Action) -> Data {
        var writer = Writer()
        write(action, to: &writer)
        return Data(writer.bytes)
    }

    fileprivate static func write(_ action: Action, to writer: inout Writer) {
        writer.string(ActionField.id.recordTag, action.id)
        writer.string(ActionField.action.recordTag, action.kind.rawValue)
        writer.string(ActionField.group.recordTag, action.group)
        writer.string(ActionField.user.recordTag, action.user)
        writer.string(ActionField.text.recordTag, action.text)
        writer.string(ActionField.replyTo.recordTag, action.replyTo)
        writer.string(ActionField.mention.recordTag, action.mention)
        writer.string(ActionField.message.recordTag, action.message)
        writer.number(ActionField.seconds.recordTag, action.seconds)
        writer.string(ActionField.rule.recordTag, action.rule)
        writer.string(ActionField.cause.recordTag, action.cause)
        writer.number(ActionField.ts.recordTag, action.due.milliseconds)
        writer.number(ActionField.utcOffsetTag, Int64(action.utcOffsetSeconds))
        writer.string(ActionField.noteTag, action.note?.stored)
    }

    static func encode(_ event: Event) -> Data {
        var writer = Writer()
        write(event, to: &writer)
        return Data(writer.bytes)
    }

    fileprivate static func write(_ event: Event, to writer: inout Writer) {
        writer.string(EventField.type.recordTag, event.type.rawValue)
        writer.string(EventField.id.recordTag, event.id)
        writer.number(EventField.ts.recordTag, event.time.milliseconds)
        writer.number(EventField.utcOffsetTag, Int64(event.utcOffsetSeconds))
        writer.string(EventField.group.recordTag, event.group)
        writer.string(EventField.groupName.recordTag, event.groupName)
        writer.string(EventField.user.recordTag, event.user)
        writer.string(EventField.nick.recordTag, event.nick)
        writer.string(EventField.role.recordTag, event.role.rawValue)
        writer.string(EventField.kind.recordTag, event.kind)
        writer.string(EventField.text.recordTag, event.text)
        writer.string(EventField.amount.recordTag, event.amount.map { String($0) })
        writer.string(EventField.inviter.recordTag, event.inviter)
        writer.string(EventField.oldNick.recordTag, event.oldNick)
        for mention in event.mentions { writer.string(EventField.mentions.recordTag, mention) }
        writer.string(EventField.replyTo.recordTag, event.replyTo)
        writer.number(EventField.memberCount.recordTag, event.memberCount.map(Int64.init))
    }

    // MARK: Reading

    /// Malformed bytes in the state file.
    struct Corrupt: Error, CustomStringConvertible {
        var description: String { "a journal or outbox row is damaged" }
    }

    struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func integer() throws -> UInt64 {
            var value: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard index < bytes.count, shift < 64 else { throw Corrupt() }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }

        /// Each field: its tag and, for strings, the text; numbers come back through `integer()`.
        mutating func fields(_ body: (UInt8, inout Reader) throws -> Void) throws {
            while index < bytes.count {
                let tag = bytes[index]
                index += 1
                try body(tag, &self)
            }
        }

        /// A length-prefixed run of bytes.
        mutating func chunk() throws -> ArraySlice<UInt8> {
            guard let count = Int(exactly: try integer()), count <= bytes.count - index else { throw Corrupt() }
            defer { index += count }
            return bytes[index..<index + count]
        }

        mutating func string() throws -> String {
            String(decoding: try chunk(), as: UTF8.self)
        }

        mutating func signed() throws -> Int64 { Int64(bitPattern: try integer()) }
    }

    static func decodeAction(_ data: Data) throws -> Action {
        var reader = Reader(bytes: Array(data))
        var id = "", group = "", rule = "", cause = "", kind = ActionKind.notify
        var user: String?, text: String?, replyTo: String?, mention: String?, message: String?, seconds: Int64?
        var due = Instant(milliseconds: 0), utcOffsetSeconds = 0
        var note: ActionNote?
        try reader.fields { tag, reader in
            switch tag {
            case ActionField.id.recordTag: id = try reader.string()
            case ActionField.action.recordTag: kind = ActionKind(rawValue: try reader.string()) ?? .notify
            case ActionField.group.recordTag: group = try reader.string()
            case ActionField.user.recordTag: user = try reader.string()
            case ActionField.text.recordTag: text = try reader.string()
            case ActionField.replyTo.recordTag: replyTo = try reader.string()
            case ActionField.mention.recordTag: mention = try reader.string()
            case ActionField.message.recordTag: message = try reader.string()
            case ActionField.seconds.recordTag: seconds = try reader.signed()
            case ActionField.rule.recordTag: rule = try reader.string()
            case ActionField.cause.recordTag: cause = try reader.string()
            case ActionField.ts.recordTag: due = Instant(milliseconds: try reader.signed())
            case ActionField.utcOffsetTag: utcOffsetSeconds = Int(try reader.signed())
            case ActionField.noteTag:
                // An unknown note is bookkeeping lost, not an action lost: the action still loads.
                note = ActionNote(stored: try reader.string())
            default: throw Corrupt()
            }
        }
        guard let body = Action.Body(kind: kind, user: user, text: text, replyTo: replyTo, mention: mention,
                                     message: message, seconds: seconds)
        else { throw Corrupt() }
        return Action(id: id, group: group, body: body, rule: rule, cause: cause, due: due,
                      utcOffsetSeconds: utcOffsetSeconds, note: note)
    }

    static func decodeEvent(_ data: Data) throws -> Event {
        var reader = Reader(bytes: Array(data))
        var event = Event(type: .message, id: "", time: Instant(milliseconds: 0))
        try reader.fields { tag, reader in
            switch tag {
            case EventField.type.recordTag: event.type = EventType(rawValue: try reader.string()) ?? .message
            case EventField.id.recordTag: event.id = try reader.string()
            case EventField.ts.recordTag: event.time = Instant(milliseconds: try reader.signed())
            case EventField.utcOffsetTag: event.utcOffsetSeconds = Int(try reader.signed())
            case EventField.group.recordTag: event.group = try reader.string()
            case EventField.groupName.recordTag: event.groupName = try reader.string()
            case EventField.user.recordTag: event.user = try reader.string()
            case EventField.nick.recordTag: event.nick = try reader.string()
            case EventField.role.recordTag: event.role = MemberRole(rawValue: try reader.string()) ?? .member
            case EventField.kind.recordTag: event.kind = try reader.string()
            case EventField.text.recordTag: event.text = try reader.string()
            case EventField.amount.recordTag: event.amount = Double(try reader.string())
            case EventField.inviter.recordTag: event.inviter = try reader.string()
            case EventField.oldNick.recordTag: event.oldNick = try reader.string()
            case EventField.mentions.recordTag: event.mentions.append(try reader.string())
            case EventField.replyTo.recordTag: event.replyTo = try reader.string()
            case EventField.memberCount.recordTag: event.memberCount = Int(try reader.signed())
            default: throw Corrupt()
            }
        }
        return event
    }
}

/// A batch of records in one blob: each a varint length and its bytes. The
/// store writes one row per batch instead of one per event or action, which is
/// what keeps a durable run within a small factor of an in-memory one.
enum BatchCoding {
    static func pack(_ records: [Data]) -> Data {
        var writer = RecordCoding.Writer()
        for record in records {
            writer.integer(UInt64(record.count))
            writer.bytes.append(contentsOf: record)
        }
        return Data(writer.bytes)
    }

    static func unpack(_ data: Data) throws -> [Data] {
        try unpack(bytes: [UInt8](data))
    }

    /// The records of an outbox row: a batch of actions, deflated or (written before deflating) plain.
    static func unpack(actions data: Data) throws -> [Data] {
        try unpack(bytes: Deflate.unpack(data))
    }

    private static func unpack(bytes: [UInt8]) throws -> [Data] {
        var reader = RecordCoding.Reader(bytes: bytes)
        var records: [Data] = []
        while reader.index < reader.bytes.count {
            records.append(Data(try reader.chunk()))
        }
        return records
    }

    /// Builds a batch record by record, each encoded once into a reused scratch buffer.
    struct Packer {
        private var batch = RecordCoding.Writer()
        private var scratch = RecordCoding.Writer()

        /// Appends a journal entry: its time (8 bytes, big-endian) and the event, if any.
        mutating func append(entry: JournalEntry) {
            scratch.bytes.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: entry.time.milliseconds.bigEndian) { scratch.bytes.append(contentsOf: $0) }
            if let event = entry.event { RecordCoding.write(event, to: &scratch) }
            appendScratch()
        }

        /// Appends an action.
        mutating func append(action: Action) {
            scratch.bytes.removeAll(keepingCapacity: true)
            RecordCoding.write(action, to: &scratch)
            appendScratch()
        }

        private mutating func appendScratch() {
            batch.integer(UInt64(scratch.bytes.count))
            batch.bytes.append(contentsOf: scratch.bytes)
        }

        var isEmpty: Bool { batch.bytes.isEmpty }
        var data: Data { Data(batch.bytes) }
        /// The batch deflated, for rows kept long (the audit log).
        var deflated: Data { Deflate.pack(batch.bytes) }
    }

    static func decodeEntry(_ data: Data) throws -> JournalEntry {
        guard data.count >= 8 else { throw RecordCoding.Corrupt() }
        let bytes = [UInt8](data)
        let milliseconds = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let event = data.count > 8 ? try RecordCoding.decodeEvent(Data(bytes[8...])) : nil
        return JournalEntry(event: event, time: Instant(milliseconds: milliseconds), actions: [])
    }
}
