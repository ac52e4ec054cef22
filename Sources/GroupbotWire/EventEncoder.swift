import GroupbotCore

/// Writes events as wire-format JSON lines (docs/wire-format.md), the inverse of
/// ``EventDecoder``: what `serve` records (`record:`) is a log `replay` reads back to the
/// same events, enriched fields included. Defaults are left out, keys in a fixed order.
package enum EventEncoder {
    /// One event as a JSON line, without the trailing newline.
    package static func line(for event: Event) -> String {
        var output: [UInt8] = []
        var first = true
        func key(_ field: EventField) {
            output.append(contentsOf: (first ? "{\"" : ",\"").utf8)
            output.append(contentsOf: field.rawValue.utf8)
            output.append(contentsOf: "\":".utf8)
            first = false
        }
        func string(_ field: EventField, _ value: String?) {
            guard let value else { return }
            key(field)
            ActionEncoder.appendQuoted(value, to: &output)
        }
        string(.type, event.type.rawValue)
        string(.id, event.id)
        key(.ts)
        output.append(UInt8(ascii: "\""))
        Timestamp.append(event.time, utcOffsetSeconds: event.utcOffsetSeconds, to: &output)
        output.append(UInt8(ascii: "\""))
        string(.group, event.group)
        string(.groupName, event.groupName)
        string(.user, event.user)
        string(.nick, event.nick)
        if event.role != .member { string(.role, event.role.rawValue) }
        if event.kind != "text" { string(.kind, event.kind) }
        if !event.text.isEmpty { string(.text, event.text) }
        if let amount = event.amount {
            key(.amount)
            output.append(contentsOf: String(amount).utf8)
        }
        string(.inviter, event.inviter)
        string(.oldNick, event.oldNick)
        if !event.mentions.isEmpty {
            key(.mentions)
            output.append(UInt8(ascii: "["))
            for (index, mention) in event.mentions.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                ActionEncoder.appendQuoted(mention, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
        string(.replyTo, event.replyTo)
        if let count = event.memberCount {
            key(.memberCount)
            output.append(contentsOf: String(count).utf8)
        }
        output.append(UInt8(ascii: "}"))
        return String(decoding: output, as: UTF8.self)
    }
}
