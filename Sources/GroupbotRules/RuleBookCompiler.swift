import GroupbotCore
import PCRE2
import RegexPrefilter

/// Turns parsed type files into compiled ``GroupType``s: resolves `extends`
/// (detecting cycles), applies overrides and `disabled`, and gives every
/// keyword list a slot in its type's ``KeywordIndex``.
struct RuleBookCompiler {
    private let files: [String: TypeFile]
    private(set) var errors: [RuleError] = []
    private(set) var warnings: [RuleError] = []

    init(files: [TypeFile]) {
        self.files = Dictionary(files.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func compile() -> [String: GroupType] {
        var types: [String: GroupType] = [:]
        for name in files.keys.sorted() {
            guard let (rules, zone) = resolve(name) else { continue }
            let community = communitySettings(of: name)
            var lists = SlotLists()
            let compiled = rules.filter { !$0.disabled }.map { spec in
                check(spec, in: name, community: community)
                return Rule(id: spec.id, triggers: spec.triggers, schedule: spec.schedule, priority: spec.priority,
                            conditions: spec.conditions.map {
                                Self.compile($0, lists: &lists, normalized: spec.enforcement.normalize ? community.normalizer : nil)
                            },
                            exemptRoles: spec.exemptRoles, exemptUsers: spec.exemptUsers, cooldown: spec.cooldown,
                            stop: spec.stop, steps: spec.steps, location: spec.location, enforcement: spec.enforcement)
            }
            lintStops(compiled, in: name)
            lintQuietSchedules(compiled, in: name, quiet: community.quietHours)
            lintPlaceholders(compiled, in: name, community: community)
            types[name] = GroupType(name: name, timeZone: zone, rules: compiled, keywords: KeywordIndex(lists: lists.raw),
                                    normalizedKeywords: KeywordIndex(lists: lists.normalized), community: community)
        }
        reportMissingReferences()
        return types
    }

    /// Warns about schedules that fall inside the type's quiet hours on every day they run:
    /// they never post.
    private mutating func lintQuietSchedules(_ rules: [Rule], in type: String, quiet: TimeWindow?) {
        guard let quiet else { return }
        for rule in rules {
            guard let schedule = rule.schedule else { continue }
            // Day 0 (1970-01-01) is a Thursday: days 0…6 are each weekday once.
            let runs = (0..<7).map { LocalTime(Instant(seconds: Int64($0 * 86_400 + schedule.minuteOfDay * 60)), utcOffsetSeconds: 0) }
                .filter { schedule.days.isEmpty || schedule.days.contains($0.weekday) }
            guard !runs.isEmpty, runs.allSatisfy(quiet.contains) else { continue }
            let warning = RuleError(
                at: rule.location,
                "schedule '\(rule.id)' at \(TimeWindow.clockText(schedule.minuteOfDay)) falls inside the quiet hours \(TimeWindow.clockText(quiet.fromMinute))–\(TimeWindow.clockText(quiet.toMinute)) of type '\(type)' on every day it runs, so it never posts",
                expected: "a time outside the quiet hours, or quiet_hours that leave it out")
            if !warnings.contains(warning) { warnings.append(warning) }
        }
    }

    /// Warns about rules that can never run because an earlier rule with `stop`
    /// and no conditions takes every event of their triggers first.
    private mutating func lintStops(_ rules: [Rule], in type: String) {
        let ordered = rules.enumerated()
            .sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }
            .map(\.element)
        for (index, rule) in ordered.enumerated() where !rule.triggers.isEmpty {
            let blocker = ordered[..<index].first { earlier in
                earlier.stop && earlier.conditions.isEmpty && earlier.exemptRoles.isEmpty && earlier.exemptUsers.isEmpty
                    && earlier.cooldown == nil && !earlier.enforcement.honoursAdSlots && rule.triggers.isSubset(of: earlier.triggers)
            }
            guard let blocker else { continue }
            let warning = RuleError(at: rule.location, "rule '\(rule.id)' never runs in type '\(type)': '\(blocker.id)' comes first, has no conditions and stops every such event",
                                    expected: "conditions on '\(blocker.id)', or a higher priority for '\(rule.id)'")
            if !warnings.contains(where: { $0.location == warning.location && $0.problem.hasPrefix("rule '\(rule.id)' never runs") }) {
                warnings.append(warning)
            }
        }
    }

    /// Warns about flow placeholders in a rule's texts that nothing fills there: they would
    /// always print as nothing (`{names}` outside a welcome, `{strikes}` without a ladder…).
    private mutating func lintPlaceholders(_ rules: [Rule], in type: String, community: CommunitySettings) {
        for rule in rules {
            var filled: Set<TemplateField> = []
            if rule.schedule == nil {
                filled = [.rule, .reason]
                if !community.adSlots.isEmpty { filled.insert(.nextSlot) }
                if rule.enforcement.honoursAdSlots { filled.insert(.slotReason) }
                if rule.enforcement.ladder != nil { filled.insert(.strikes) }
            }
            var empty: [TemplateField] = []
            for segment in rule.steps.flatMap(\.texts).flatMap(\.segments) {
                if case .field(let field) = segment, field.isContextual, !filled.contains(field), !empty.contains(field) {
                    empty.append(field)
                }
            }
            for field in empty {
                let problem = "'{\(field.rawValue)}' in rule '\(rule.id)' is always empty in type '\(type)'"
                guard !warnings.contains(where: { $0.location == rule.location && $0.problem.hasPrefix("'{\(field.rawValue)}' in rule") })
                else { continue }
                warnings.append(RuleError(at: rule.location, problem, expected: Self.whereFilled(field, scheduled: rule.schedule != nil)))
            }
        }
    }

    private static func whereFilled(_ field: TemplateField, scheduled: Bool) -> String {
        if scheduled { return "no flow placeholder in a scheduled post, which has no member or rule behind it" }
        return switch field {
        case .names, .count: "{\(field.rawValue)} only in welcome steps (community.welcome)"
        case .template, .example: "{\(field.rawValue)} only in nickname reminders and thanks (community.nickname)"
        case .strikes: "{strikes} only in a rule with a ladder"
        case .nextSlot: "{next_slot} only in a type with ad slots (community.ad_slots)"
        case .slotReason: "{slot_reason} only in a rule with ad_slot: true"
        default: "{\(field.rawValue)} only where the rule fires on an event"
        }
    }

    /// Keyword lists of a type: over the raw text, and over the normalised text.
    struct SlotLists {
        var raw: [KeywordList] = []
        var normalized: [KeywordList] = []

        mutating func add(_ list: KeywordList, normalized isNormalized: Bool) -> Int {
            if isNormalized {
                normalized.append(list)
                return normalized.count - 1
            }
            raw.append(list)
            return raw.count - 1
        }
    }

    /// The community sections of a type: its own, else the nearest ancestor's; ladders merge by name.
    private func communitySettings(of name: String) -> CommunitySettings {
        guard case .success(let chain) = ancestry(of: name) else { return CommunitySettings() }
        var settings = CommunitySettings()
        var normalizer: EvasionNormalizer?
        var language = BuiltInTexts.Language.zhCN
        var texts: [BuiltInTexts.Key: String] = [:]
        for typeName in chain.reversed() {
            let spec = files[typeName]!.community
            if let welcome = spec.welcome { settings.welcome = welcome }
            if let nickname = spec.nickname { settings.nickname = nickname }
            if let slots = spec.adSlots { settings.adSlots = slots }
            settings.ladders.merge(spec.ladders) { _, child in child }
            if let own = spec.normalizer { normalizer = own }
            if let commands = spec.adminCommands { settings.adminCommands = commands }
            if let quiet = spec.quietHours { settings.quietHours = quiet }
            if let alert = spec.quietAlert { settings.quietAlert = alert }
            if let raid = spec.raid { settings.raid = raid }
            if let list = spec.banList { settings.banList = list }
            // A child that names a language starts from that set: its ancestors' texts were in another.
            if let own = spec.textLanguage, own != language { language = own; texts = [:] }
            texts.merge(spec.texts) { _, child in child }
        }
        settings.texts = BuiltInTexts(language: language, overrides: texts)
        settings.normalizer = normalizer ?? EvasionNormalizer(words: [:], strip: EvasionNormalizer.defaultStrip)
        return settings
    }

    /// Notes what a rule refers to in a type that includes it. A rule written in a
    /// shared base may rely on sections its children define: it is an error only
    /// when no type that includes it has them.
    private mutating func check(_ rule: RuleSpec, in type: String, community: CommunitySettings) {
        let key = "\(rule.location)"
        if let ladder = rule.enforcement.ladder, let location = rule.ladderLocation {
            var reference = references[key] ?? Reference(rule: rule.id, what: "ladder '\(ladder)'", location: location)
            reference.found = reference.found || community.ladders[ladder] != nil
            reference.candidates.formUnion(community.ladders.keys)
            reference.name = ladder
            references[key] = reference
        }
        if rule.enforcement.honoursAdSlots, let location = rule.adSlotLocation {
            let slotKey = key + "#slots"
            var reference = references[slotKey] ?? Reference(rule: rule.id, what: "ad slots", location: location)
            reference.found = reference.found || !community.adSlots.isEmpty
            references[slotKey] = reference
        }
        for case .inAdSlot(_, let location) in rule.conditions {
            let slotKey = key + "#in_ad_slot"
            var reference = references[slotKey] ?? Reference(rule: rule.id, what: "in_ad_slot", location: location)
            reference.found = reference.found || !community.adSlots.isEmpty
            references[slotKey] = reference
        }
        for case .memberships(_, let types, let location) in rule.conditions {
            // Groups are of concrete types only: an abstract one counts no memberships.
            let groupTypes = files.values.filter { $0.abstractLocation == nil }.map(\.name).sorted()
            for unknown in types.sorted() where !groupTypes.contains(unknown) {
                let error = RuleError(at: location, files[unknown] == nil ? "no group type '\(unknown)'"
                                                                          : "'\(unknown)' is abstract: no group can be of it",
                                      expected: "one of \(groupTypes.joined(separator: ", "))",
                                      suggestion: Spelling.suggestion(for: unknown, among: groupTypes))
                if !errors.contains(error) { errors.append(error) }
            }
        }
    }

    /// A section a rule refers to, and whether any type including the rule has it.
    private struct Reference {
        var rule: String
        var what: String
        var location: SourceLocation
        var found = false
        var name = ""
        var candidates: Set<String> = []
    }

    private var references: [String: Reference] = [:]

    /// Errors for references no type satisfied.
    private mutating func reportMissingReferences() {
        for reference in references.values.sorted(by: { "\($0.location)" < "\($1.location)" }) where !reference.found {
            if reference.what == "ad slots" || reference.what == "in_ad_slot" {
                let uses = reference.what == "ad slots" ? "honours ad slots" : "asks in_ad_slot"
                errors.append(RuleError(at: reference.location, "rule '\(reference.rule)' \(uses), but no type that includes it has any",
                                        expected: "an ad_slots: section in the type file or one it extends"))
            } else {
                errors.append(RuleError(
                    at: reference.location, "rule '\(reference.rule)' uses \(reference.what), which no type that includes it defines",
                    expected: reference.candidates.isEmpty ? "a ladders: section in the type file or one it extends"
                        : "one of \(reference.candidates.sorted().joined(separator: ", "))",
                    suggestion: Spelling.suggestion(for: reference.name, among: reference.candidates)))
            }
        }
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

    /// Compiles a condition; with a normaliser, its keywords and regexes look at normalised
    /// text, and its keywords are normalised the same way (so 砍一刀 still matches 砍1刀).
    private static func compile(_ spec: ConditionSpec, lists: inout SlotLists, normalized normalizer: (any TextNormalizing)?) -> Condition {
        let normalized = normalizer != nil
        switch spec {
        case .keywords(var list, let kind):
            if let normalizer { list.words = list.words.map(normalizer.normalize) }
            let slot = lists.add(list, normalized: normalized)
            let requirement: KeywordRequirement
            switch kind {
            case .any: requirement = .any
            case .none: requirement = .none
            case .all: requirement = .all(count: list.distinctWordCount)
            }
            return normalized ? .normalizedKeywords(slot: slot, requirement: requirement)
                              : .keywords(slot: slot, requirement: requirement)
        case .regex(let field, let pattern):
            if normalized, field == .text { return .regex(RegexCondition(field: .normalizedText, pattern: pattern)) }
            guard field == .text else { return .regex(RegexCondition(field: field, pattern: pattern)) }
            let needs = RequiredLiterals(pattern: pattern.source)
            var slot: Int?
            if let literals = needs.anyOf {
                slot = lists.add(KeywordList(words: literals, mode: .contains, caseSensitive: false), normalized: false)
            }
            let gate = RegexGate(slot: slot, minimumDigits: needs.minimumDigits, minimumBytes: pattern.minimumLength,
                                 features: needs.featureClauses, minimumSpaces: needs.minimumSpaces)
            return .regex(RegexCondition(field: field, pattern: pattern, gate: gate))
        case .kind(let kinds): return .kind(kinds)
        case .role(let roles): return .role(roles)
        case .time(let window): return .time(window)
        case .not(let nested): return .not(nested.map { compile($0, lists: &lists, normalized: normalizer) })
        case .repeated(let count, let within, let across, let groups):
            return .repeated(count: count, withinSeconds: within, acrossGroups: across, inGroups: groups)
        case .memberships(let limit, let types, _): return .memberships(moreThan: limit, types: types)
        case .invites(let reach, let scope): return .invites(reach: reach, scope: scope)
        case .inAdSlot(let inside, _): return .inAdSlot(inside)
        case .firstMessages(let count): return .firstMessages(count)
        case .joinedWithin(let seconds): return .joinedWithin(seconds)
        case .invited(let wanted): return .invited(wanted)
        case .mixedScript(let wanted): return .mixedScript(wanted)
        case .nearDuplicates(let members, let within, let similarity):
            return .nearDuplicates(members: members, withinSeconds: within, similarity: similarity)
        case .spamScore(let threshold): return .spamScore(atLeast: threshold)
        case .inRaid(let wanted): return .inRaid(wanted)
        }
    }
}
