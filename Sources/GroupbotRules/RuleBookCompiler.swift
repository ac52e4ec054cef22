import GroupbotCore
import PCRE2

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
            guard let (rules, zone) = resolve(name) else { continue }
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

    /// The chain of types `name` extends, or an error when it ends in an unknown type or a cycle.
    private func ancestry(of name: String) -> Result<[String], RuleError> {
        var chain = [name]
        var current = name
        while let file = files[current], let parent = file.extends {
            if let start = chain.firstIndex(of: parent) {
                let cycle = chain[start...] + [parent]
                let own = files[name]!
                // Reported once per file in the cycle; a file leading into someone else's cycle stays quiet.
                let problem = start == 0 ? "extends cycle: \(cycle.joined(separator: " → "))"
                                         : "extends '\(chain[1])', whose chain of extends loops"
                return .failure(RuleError(at: own.extendsLocation, problem,
                                          expected: "a chain of extends that ends in a file without extends"))
            }
            guard files[parent] != nil else {
                let location = file.extendsLocation
                return .failure(RuleError(at: location, "extends unknown type '\(parent)'",
                                          expected: "one of \(files.keys.sorted().joined(separator: ", "))",
                                          suggestion: Spelling.suggestion(for: parent, among: files.keys)))
            }
            chain.append(parent)
            current = parent
        }
        return .success(chain)
    }

    /// The rules of `name` with its ancestors', parents first; a child's rule replaces the parent's rule with its id in place.
    private mutating func resolve(_ name: String) -> ([RuleSpec], any TimeZoneRule)? {
        let chain: [String]
        switch ancestry(of: name) {
        case .success(let found): chain = found
        case .failure(let error):
            // Each broken link is reported by the file that holds it.
            if error.location.file == files[name]!.file, !errors.contains(error) { errors.append(error) }
            return nil
        }
        var rules: [RuleSpec] = []
        var zone: any TimeZoneRule = FixedOffsetZone.shanghai
        for typeName in chain.reversed() {
            let file = files[typeName]!
            if let own = file.timeZone { zone = own }
            for rule in file.rules {
                if let index = rules.firstIndex(where: { $0.id == rule.id }) {
                    rules[index] = rule.disabled && rule.steps.isEmpty ? disabledCopy(of: rules[index]) : rule
                } else if rule.disabled && rule.steps.isEmpty {
                    if typeName == name {
                        errors.append(RuleError(
                            at: rule.location, "rule '\(rule.id)' disables nothing: '\(file.extends ?? name)' has no rule with this id",
                            expected: "the id of an inherited rule",
                            suggestion: Spelling.suggestion(for: rule.id, among: rules.map(\.id))))
                    }
                } else {
                    rules.append(rule)
                }
            }
        }
        return (rules, zone)
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
        case .regex(let field, let pattern):
            guard field == .text else { return .regex(field: field, pattern: pattern, gate: nil) }
            let needs = RequiredLiterals(pattern: pattern.source)
            var slot: Int?
            if let literals = needs.anyOf {
                lists.append(KeywordList(words: literals, mode: .contains, caseSensitive: false))
                slot = lists.count - 1
            }
            return .regex(field: field, pattern: pattern,
                          gate: RegexGate(slot: slot, minimumDigits: needs.minimumDigits, minimumBytes: pattern.minimumLength,
                                          features: needs.featureClauses))
        case .kind(let kinds): return .kind(kinds)
        case .role(let roles): return .role(roles)
        case .time(let window): return .time(window)
        case .not(let nested): return .not(nested.map { compile($0, lists: &lists) })
        }
    }
}
