import GroupbotWire

/// What the rules see of a OneBot message: its plain text, its kind, who it
/// mentions and which message it replies to.
struct MessageSummary: Equatable {
    var text: String
    var kind: String
    var mentions: [String]
    var replyTo: String?

    init(_ segments: [MessageSegment]) {
        var text = ""
        var mentions: [String] = []
        var replyTo: String?
        var cardTitle: String?
        var isCard = false, isLink = false, hasImage = false, hasVideo = false
        for segment in segments {
            switch segment.type {
            case "text":
                text += segment.data["text"] ?? ""
            case "at":
                // `all` is @everyone: no member to act on.
                if let qq = segment.data["qq"], !qq.isEmpty, qq != "all", !mentions.contains(qq) { mentions.append(qq) }
            case "reply":
                if replyTo == nil, let id = segment.data["id"], !id.isEmpty { replyTo = id }
            case "image":
                hasImage = true
            case "video":
                hasVideo = true
            case "json":
                isCard = true
                cardTitle = cardTitle ?? segment.data["data"].flatMap(Self.jsonPrompt)
            case "xml":
                isCard = true
                cardTitle = cardTitle ?? segment.data["data"].flatMap(Self.xmlBrief)
            case "share":
                isLink = true
                cardTitle = cardTitle ?? segment.data["title"].flatMap { $0.isEmpty ? nil : $0 }
            default:
                continue  // faces, dice, pokes…: nothing for the rules to read
            }
        }
        text = Self.trimmed(text)
        self.mentions = mentions
        self.replyTo = replyTo
        if isCard || isLink {
            kind = isCard ? "card" : "link"
            self.text = cardTitle ?? text
        } else {
            kind = !text.isEmpty ? "text" : hasImage ? "image" : hasVideo ? "video" : "text"
            self.text = text
        }
    }

    /// Text without the whitespace around it (the space after an @-mention, trailing newlines).
    private static func trimmed(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[first...last])
    }

    /// The `prompt` of a JSON card: the one-line summary QQ shows in chat lists.
    static func jsonPrompt(_ data: String) -> String? {
        guard case .object(let members)? = try? JSONParser.parse(data),
              case .string(let prompt)? = members["prompt"], !prompt.isEmpty else { return nil }
        return prompt
    }

    /// The `brief` attribute of an XML card, which plays the same part as a JSON card's prompt.
    static func xmlBrief(_ data: String) -> String? {
        let bytes = Array(data.utf8)
        let key = Array(" brief=\"".utf8)
        guard bytes.count > key.count,
              let start = (0...(bytes.count - key.count)).first(where: { bytes[$0..<($0 + key.count)].elementsEqual(key) })
        else { return nil }
        let valueStart = start + key.count
        guard let end = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")), end > valueStart else { return nil }
        return xmlUnescape(String(decoding: bytes[valueStart..<end], as: UTF8.self))
    }

    private static func xmlUnescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&")] {
            result = result.split(separator: entity, omittingEmptySubsequences: false).joined(separator: character)
        }
        return result
    }
}
