/// The CQ-code string format of OneBot messages: plain text with codes such
/// as `[CQ:at,qq=2001]` in it. Text escapes `&`, `[` and `]`; parameter values
/// escape `,` too.
///
/// Reading works on UTF-8 bytes: every delimiter is ASCII, so a match can
/// never cut a character in two, and combining marks after a `]` cannot hide it.
enum CQCode {
    // MARK: - Reading

    /// Splits a CQ-code string into segments. A `[CQ:` without its closing `]`
    /// is not a code: it stays in the text, so no input is refused.
    static func segments(in message: String) -> [MessageSegment] {
        let bytes = Array(message.utf8)
        var segments: [MessageSegment] = []
        var textStart = 0
        var index = 0
        while let open = find(opening, in: bytes, from: index) {
            let bodyStart = open + opening.count
            guard let close = bytes[bodyStart...].firstIndex(of: UInt8(ascii: "]")) else { break }
            if open > textStart { segments.append(.text(unescape(bytes[textStart..<open]))) }
            segments.append(code(bytes[bodyStart..<close]))
            index = close + 1
            textStart = index
        }
        if textStart < bytes.count { segments.append(.text(unescape(bytes[textStart...]))) }
        return segments
    }

    private static let opening = Array("[CQ:".utf8)

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The inside of one code, `type,key=value,…`. The value is everything after
    /// the first `=`, so it may itself contain `=`.
    private static func code(_ body: ArraySlice<UInt8>) -> MessageSegment {
        let parts = body.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        var data: [String: String] = [:]
        for part in parts.dropFirst() {
            guard let equals = part.firstIndex(of: UInt8(ascii: "=")) else { continue }
            data[String(decoding: part[..<equals], as: UTF8.self)] = unescape(part[(equals + 1)...])
        }
        return MessageSegment(type: String(decoding: parts.first ?? [], as: UTF8.self), data: data)
    }

    /// Undoes the four escapes in one pass, so `&amp;#91;` becomes `&#91;`, not `[`.
    static func unescape(_ text: ArraySlice<UInt8>) -> String {
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == UInt8(ascii: "&"),
               let escape = escapes.first(where: { text[index...].starts(with: $0.entity) }) {
                result.append(escape.byte)
                index += escape.entity.count
            } else {
                result.append(text[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    private static let escapes: [(entity: [UInt8], byte: UInt8)] = [
        (Array("&amp;".utf8), UInt8(ascii: "&")),
        (Array("&#91;".utf8), UInt8(ascii: "[")),
        (Array("&#93;".utf8), UInt8(ascii: "]")),
        (Array("&#44;".utf8), UInt8(ascii: ",")),
    ]

    // MARK: - Writing

    /// Escapes plain text so no part of it reads as a code.
    static func escapeText(_ text: String) -> String {
        escape(text, comma: false)
    }

    /// Escapes a parameter value, commas included.
    static func escapeParameter(_ value: String) -> String {
        escape(value, comma: true)
    }

    private static func escape(_ text: String, comma: Bool) -> String {
        let needsEscape = text.utf8.contains { byte in
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
                || (comma && byte == UInt8(ascii: ","))
        }
        guard needsEscape else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): result += "&amp;".utf8
            case UInt8(ascii: "["): result += "&#91;".utf8
            case UInt8(ascii: "]"): result += "&#93;".utf8
            case UInt8(ascii: ",") where comma: result += "&#44;".utf8
            default: result.append(byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
