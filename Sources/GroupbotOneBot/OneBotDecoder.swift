import GroupbotCore
import GroupbotWire

/// Turns OneBot v11 report bodies (what an implementation POSTs to the bot)
/// into wire-format events. Pure: no I/O, no clock, no state; the same body
/// and options always give the same result. See docs/adapters.md.
package enum OneBotDecoder {
    /// Decodes one report body.
    ///
    /// Group messages, member joins, leaves and card changes, and group join
    /// requests become events; reports a moderation bot has no use for
    /// (heartbeats, private messages, recalls…) come back as
    /// ``OneBotDecoded/ignored(reason:)``. A body that is not JSON, not an
    /// object, or lacks a field the mapping needs (or has it with the wrong
    /// type) throws, with a reason that names the field. It never traps.
    package static func decode(_ body: [UInt8], options: OneBotOptions) throws(OneBotDecodingError) -> OneBotDecoded {
        guard body.contains(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
            throw OneBotDecodingError(reason: "the body is empty")
        }
        let parsed: Result<JSONValue, JSONSyntaxError> = body.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in try JSONParser.parse(buffer) }
        }
        let value: JSONValue
        switch parsed {
        case .success(let parsedValue): value = parsedValue
        case .failure(let error): throw OneBotDecodingError(reason: error.description)
        }
        guard case .object = value else {
            throw OneBotDecodingError(reason: "a report must be a JSON object, got \(value.typeName)")
        }
        // Parsed strictly above (duplicate keys, exact numbers, UTF-8); read into types here.
        let report = Report(body: body, root: value)
        let kind = try report.fields(ReportKind.self)
        guard let postType = kind.postType else { throw .missing("post_type") }
        switch postType {
        case "message":
            return try MessageReport.decode(report, kind: kind, options: options)
        case "notice":
            return try NoticeReport.decode(report, kind: kind, options: options)
        case "request":
            return try RequestReport.decode(report, kind: kind, options: options)
        case "meta_event":
            return .ignored(reason: "meta_event \(kind.metaEventType ?? "report"): the connection's own status")
        case "message_sent":
            // Some implementations report what the bot itself sent.
            return .ignored(reason: "message_sent: the bot's own message")
        default:
            // Implementations add their own post types; answering them with an
            // error would only fill the implementation's log.
            return .ignored(reason: "post_type '\(postType)' is not one groupbot maps")
        }
    }
}
