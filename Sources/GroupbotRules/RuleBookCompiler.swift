import GroupbotCore

/// Turns parsed type files into compiled ``GroupType``s: resolves `extends`
/// (detecting cycles), applies overrides and `disabled`, and gives every
/// keyword list a slot in its type's ``KeywordIndex``.
struct RuleBookCompiler {
    private let files: [String: TypeFile]
    private(set) var errors: [RuleError] = []

    init(files: [TypeFile]) {
        self.files = Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func compile() -> [String: GroupType] {
        var types: [String: GroupType] = [:]
        for name in files.keys.sorted() {
            guard let (rules, zone) = resolve(name, chain: []) else { continue }
            var lists: [KeywordList] = []
            let compiled = rules.filter { !$0.disabled }.map { spec in
                Rule(id: spec.id, triggers: spec.triggers, schedule: spec.schedule, priority: spec.priority,
                     conditions: spec.conditions.map { Self.compile($0, lists: &lists) },
                     exemptRoles: spec.exemptRoles, exemptUsers: spec.exemptUsers, cooldown: spec.cooldown,
                     stop: spec.stop, steps: spec.steps, location: spec.location)
            }
            types[name] = GroupType(name: name, timeZone: zone, rules: compiled, keywords: KeywordIndex(lists: lists))
        }
        return types
    }

    /// The rules of `name` with its ancestors', parents first; a child's rule replaces the parent's rule with its id in place.
    private mutating func resolve(_ name: String, chain: [String]) -> ([RuleSpec], any TimeZoneRule)? {
        guard let file = files[name] else { return nil }
        guard let parentName = file.extends else {
            return (file.rules, file.timeZone ?? FixedOffsetZone.shanghai)
        }
        if chain.contains(parentName) || parentName == name {
            if chain.isEmpty {
                errors.append(RuleError(at: file.extendsLocation,
                                        "extends cycle: \(([name] + chain + [parentName]).joined(separator: " → "))",
                                        expected: "a chain of extends that ends in a file without extends"))
            }
            return nil
        }
        guard files[parentName] != nil else {
            if chain.isEmpty {
                errors.append(RuleError(at: file.extendsLocation, "extends unknown type '\(parentName)'",
                                        expected: "one of \(files.keys.sorted().joined(separator: ", "))",
                                        suggestion: Spelling.suggestion(for: parentName, among: files.keys)))
            }
            return nil
        }
        guard let (inherited, parentZone) = resolve(parentName, chain: chain + [name]) else {
            if chain.isEmpty, !errors.contains(where: { $0.problem.hasPrefix("extends cycle") }) {
                errors.append(RuleError(at: file.extendsLocation, "extends cycle through '\(parentName)'",
                                        expected: "a chain of extends that ends in a file without extends"))
            }
            return nil
        }
        var rules = inherited
        for rule in file.rules {
            if let index = rules.firstIndex(where: { $0.id == rule.id }) {
                rules[index] = rule.disabled && rule.steps.isEmpty ? disabledCopy(of: rules[index]) : rule
            } else if rule.disabled && rule.steps.isEmpty {
                errors.append(RuleError(at: rule.location, "rule '\(rule.id)' disables nothing: '\(parentName)' has no rule with this id",
                                        expected: "the id of an inherited rule",
                                        suggestion: Spelling.suggestion(for: rule.id, among: inherited.map(\.id))))
            } else {
                rules.append(rule)
            }
        }
        return (rules, file.timeZone ?? parentZone)
    }

    private func disabledCopy(of rule: RuleSpec) -> RuleSpec {
        var copy = rule
        copy.disabled = true
        return copy
    }

    private static func compile(_ spec: ConditionSpec, lists: inout [KeywordList]) -> Condition {
        switch spec {
        case .keywords(let list, let kind):
            lists.append(list)
            let slot = lists.count - 1
            switch kind {
            case .any: return .keywords(slot: slot, requirement: .any)
            case .none: return .keywords(slot: slot, requirement: .none)
            case .all: return .keywords(slot: slot, requirement: .all(count: list.distinctWordCount))
            }
        case .regex(let field, let pattern): return .regex(field: field, pattern: pattern)
        case .kind(let kinds): return .kind(kinds)
        case .role(let roles): return .role(roles)
        case .time(let window): return .time(window)
        case .not(let nested): return .not(nested.map { compile($0, lists: &lists) })
        }
    }
}
