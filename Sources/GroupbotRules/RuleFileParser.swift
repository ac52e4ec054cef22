import Foundation
import GroupbotCore
import PCRE2
import Yams

/// Parses one group type file (`rules/<type>.yaml`) into a ``TypeFile``,
/// collecting every mistake with its file:line:column.
struct RuleFileParser {
    static let triggerNames: [String: EventType] = [
        "message": .message, "join": .join, "leave": .leave, "rename": .rename, "join_request": .joinRequest,
    ]

    let reader: YAMLNodeReader

    func parse(_ root: Node, typeName: String) -> TypeFile {
        var file = TypeFile(name: typeName, file: reader.file, extends: nil,
                            extendsLocation: reader.location(of: root), timeZone: nil, rules: [])
        guard let top = reader.mapping(root, allowed: Vocabulary.file, what: "a rule file") else { return file }
        if let node = top["extends"] {
            file.extends = reader.string(node, what: "extends")
            file.extendsLocation = reader.location(of: node)
        }
        if let node = top["abstract"], reader.bool(node, what: "abstract") == true {
            file.abstractLocation = reader.location(of: node)
        }
        if let node = top["timezone"], let identifier = reader.string(node, what: "timezone") {
            if let zone = SystemTimeZone(identifier: identifier) {
                file.timeZone = zone
            } else {
                reader.fail(node, "unknown timezone '\(identifier)'", expected: "an IANA name such as Asia/Shanghai",
                            suggestion: Spelling.suggestion(for: identifier, among: TimeZone.knownTimeZoneIdentifiers))
            }
        }
        file.community = CommunityParser(reader: reader).parse(top)
        if let node = top["tests"] { file.tests = RuleTestParser(reader: reader, type: typeName).parse(node) }
        guard let rulesNode = top["rules"] else {
            reader.fail(root, "the file has no 'rules' list", expected: "rules: followed by a list of rules")
            return file
        }
        guard case .sequence(let items) = rulesNode else {
            reader.fail(rulesNode, "'rules' should be a list", expected: "a list of rules, each starting with '- id:'")
            return file
        }
        var seen: [String: SourceLocation] = [:]
        for item in items {
            guard let rule = parseRule(item) else { continue }
            if let first = seen[rule.id] {
                reader.fail(item, "rule id '\(rule.id)' is already used at line \(first.line)",
                            expected: "a unique id per file")
                continue
            }
            seen[rule.id] = rule.location
            file.rules.append(rule)
        }
        if let node = top["shadow"], reader.bool(node, what: "shadow") == true {
            // The whole file on trial: its own rules only, not what it inherits.
            for index in file.rules.indices { file.rules[index].enforcement.shadow = true }
        }
        return file
    }

    // MARK: - Rules

    private func parseRule(_ node: Node) -> RuleSpec? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.rule, what: "a rule") else { return nil }
        guard let idNode = keys["id"], let id = reader.string(idNode, what: "id") else {
            if keys["id"] == nil { reader.fail(node, "a rule has no id", expected: "id: a-short-name") }
            return nil
        }
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            reader.fail(idNode, "rule id '\(id)' has characters other than letters, digits, '-' and '_'")
            return nil
        }
        var rule = RuleSpec(id: id, location: reader.location(of: node), triggers: [], schedule: nil, priority: 0,
                            conditions: [], exemptRoles: [], exemptUsers: [], cooldown: nil, stop: false,
                            disabled: false, steps: [])
        if let value = keys["disabled"] { rule.disabled = reader.bool(value, what: "disabled") ?? false }
        // A rule that only switches an inherited one off needs nothing else.
        if rule.disabled && keys["on"] == nil && keys["actions"] == nil { return rule }

        var isSchedule = false
        if let on = keys["on"] {
            for name in reader.strings(on, what: "on") ?? [] {
                if name == "schedule" {
                    isSchedule = true
                } else if let trigger = Self.triggerNames[name] {
                    rule.triggers.insert(trigger)
                } else {
                    reader.fail(on, "unknown trigger '\(name)'",
                                expected: "message, join, leave, rename, join_request or schedule",
                                suggestion: Spelling.suggestion(for: name, among: Array(Self.triggerNames.keys) + ["schedule"]))
                }
            }
            if isSchedule && !rule.triggers.isEmpty {
                reader.fail(on, "a schedule rule cannot also be triggered by events", expected: "on: schedule alone")
            }
        } else {
            reader.fail(node, "rule '\(id)' has no trigger", expected: "on: message, join, leave, rename, join_request or schedule")
        }
        if isSchedule {
            if let at = keys["at"], let minute = reader.timeOfDay(at, what: "at") {
                let days = keys["days"].flatMap { reader.weekdays($0, what: "days") } ?? []
                var schedule = Schedule(minuteOfDay: minute % 1440, days: days)
                if let node = keys["monthdays"], let values = reader.strings(node, what: "monthdays") {
                    let numbers = values.compactMap(Int.init).filter { (1...31).contains($0) }
                    if numbers.count != values.count {
                        reader.fail(node, "monthdays should be days of the month", expected: "numbers from 1 to 31, e.g. [1, 15]")
                    }
                    schedule.monthDays = Set(numbers)
                }
                if let node = keys["rotate"], let mode = reader.string(node, what: "rotate") {
                    guard ["in_order", "random"].contains(mode) else {
                        reader.fail(node, "rotate '\(mode)' is not known", expected: "in_order or random",
                                    suggestion: Spelling.suggestion(for: mode, among: ["in_order", "random"]))
                        return nil
                    }
                    schedule.rotate = mode == "in_order"
                }
                schedule.skipIfSilentSeconds = keys["skip_if_silent"].flatMap { reader.duration($0, what: "skip_if_silent") }
                schedule.onlyIfSilentSeconds = keys["only_if_silent"].flatMap { reader.duration($0, what: "only_if_silent") }
                if let node = keys["group_days"], let values = reader.strings(node, what: "group_days") {
                    let numbers = values.compactMap(Int.init).filter { $0 >= 1 }
                    if numbers.count != values.count {
                        reader.fail(node, "group_days should be days of a group's life", expected: "numbers from 1, e.g. [1, 3, 7]")
                    }
                    schedule.groupDays = Set(numbers)
                }
                rule.schedule = schedule
            } else if keys["at"] == nil {
                reader.fail(node, "schedule rule '\(id)' has no time", expected: "at: \"HH:MM\"")
            }
            for key in ["when", "except", "cooldown", "stop"] where keys[key] != nil {
                reader.fail(keys[key], "'\(key)' does not apply to schedule rules, which have no triggering member or message",
                            expected: "on: message (or another event) for a rule with '\(key)'")
            }
        } else {
            for key in ["at", "days", "monthdays", "rotate", "skip_if_silent", "only_if_silent", "group_days"] where keys[key] != nil {
                reader.fail(keys[key], "'\(key)' only applies to schedule rules", expected: "on: schedule, or no '\(key)'")
            }
        }
        if let value = keys["priority"] { rule.priority = reader.integer(value, what: "priority") ?? 0 }
        if let value = keys["stop"] { rule.stop = reader.bool(value, what: "stop") ?? false }
        if let value = keys["when"] { rule.conditions = ConditionParser(reader: reader).parse(value) }
        if let value = keys["except"] { parseExemptions(value, into: &rule) }
        if let value = keys["cooldown"] { rule.cooldown = parseCooldown(value) }
        let captures = rule.conditions.captureNames
        if let value = keys["ad_slot"] {
            rule.enforcement.honoursAdSlots = reader.bool(value, what: "ad_slot") ?? false
            rule.adSlotLocation = reader.location(of: value)
        }
        if let value = keys["ladder"] {
            rule.enforcement.ladder = reader.string(value, what: "ladder")
            rule.ladderLocation = reader.location(of: value)
        }
        if let value = keys["normalize"] { rule.enforcement.normalize = reader.bool(value, what: "normalize") ?? false }
        if let value = keys["notify_admins"] {
            rule.enforcement.notifyAdmins = reader.bool(value, what: "notify_admins") ?? true
        }
        if let value = keys["reason"] { rule.enforcement.reason = reader.string(value, what: "reason") }
        if let value = keys["shadow"] { rule.enforcement.shadow = reader.bool(value, what: "shadow") ?? false }
        // A rule that trusts the classifier starts on trial: the admins see what it would do
        // until the rule says `shadow: false`.
        if keys["shadow"] == nil, rule.conditions.readsSpamScore { rule.enforcement.shadow = true }
        if let value = keys["allowed_domains"] {
            rule.enforcement.allowedDomains = (reader.strings(value, what: "allowed_domains") ?? []).map { $0.lowercased() }
        }
        if isSchedule {
            for key in ["ad_slot", "ladder", "normalize"] where keys[key] != nil {
                reader.fail(keys[key], "'\(key)' does not apply to schedule rules", expected: "on: message")
            }
        }
        if let value = keys["actions"] {
            rule.steps = ActionParser(reader: reader, triggers: rule.triggers, isSchedule: isSchedule,
                                      captureNames: captures).parse(value)
        } else if rule.enforcement.ladder != nil || rule.enforcement.honoursAdSlots {
            // A ladder supplies the actions; an ad-slot rule without a ladder may only count.
        } else {
            reader.fail(node, "rule '\(id)' has no actions", expected: "actions: followed by a list such as - reply: \"…\"")
        }
        return rule
    }

    private func parseExemptions(_ node: Node, into rule: inout RuleSpec) {
        guard let keys = reader.mapping(node, allowed: Vocabulary.except, what: "except") else { return }
        if let roles = keys["roles"] { rule.exemptRoles = ConditionParser(reader: reader).roles(roles) }
        if let users = keys["users"] { rule.exemptUsers = Set(reader.strings(users, what: "users") ?? []) }
    }

    private func parseCooldown(_ node: Node) -> Cooldown? {
        if case .scalar = node {
            return reader.duration(node, what: "cooldown").map { Cooldown(seconds: $0) }
        }
        guard let keys = reader.mapping(node, allowed: Vocabulary.cooldown, what: "cooldown") else { return nil }
        let window: Cooldown.Window
        switch (keys["duration"], keys["window"]) {
        case (let durationNode?, nil):
            guard let seconds = reader.duration(durationNode, what: "cooldown duration") else { return nil }
            window = .rolling(seconds: seconds)
        case (nil, let windowNode?):
            guard let name = reader.string(windowNode, what: "window") else { return nil }
            guard name == "day" else {
                reader.fail(windowNode, "cooldown window '\(name)' is not known",
                            expected: "day (until the end of the calendar day), or duration: 10m for a rolling period",
                            suggestion: Spelling.suggestion(for: name, among: ["day"]))
                return nil
            }
            window = .day
        case (_?, let windowNode?):
            reader.fail(windowNode, "cooldown has both 'duration' and 'window'",
                        expected: "duration: 1d (24 hours from the firing) or window: day (until midnight), not both")
            return nil
        case (nil, nil):
            reader.fail(node, "cooldown has no duration", expected: "duration: 10m, or window: day")
            return nil
        }
        var scope = Cooldown.Scope.group
        if let perNode = keys["per"], let per = reader.string(perNode, what: "per") {
            guard let value = Cooldown.Scope(rawValue: per) else {
                let names = Cooldown.Scope.allCases.map(\.rawValue)
                reader.fail(perNode, "cooldown per '\(per)' is not known", expected: names.joined(separator: ", "),
                            suggestion: Spelling.suggestion(for: per, among: names))
                return nil
            }
            scope = value
        }
        return Cooldown(window: window, scope: scope)
    }
}

extension [ConditionSpec] {
    /// Whether a condition, at any depth of `not`, is a `spam_score`.
    var readsSpamScore: Bool {
        contains { condition in
            switch condition {
            case .spamScore: true
            case .not(let nested): nested.readsSpamScore
            default: false
            }
        }
    }

    /// Named captures of the top-level `regex` conditions (those inside `not` never match when the rule fires).
    var captureNames: Set<String> {
        var names: Set<String> = []
        for condition in self {
            if case .regex(.text, let pattern) = condition { names.formUnion(pattern.captureNames) }
        }
        return names
    }
}
