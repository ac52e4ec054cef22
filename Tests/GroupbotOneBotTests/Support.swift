import GroupbotCore
import GroupbotOneBot
import GroupbotWire

/// Paths inside the repository, found from this file's location so tests run from any directory.
enum Paths {
    static let fixtures: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast()  // Tests/GroupbotOneBotTests/Support.swift
        return components.joined(separator: "/") + "/Fixtures"
    }()

    /// Twenty OneBot v11 report bodies, one per line, shaped like what QQ
    /// implementations POST: every kind of report the dialect maps or ignores.
    static let reports = fixtures + "/events.jsonl"
}

/// Decodes a report given as text, with default options (+08:00, no admins).
func decode(_ body: String, options: OneBotOptions = OneBotOptions()) throws(OneBotDecodingError) -> OneBotDecoded {
    try OneBotDecoder.decode(Array(body.utf8), options: options)
}

/// The event a report decodes to, or nil when it was ignored or refused.
func event(_ body: String) -> Event? {
    guard case .event(let event)? = try? decode(body) else { return nil }
    return event
}

/// The reason a report is refused, or nil when it decodes.
func refusal(_ body: [UInt8]) -> String? {
    do {
        _ = try OneBotDecoder.decode(body, options: OneBotOptions())
        return nil
    } catch {
        return error.reason
    }
}

/// Bytes as text, for readable comparisons of JSON bodies.
func text(_ bytes: [UInt8]?) -> String? {
    bytes.map { String(decoding: $0, as: UTF8.self) }
}

/// 2025-11-20 08:53:20 +08:00, the time of the first fixture report.
let fixtureStart: Int64 = 1_763_600_000

/// A fixture event's time: `offset` seconds after the first report, written in +08:00.
func at(_ offset: Int64) -> Instant { Instant(seconds: fixtureStart + offset) }

/// Writes a parsed value back as JSON (whole numbers without a fraction), so
/// tests can edit a fixture report and decode the result.
func jsonText(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .number(let number):
        return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    case .string(let text):
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case _ where scalar.value < 0x20: quoted += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    case .array(let items): return "[" + items.map(jsonText).joined(separator: ",") + "]"
    case .object(let members):
        return "{" + members.sorted { $0.key < $1.key }.map { jsonText(.string($0.key)) + ":" + jsonText($0.value) }
            .joined(separator: ",") + "}"
    }
}
