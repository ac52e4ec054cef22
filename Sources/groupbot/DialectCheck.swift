import ArgumentParser
import GroupbotCore
import GroupbotRules

/// The platform dialect `check --dialect` judges the rules against: what fields its events
/// can carry. A rule that needs a field the dialect never fills can never fire there.
enum Dialect: String, CaseIterable, ExpressibleByArgument {
    /// groupbot's own webhook: an adapter may fill every field.
    case webhook
    /// OneBot v11 (QQ): no red-packet event exists, so `kind: red_packet` never occurs and
    /// no `amount` is ever known (docs/adapters.md, "Red packets and ad slots").
    case onebot
    /// The Telegram Bot API: Telegram has no red packets at all.
    case telegram

    /// The platform's name in a warning.
    private var platform: String { self == .telegram ? "Telegram" : "OneBot v11" }
    private var place: String { self == .telegram ? "on Telegram" : "on QQ" }

    /// The warnings for `book` on this dialect, one per rule or ad slot that waits in vain.
    func warnings(_ book: RuleBook) -> [String] {
        guard self != .webhook else { return [] }
        var warnings: [String] = []
        // An inherited rule is one warning, at its place, naming every type that runs it.
        var rules: [(place: String, types: [String])] = []
        for name in book.groupTypeNames {
            guard let type = book.types[name] else { continue }
            for rule in type.rules where Self.needsRedPacket(rule.conditions) {
                let place = "\(rule.location): rule '\(rule.id)'"
                if let index = rules.firstIndex(where: { $0.place == place }) { rules[index].types.append(name) } else { rules.append((place, [name])) }
            }
            for slot in type.community.adSlots where slot.minimumRedPacket != nil {
                warnings.append("type \(name): its ad slot asks for a red packet first, which \(platform) never reports: "
                                + "no ad would ever be allowed \(place) (docs/adapters.md, red packets and ad slots)")
            }
        }
        return rules.map { rule in
            "\(rule.place) (types \(rule.types.joined(separator: ", "))) needs kind red_packet, which \(platform) never reports: "
                + "it cannot fire \(place) (docs/adapters.md, red packets and ad slots)"
        } + warnings
    }

    private static func needsRedPacket(_ conditions: [Condition]) -> Bool {
        conditions.contains { condition in
            switch condition {
            case .kind(let kinds): kinds == ["red_packet"]
            default: false
            }
        }
    }
}
