import GroupbotCore
import Yams

/// Parses a rule's `actions:` list into ``ActionStep``s, checking that each
/// action makes sense for the rule's triggers and that templates use known names.
struct ActionParser {
    /// The action names of the DSL; `reply` is a `send` that replies to the message.
    static let names = ["approve", "delete", "dm", "kick", "mute", "notify", "reject", "reply", "send", "unmute"]

    let reader: YAMLNodeReader
    let triggers: Set<EventType>
    let isSchedule: Bool
    let captureNames: Set<String>
    /// The action names this list may use.
    var allowed: [String] = ActionParser.names
    /// What the list belongs to, for messages ("a welcome step").
    var context = "an action"
    /// The flow placeholders the list's flow fills ({names} in a welcome…): any other one is
    /// warned about. Nil for rules, whose placeholders the compiler checks per group type.
    var flowFields: Set<TemplateField>?

    func parse(_ node: Node) -> [ActionStep] {
        guard case .sequence(let items) = node else {
            reader.fail(node, "'actions' should be a list", expected: "a list such as - reply: \"…\"")
            return []
        }
        if items.isEmpty { reader.fail(node, "'actions' is empty", expected: "at least one action") }
        return items.compactMap(parseAction)
    }

    private func parseAction(_ node: Node) -> ActionStep? {
        var name: String
        var value: Node?
        var options: [String: Node] = [:]
        switch node {
        case .scalar(let scalar):
            name = scalar.string
        case .mapping(let mapping):
            let names = mapping.keys.compactMap { $0.scalar?.string }.filter { Self.names.contains($0) }
            guard names.count == 1 else {
                let found = mapping.keys.compactMap { $0.scalar?.string }
                let guess = names.isEmpty ? found.lazy.compactMap { Spelling.suggestion(for: $0, among: Self.names) }.first : nil
                reader.fail(node, names.isEmpty ? "no action name among '\(found.joined(separator: "', '"))'"
                                                : "more than one action in one item: \(names.joined(separator: ", "))",
                            expected: "one of \(Self.names.joined(separator: ", ")) per list item", suggestion: guess)
                return nil
            }
            name = names[0]
            guard let keys = reader.mapping(node, allowed: Vocabulary.actionOptions + [name], what: "an action") else { return nil }
            value = keys[name]
            options = keys.filter { $0.key != name }
        default:
            reader.fail(node, "an action should be a name or a mapping", expected: "e.g. - delete, or - reply: \"…\"")
            return nil
        }
        guard Self.names.contains(name) else {
            reader.fail(node, "unknown action '\(name)'", expected: "one of \(Self.names.joined(separator: ", "))",
                        suggestion: Spelling.suggestion(for: name, among: Self.names))
            return nil
        }
        guard allowed.contains(name) else {
            reader.fail(node, "'\(name)' is not available in \(context)", expected: "one of \(allowed.joined(separator: ", "))")
            return nil
        }
        guard fits(name, node: node) else { return nil }
        var step = ActionStep(kind: name == "reply" ? .send : ActionKind(rawValue: name)!, replyToEvent: name == "reply")
        switch name {
        case "send", "reply", "dm", "notify":
            guard let value else {
                reader.fail(node, "'\(name)' needs a text", expected: "\(name): \"…\" or a list of texts")
                return nil
            }
            step.texts = templates(value, what: name)
            if step.texts.isEmpty { return nil }
        case "reject":
            if let value, !value.isNull { step.texts = templates(value, what: name) }
        case "mute":
            guard let value, let seconds = reader.duration(value, what: "mute") else {
                if value == nil { reader.fail(node, "'mute' needs a duration", expected: "mute: 10m") }
                return nil
            }
            step.seconds = seconds
        default:
            if let value, !value.isNull, value.scalar.map({ ["true", "yes", "on"].contains($0.string.lowercased()) }) != true {
                reader.fail(value, "'\(name)' takes no value", expected: "- \(name)")
            }
        }
        if let after = options["after"] { step.delaySeconds = reader.duration(after, what: "after") ?? 0 }
        if let mention = options["mention"] {
            guard name == "send" else {
                reader.fail(mention, "'mention' only applies to send", expected: "send: … with mention: true")
                return nil
            }
            step.mention = reader.bool(mention, what: "mention") ?? false
        }
        return step
    }

    /// Whether the action makes sense for the rule's triggers.
    private func fits(_ name: String, node: Node) -> Bool {
        var problem: String?
        if isSchedule, !["send", "notify"].contains(name) {
            problem = "a schedule rule can only send or notify"
        } else if name == "delete", triggers.contains(where: { $0 != .message }) {
            problem = "'\(name)' needs a message to act on, but the rule is triggered by other events"
        } else if ["approve", "reject"].contains(name), triggers != [.joinRequest] {
            problem = "'\(name)' answers a join request, so the rule must be on: join_request"
        }
        if let problem { reader.fail(node, problem) }
        return problem == nil
    }

    /// The texts of `node` (one or a list) as templates, checked as a step's texts are.
    func templates(_ node: Node, what: String) -> [Template] {
        guard let texts = reader.strings(node, what: what) else { return [] }
        var result: [Template] = []
        for text in texts {
            do {
                let template = try Template(text)
                if let unknown = template.captureNames.first(where: { !captureNames.contains($0) }) {
                    let known = TemplateField.allCases.map(\.rawValue) + captureNames.sorted()
                    reader.fail(node, "the template uses {\(unknown)}, which is neither a field nor a named capture of the rule's regex",
                                expected: "one of \(known.map { "{\($0)}" }.joined(separator: ", "))",
                                suggestion: Spelling.suggestion(for: unknown, among: known))
                    continue
                }
                warnAboutEmptyFlowFields(in: template, node: node)
                result.append(template)
            } catch {
                var location = reader.location(of: node)
                if case .scalar = node { location.column += error.characterOffset }
                reader.record(RuleError(at: location, "bad template: \(error.reason)"))
            }
        }
        return result
    }

    /// Warns when a text uses a flow placeholder that this list's flow never fills.
    private func warnAboutEmptyFlowFields(in template: Template, node: Node) {
        guard let flowFields else { return }
        var warned: Set<TemplateField> = []
        for case .field(let field) in template.segments
        where field.isContextual && !flowFields.contains(field) && warned.insert(field).inserted {
            let filled = TemplateField.allCases.filter(flowFields.contains).map { "{\($0.rawValue)}" }
            reader.warn(node, "'{\(field.rawValue)}' is always empty in \(context)",
                        expected: "the flow placeholders of \(context): \(filled.joined(separator: ", "))")
        }
    }
}

extension Node {
    var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"
    }
}
