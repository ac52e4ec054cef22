import Foundation
import GroupbotCore
import GroupbotRuntime

/// A compact, fast binary form for events and actions in the journal and the
/// outbox: each field a tag, a length and its UTF-8 bytes. JSON coding of every
/// row would cost more than the rest of the engine's work per event.
enum RecordCoding {
    // MARK: Writing

    fileprivate struct Writer {
        var bytes: [UInt8] = []

        mutating func string(_ tag: UInt8, _ value: String?) {
            guard let value else { return }
            bytes.append(tag)
            integer(UInt64(value.utf8.count))
            bytes.append(contentsOf: value.utf8)
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
        writer.string(1, action.id)
        writer.string(2, action.kind.rawValue)
        writer.string(3, action.group)
        writer.string(4, action.user)
        writer.string(5, action.text)
        writer.string(6, action.replyTo)
        writer.string(7, action.mention)
        writer.string(8, action.message)
        writer.number(9, action.seconds)
        writer.string(10, action.rule)
        writer.string(11, action.cause)
        writer.number(12, action.due.milliseconds)
        writer.number(13, Int64(action.utcOffsetSeconds))
        writer.string(14, action.note?.stored)
    }

    static func encode(_ event: Event) -> Data {
        var writer = Writer()
        write(event, to: &writer)
        return Data(writer.bytes)
    }

    fileprivate static func write(_ event: Event, to writer: inout Writer) {
        writer.string(1, event.type.rawValue)
        writer.string(2, event.id)
        writer.number(3, event.time.milliseconds)
        writer.number(4, Int64(event.utcOffsetSeconds))
        writer.string(5, event.group)
        writer.string(6, event.groupName)
        writer.string(7, event.user)
        writer.string(8, event.nick)
        writer.string(9, event.role.rawValue)
        writer.string(10, event.kind)
        writer.string(11, event.text)
        writer.string(12, event.amount.map { String($0) })
        writer.string(13, event.inviter)
        writer.string(14, event.oldNick)
        for mention in event.mentions { writer.string(15, mention) }
        writer.string(16, event.replyTo)
        writer.number(17, event.memberCount.map(Int64.init))
    }

    // MARK: Reading

    /// Malformed bytes in the state file.
    struct Corrupt: Error, CustomStringConvertible {
        var description: String { "a journal or outbox row is damaged" }
    }

    fileprivate struct Reader {
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
            case 1: id = try reader.string()
            case 2: kind = ActionKind(rawValue: try reader.string()) ?? .notify
            case 3: group = try reader.string()
            case 4: user = try reader.string()
            case 5: text = try reader.string()
            case 6: replyTo = try reader.string()
            case 7: mention = try reader.string()
            case 8: message = try reader.string()
            case 9: seconds = try reader.signed()
            case 10: rule = try reader.string()
            case 11: cause = try reader.string()
            case 12: due = Instant(milliseconds: try reader.signed())
            case 13: utcOffsetSeconds = Int(try reader.signed())
            case 14:
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
            case 1: event.type = EventType(rawValue: try reader.string()) ?? .message
            case 2: event.id = try reader.string()
            case 3: event.time = Instant(milliseconds: try reader.signed())
            case 4: event.utcOffsetSeconds = Int(try reader.signed())
            case 5: event.group = try reader.string()
            case 6: event.groupName = try reader.string()
            case 7: event.user = try reader.string()
            case 8: event.nick = try reader.string()
            case 9: event.role = MemberRole(rawValue: try reader.string()) ?? .member
            case 10: event.kind = try reader.string()
            case 11: event.text = try reader.string()
            case 12: event.amount = Double(try reader.string())
            case 13: event.inviter = try reader.string()
            case 14: event.oldNick = try reader.string()
            case 15: event.mentions.append(try reader.string())
            case 16: event.replyTo = try reader.string()
            case 17: event.memberCount = Int(try reader.signed())
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
        var reader = RecordCoding.Reader(bytes: [UInt8](data))
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
    }

    static func decodeEntry(_ data: Data) throws -> JournalEntry {
        guard data.count >= 8 else { throw RecordCoding.Corrupt() }
        let bytes = [UInt8](data)
        let milliseconds = bytes[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let event = data.count > 8 ? try RecordCoding.decodeEvent(Data(bytes[8...])) : nil
        return JournalEntry(event: event, time: Instant(milliseconds: milliseconds), actions: [])
    }
}
