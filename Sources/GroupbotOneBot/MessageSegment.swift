/// One piece of a OneBot message: text, an @-mention, a reply, an image…
/// Both message formats (CQ-code strings and segment arrays) are read into
/// a list of these, so everything after reading sees one shape.
struct MessageSegment: Equatable {
    /// The segment type (`text`, `at`, `reply`, `image`, `json`, …).
    var type: String
    /// The parameters, unescaped. Values that arrive as JSON numbers are kept as
    /// decimal text; values of other shapes (nested forward nodes) are dropped.
    var data: [String: String]

    static func text(_ text: String) -> MessageSegment {
        MessageSegment(type: "text", data: ["text": text])
    }
}

extension MessageSegment {
    /// The report's `message` field, a CQ-code string or an array of segments, as one list.
    static func list(from field: MessageField) -> [MessageSegment] {
        switch field {
        case .text(let text): CQCode.segments(in: text)
        case .segments(let segments): segments.map { MessageSegment(type: $0.type, data: $0.data?.values ?? [:]) }
        }
    }
}
