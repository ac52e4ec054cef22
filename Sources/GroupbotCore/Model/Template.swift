/// A value a reply template can insert.
package enum TemplateField: String, Sendable, CaseIterable {
    case nick, user, group
    case groupName = "group_name"
    case text, inviter
    /// The inviter's nickname when groupbot has seen it, else their id.
    case inviterNick = "inviter_nick"
    case oldNick = "old_nick"
    case amount
    /// Welcome scripts: everyone welcomed together, and the member count.
    case names, count
    /// Nickname templates: the template as members read it, and an example.
    case template, example
    /// Ad slots and ladders: when the next slot opens, the member's strikes, the rule and its reason.
    case nextSlot = "next_slot"
    case strikes, rule, reason
    /// Why an ad did not pass its ad slot (outside it, no or too small a red packet, quota used).
    case slotReason = "slot_reason"

    /// Fields whose value comes from the flow that renders the template, not from the event.
    package var isContextual: Bool {
        switch self {
        case .names, .count, .template, .example, .nextSlot, .strikes, .rule, .reason, .slotReason: true
        default: false
        }
    }
}

/// A reply text with placeholders: `欢迎 {nick} 加入 {group_name}`.
///
/// Placeholders name a ``TemplateField`` or a named capture of the rule's regex;
/// `{{` and `}}` stand for literal braces.
package struct Template: Sendable, Equatable {
    /// A piece of a template.
    package enum Segment: Sendable, Equatable {
        case literal(String)
        case field(TemplateField)
        case capture(String)
    }

    /// A template that does not parse: where, and why.
    package struct ParseError: Error, Equatable, Sendable {
        /// Character offset in the template text.
        package let characterOffset: Int
        package let reason: String
    }

    package let segments: [Segment]
    /// The template as written.
    package let source: String
    /// Whether it uses a field that the rendering flow supplies ({names}, {next_slot}…).
    package let usesContext: Bool
    /// Whether it uses {group_name}.
    package let usesGroupName: Bool
    /// Whether it uses {inviter_nick}.
    package let usesInviterNick: Bool

    /// Parses `source`; names not in `TemplateField` are taken as capture names
    /// (the rule compiler checks that the regex defines them).
    package init(_ source: String) throws(ParseError) {
        self.source = source
        var segments: [Segment] = []
        var literal = ""
        let characters = Array(source)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "{", index + 1 < characters.count, characters[index + 1] == "{" {
                literal.append("{"); index += 2; continue
            }
            if character == "}", index + 1 < characters.count, characters[index + 1] == "}" {
                literal.append("}"); index += 2; continue
            }
            if character == "}" {
                throw ParseError(characterOffset: index, reason: "a lone '}' (write '}}' for a literal brace)")
            }
            guard character == "{" else { literal.append(character); index += 1; continue }
            guard let close = characters[(index + 1)...].firstIndex(of: "}") else {
                throw ParseError(characterOffset: index, reason: "'{' is never closed (write '{{' for a literal brace)")
            }
            let name = String(characters[(index + 1)..<close])
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ParseError(characterOffset: index, reason: "'{\(name)}' is not a placeholder name")
            }
            if !literal.isEmpty { segments.append(.literal(literal)); literal = "" }
            segments.append(TemplateField(rawValue: name).map(Segment.field) ?? .capture(name))
            index = close + 1
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
        usesContext = segments.contains { if case .field(let field) = $0 { field.isContextual } else { false } }
        usesGroupName = segments.contains { $0 == .field(.groupName) }
        usesInviterNick = segments.contains { $0 == .field(.inviterNick) }
    }

    /// A template built from its pieces, for texts the engine writes itself: member text
    /// goes in as a literal and is never read as placeholders.
    package init(segments: [Segment]) {
        self.segments = segments
        source = segments.map { segment in
            switch segment {
            case .literal(let text): text.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
            case .field(let field): "{" + field.rawValue + "}"
            case .capture(let name): "{" + name + "}"
            }
        }.joined()
        usesContext = segments.contains { if case .field(let field) = $0 { field.isContextual } else { false } }
        usesGroupName = segments.contains { $0 == .field(.groupName) }
        usesInviterNick = segments.contains { $0 == .field(.inviterNick) }
    }

    /// The capture names the template uses.
    package var captureNames: [String] {
        segments.compactMap { if case .capture(let name) = $0 { name } else { nil } }
    }

    /// Fills the placeholders from `event`, the regex `captures` and the values the
    /// rendering flow supplies (`context`, keyed by field name; absent ones render empty).
    package func render(event: Event, captures: [String: Substring], context: [String: String] = [:]) -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .literal(let text): output += text
            case .capture(let name): output += captures[name] ?? ""
            case .field(.inviterNick): output += context[TemplateField.inviterNick.rawValue] ?? event.inviter ?? ""
            case .field(let field) where field.isContextual: output += context[field.rawValue] ?? ""
            case .field(let field): output += Self.value(of: field, in: event)
            }
        }
        return output
    }

    /// An amount as members read it: whole amounts without a decimal point.
    static func amountText(_ amount: Double) -> String {
        amount == amount.rounded() && abs(amount) < 1e15 ? String(Int64(amount)) : String(amount)
    }

    static func value(of field: TemplateField, in event: Event) -> String {
        switch field {
        case .nick: return event.nick ?? event.user
        case .user: return event.user
        case .group: return event.group
        case .groupName: return event.groupName ?? event.group
        case .text: return event.text
        case .inviter, .inviterNick: return event.inviter ?? ""
        case .oldNick: return event.oldNick ?? ""
        case .amount:
            return event.amount.map(amountText) ?? ""
        case .names, .count, .template, .example, .nextSlot, .strikes, .rule, .reason, .slotReason:
            return ""
        }
    }
}
