import GroupbotCore

/// Writes actions as wire-format JSON lines (docs/wire-format.md), with keys
/// in a fixed order so the same actions always give the same bytes.
package enum ActionEncoder {
    /// Appends `action` as one JSON line (ending in `\n`) to `output`, its fields in the
    /// order of ``ActionField``.
    ///
    /// Each key is written with its quotes, colon and leading comma in one copy (`id`
    /// always comes first), since this runs for every action of every event.
    package static func encode(_ action: Action, into output: inout [UInt8]) {
        func string(_ field: ActionField, _ value: String?) {
            guard let value else { return }
            output.append(contentsOf: keys[field.index])
            appendQuoted(value, to: &output)
        }
        string(.id, action.id)
        string(.action, action.kind.rawValue)
        string(.group, action.group)
        string(.user, action.user)
        string(.text, action.text)
        string(.replyTo, action.replyTo)
        string(.mention, action.mention)
        string(.message, action.message)
        if let seconds = action.seconds {
            output.append(contentsOf: keys[ActionField.seconds.index])
            output.append(contentsOf: String(seconds).utf8)
        }
        string(.rule, action.rule)
        string(.cause, action.cause)
        output.append(contentsOf: keys[ActionField.ts.index])
        output.append(UInt8(ascii: "\""))
        Timestamp.append(action.due, utcOffsetSeconds: action.utcOffsetSeconds, to: &output)
        output.append(contentsOf: "\"}\n".utf8)
    }

    /// Per field, what comes before its value: `{"id":` for the first, `,"key":` for the others.
    private static let keys: [[UInt8]] = ActionField.allCases.map { field in
        Array(((field == .id ? "{" : ",") + "\"" + field.rawValue + "\":").utf8)
    }

    /// One action as a JSON line, without the trailing newline.
    package static func line(for action: Action) -> String {
        var bytes: [UInt8] = []
        encode(action, into: &bytes)
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }

    /// Appends `text` as a JSON string; non-ASCII is written as UTF-8, not escaped. Only `"`,
    /// `\` and control characters are escaped (also for the JSON that dialects write).
    package static func appendQuoted(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Copy runs of bytes that need no escape in one go.
            var runStart = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\n"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case UInt8(ascii: "\t"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            output.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
