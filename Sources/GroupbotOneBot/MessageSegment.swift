import GroupbotWire

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
    /// Reads the report's `message` field, a CQ-code string or an array of segments.
    static func list(from value: JSONValue?, field: String) throws(OneBotDecodingError) -> [MessageSegment] {
        switch value {
        case nil:
            throw .missing(field)
        case .string(let text)?:
            return CQCode.segments(in: text)
        case .array(let items)?:
            var segments: [MessageSegment] = []
            for (index, item) in items.enumerated() {
                segments.append(try segment(item, field: "\(field)[\(index)]"))
            }
            return segments
        case let other?:
            throw .wrongType(field, expected: "a string or an array of segments", got: other)
        }
    }

    private static func segment(_ value: JSONValue, field: String) throws(OneBotDecodingError) -> MessageSegment {
        guard case .object(let members) = value else { throw .wrongType(field, expected: "a segment object", got: value) }
        let object = ReportObject(members, path: field + ".")
        let type = try object.string("type")
        var data: [String: String] = [:]
        switch object.raw("data") {
        case nil:
            break  // the format allows `"data": null`
        case .object(let parameters)?:
            for (key, parameter) in parameters {
                switch parameter {
                case .string(let text): data[key] = text
                case .number(let number) where number == number.rounded(.towardZero) && abs(number) < 1e15:
                    data[key] = String(Int64(number))
                case .number(let number): data[key] = String(number)
                default: continue
                }
            }
        case let other?:
            throw .wrongType(field + ".data", expected: "an object", got: other)
        }
        return MessageSegment(type: type, data: data)
    }
}
