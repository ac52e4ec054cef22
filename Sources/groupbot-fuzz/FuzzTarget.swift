import GroupbotCore
import GroupbotOneBot
import GroupbotRules
import GroupbotSignatures
import GroupbotTelegram
import GroupbotWire

/// The inputs an attacker controls, each with one entry point. A target must never
/// trap, hang or read out of bounds, whatever the bytes; a wrong answer is not its
/// concern (the unit tests judge those), a crash is.
enum FuzzTarget: String, CaseIterable {
    /// A wire-format event line (`run`, `replay`, one item of `POST /v1/events`).
    case wire
    /// A `POST /v1/events` body: one event or an array of them.
    case batch
    /// A OneBot v11 report (`POST /onebot/v11`).
    case onebot
    /// A OneBot message given as a string of CQ codes.
    case cqcode
    /// A rule file.
    case rules
    /// Standard Webhooks headers and body, and OneBot's and the bearer token's checks.
    case webhook
    /// A Telegram update (`POST /telegram/webhook`, one of `getUpdates`' results), and the
    /// renames and Bot API calls that follow from it.
    case telegram

    /// Runs one input through the target.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .wire:
            _ = bytes.withUnsafeBufferPointer { try? EventDecoder.decode(line: $0) }
        case .batch:
            _ = bytes.withUnsafeBufferPointer { try? EventDecoder.decodeBatch(body: $0) }
        case .onebot:
            _ = try? OneBotDecoder.decode(bytes, options: OneBotOptions())
        case .cqcode:
            let text = String(decoding: bytes, as: UTF8.self)
            let report = #"{"post_type":"message","message_type":"group","sub_type":"normal","message_id":1,"group_id":7770001,"user_id":2001,"time":1764000000,"raw_message":"x","font":0,"sender":{"user_id":2001},"message":"#
                + Self.jsonString(text) + "}"
            _ = try? OneBotDecoder.decode(Array(report.utf8), options: OneBotOptions())
        case .rules:
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? RuleBookLoader.loadWithTests(files: [("rules/general.yaml", text)])
        case .webhook:
            Self.webhook(bytes)
        case .telegram:
            guard case .events(let events)? = try? TelegramDecoder.decode(bytes, options: TelegramOptions()) else { return }
            var renames = TelegramRenames(capacity: 4)
            for event in events + events {
                for step in renames.events(for: event) {
                    let action = Action(id: step.id, group: step.group, body: .send(text: step.text, replyTo: step.replyTo, mention: step.user),
                                        rule: "fuzz", cause: step.id, due: step.time, utcOffsetSeconds: 0)
                    _ = TelegramEncoder.calls(for: [action], options: TelegramOptions(adminChat: step.group), names: { _, _ in step.nick })
                }
            }
        }
    }

    /// Splits the input into the three headers and the body at the first three newlines.
    private static func webhook(_ bytes: [UInt8]) {
        let parts = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 3, omittingEmptySubsequences: false)
        func field(_ index: Int) -> String? {
            index < parts.count ? String(decoding: parts[index], as: UTF8.self) : nil
        }
        let body = parts.count > 3 ? Array(parts[3]) : []
        let verifier = WebhookVerifier(secrets: ["whsec_c2VjcmV0LWJ5dGVz", field(0) ?? ""])
        for now in [Int64.min, 0, 1_764_000_000, Int64.max] {
            try? verifier.verify(id: field(0), timestamp: field(1), signatures: field(2), body: body, now: now)
        }
        try? OneBotSignature(secret: "onebot").verify(header: field(2), body: body)
        try? BearerToken("t0k3n").verify(authorization: field(2))
        _ = WebhookSigner.keyBytes(field(0) ?? "")
    }

    private static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
