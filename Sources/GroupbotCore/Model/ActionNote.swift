/// Bookkeeping an action carries for the audit log and the daily figures, never sent to a
/// platform: typed, so the engine and the store share a value, not a string protocol.
///
/// The state file and snapshots keep it in its old text form (``stored``), so outboxes and
/// snapshots written before keep loading.
package enum ActionNote: Sendable, Equatable, Codable {
    /// The first action of a firing that gave the member a strike on a ladder.
    case strike
    /// An admin's pardon: the strikes it cleared, per rule that gave them (false positives).
    case pardoned([String: Int])

    /// The text form: `strike`, or `pardoned:` followed by `rule=count` pairs in rule order.
    package var stored: String {
        switch self {
        case .strike: "strike"
        case .pardoned(let counts): "pardoned:" + counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// The note stored as `text`; nil for a text no version wrote.
    package init?(stored text: String) {
        if text == "strike" {
            self = .strike
        } else if text.hasPrefix("pardoned:") {
            var counts: [String: Int] = [:]
            for item in text.dropFirst("pardoned:".count).split(separator: ",") {
                let parts = item.split(separator: "=")
                guard parts.count == 2, let count = Int(parts[1]) else { return nil }
                counts[String(parts[0]), default: 0] += count
            }
            self = .pardoned(counts)
        } else {
            return nil
        }
    }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let note = ActionNote(stored: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown action note '\(text)'"))
        }
        self = note
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(stored)
    }
}
