import GroupbotCore
import PCRE2
import Yams

/// Parses a rule's `when:` block (and `not:` blocks inside it).
struct ConditionParser {

    let reader: YAMLNodeReader

    func parse(_ node: Node) -> [ConditionSpec] {
        guard let keys = reader.mapping(node, allowed: Vocabulary.when, what: "when") else { return [] }
        var conditions: [ConditionSpec] = []
        if let value = keys["keywords"] { conditions += keywords(value) }
        if let value = keys["regex"], let pattern = regex(value, what: "regex") {
            conditions.append(.regex(.text, pattern))
        }
        if let value = keys["nick_regex"], let pattern = regex(value, what: "nick_regex") {
            conditions.append(.regex(.nick, pattern))
        }
        if let value = keys["kind"], let kinds = reader.strings(value, what: "kind") {
            // Any name may be used, but a name no transport sends is usually a slip.
            for kind in kinds where !Self.usualKinds.contains(kind) {
                reader.warn(value, "kind '\(kind)' is not one the transports send",
                            expected: Self.usualKinds.joined(separator: ", ") + ", or a kind your own bridge sends",
                            suggestion: Spelling.suggestion(for: kind, among: Self.usualKinds))
            }
            conditions.append(.kind(Set(kinds)))
        }
        if let value = keys["role"] { conditions.append(.role(roles(value))) }
        if let value = keys["time"], let window = timeWindow(value) { conditions.append(.time(window)) }
        if let value = keys["repeated"], let repeated = repeated(value) { conditions.append(repeated) }
        if let value = keys["groups"], let limit = memberships(value) { conditions.append(limit) }
        if let value = keys["invites"], let invites = invites(value) { conditions.append(invites) }
        if let value = keys["in_ad_slot"], let inside = reader.bool(value, what: "in_ad_slot") {
            conditions.append(.inAdSlot(inside, location: reader.location(of: value)))
        }
        // Newcomers: only members whose join groupbot saw.
        if let value = keys["first_messages"], let count = reader.integer(value, what: "first_messages") {
            if count < 1 {
                reader.fail(value, "first_messages \(count) can never hold", expected: "a number of messages, 1 or more")
            } else {
                conditions.append(.firstMessages(count))
            }
        }
        if let value = keys["joined_within"], let seconds = reader.duration(value, what: "joined_within") {
            conditions.append(.joinedWithin(seconds))
        }
        if let value = keys["invited"], let invited = reader.bool(value, what: "invited") { conditions.append(.invited(invited)) }
        if let value = keys["mixed_script"], let mixed = reader.bool(value, what: "mixed_script") {
            conditions.append(.mixedScript(mixed))
        }
        if let value = keys["near_duplicates"], let near = nearDuplicates(value) { conditions.append(near) }
        if let value = keys["spam_score"], let threshold = reader.double(value, what: "spam_score") {
            if threshold <= 0 || threshold > 1 {
                reader.fail(value, "spam_score \(threshold) is not a probability that can be reached",
                            expected: "a score above 0 and at most 1, e.g. spam_score: 0.9")
            } else {
                conditions.append(.spamScore(atLeast: threshold))
            }
        }
        if let value = keys["in_raid"], let raided = reader.bool(value, what: "in_raid") { conditions.append(.inRaid(raided)) }
        if let value = keys["not"] {
            let nested = parse(value)
            if !nested.isEmpty { conditions.append(.not(nested)) }
        }
        return conditions
    }

    func roles(_ node: Node) -> Set<MemberRole> {
        var roles: Set<MemberRole> = []
        for name in reader.strings(node, what: "roles") ?? [] {
            guard let role = MemberRole(rawValue: name) else {
                reader.fail(node, "unknown role '\(name)'", expected: "owner, admin or member",
                            suggestion: Spelling.suggestion(for: name, among: MemberRole.allCases.map(\.rawValue)))
                continue
            }
            roles.insert(role)
        }
        return roles
    }

    /// `repeated: { count: 3, within: 10m, across_groups: true }`
    private func repeated(_ node: Node) -> ConditionSpec? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.repeated, what: "repeated") else {
            return nil
        }
        guard let countNode = keys["count"], let count = reader.integer(countNode, what: "count"),
              let withinNode = keys["within"], let within = reader.duration(withinNode, what: "within")
        else {
            if keys["count"] == nil || keys["within"] == nil {
                reader.fail(node, "repeated needs 'count' and 'within'", expected: "repeated: { count: 3, within: 10m }")
            }
            return nil
        }
        guard count >= 2 else {
            reader.fail(countNode, "repeated count \(count) would match every message", expected: "2 or more")
            return nil
        }
        guard count <= Condition.repeatedMemory else {
            reader.fail(countNode, "repeated count \(count) is more than groupbot remembers (a member's latest \(Condition.repeatedMemory) messages)",
                        expected: "2 to \(Condition.repeatedMemory)")
            return nil
        }
        var across = keys["across_groups"].flatMap { reader.bool($0, what: "across_groups") } ?? false
        var groups = 1
        if let groupsNode = keys["in_groups"], let value = reader.integer(groupsNode, what: "in_groups") {
            guard value >= 2, value <= count else {
                reader.fail(groupsNode, "in_groups \(value) cannot be met with count \(count)",
                            expected: "2 to \(count): the number of distinct groups the \(count) messages came from")
                return nil
            }
            if keys["across_groups"] != nil, !across {
                reader.fail(groupsNode, "in_groups counts groups, but across_groups is false", expected: "across_groups: true, or no across_groups")
                return nil
            }
            across = true
            groups = value
        }
        return .repeated(count: count, withinSeconds: within, acrossGroups: across, inGroups: groups)
    }

    /// `near_duplicates: { members: 2, within: 1h, similarity: 0.8 }`
    private func nearDuplicates(_ node: Node) -> ConditionSpec? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.nearDuplicates, what: "near_duplicates") else { return nil }
        guard let membersNode = keys["members"], let members = reader.integer(membersNode, what: "members"),
              let withinNode = keys["within"], let within = reader.duration(withinNode, what: "within")
        else {
            if keys["members"] == nil || keys["within"] == nil {
                reader.fail(node, "near_duplicates needs 'members' and 'within'",
                            expected: "near_duplicates: { members: 2, within: 1h }")
            }
            return nil
        }
        guard members >= 2 else {
            reader.fail(membersNode, "near_duplicates members \(members) would match every message",
                        expected: "2 or more: the sender and at least one other member")
            return nil
        }
        var similarity = 0.8
        if let similarityNode = keys["similarity"], let value = reader.double(similarityNode, what: "similarity") {
            guard value >= 0.3, value <= 1 else {
                reader.fail(similarityNode, "similarity \(value) is out of range", expected: "0.3 to 1 (1: the same text)")
                return nil
            }
            similarity = value
        }
        return .nearDuplicates(members: members, withinSeconds: within, similarity: similarity)
    }

    /// `groups: { more_than: 1, types: [general, category] }`
    /// `invites: 5`, or `invites: { count: 5, scope: type }`.
    private func invites(_ node: Node) -> ConditionSpec? {
        var scope = InviteScope.group
        let countNode: Node
        if case .mapping = node {
            guard let keys = reader.mapping(node, allowed: Vocabulary.invites, what: "invites") else { return nil }
            guard let count = keys["count"] else {
                reader.fail(node, "invites needs 'count'", expected: "invites: { count: 5, scope: group, type or all }")
                return nil
            }
            countNode = count
            if let scopeNode = keys["scope"], let name = reader.string(scopeNode, what: "scope") {
                guard let parsed = InviteScope(rawValue: name) else {
                    reader.fail(scopeNode, "unknown invites scope '\(name)'", expected: "group, type or all",
                                suggestion: Spelling.suggestion(for: name, among: InviteScope.allCases.map(\.rawValue)))
                    return nil
                }
                scope = parsed
            }
        } else {
            countNode = node
        }
        guard let reach = reader.integer(countNode, what: "invites") else { return nil }
        guard reach >= 1 else {
            reader.fail(countNode, "invites \(reach) can never be reached", expected: "a number of invitations, 1 or more")
            return nil
        }
        return .invites(reach: reach, scope: scope)
    }

    private func memberships(_ node: Node) -> ConditionSpec? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.groups, what: "groups") else { return nil }
        guard let limitNode = keys["more_than"], let limit = reader.integer(limitNode, what: "more_than") else {
            if keys["more_than"] == nil {
                reader.fail(node, "groups needs 'more_than'", expected: "groups: { more_than: 1, types: [general] }")
            }
            return nil
        }
        let types = keys["types"].flatMap { reader.strings($0, what: "types") } ?? []
        return .memberships(moreThan: limit, types: Set(types), location: reader.location(of: keys["types"] ?? node))
    }

    private func keywords(_ node: Node) -> [ConditionSpec] {
        guard let keys = reader.mapping(node, allowed: Vocabulary.keywords, what: "keywords") else { return [] }
        var mode = KeywordMatchMode.contains
        if let value = keys["match"], let name = reader.string(value, what: "match") {
            if let parsed = KeywordMatchMode(rawValue: name) {
                mode = parsed
            } else {
                reader.fail(value, "unknown keyword match '\(name)'", expected: "contains, word or whole",
                            suggestion: Spelling.suggestion(for: name, among: KeywordMatchMode.allCases.map(\.rawValue)))
            }
        }
        let caseSensitive = keys["case_sensitive"].flatMap { reader.bool($0, what: "case_sensitive") } ?? false
        var conditions: [ConditionSpec] = []
        for (key, requirement) in [("any", KeywordRequirementKind.any), ("all", .all), ("none", .none)] {
            guard let value = keys[key], let words = reader.strings(value, what: key) else { continue }
            if words.isEmpty {
                reader.fail(value, "'\(key)' lists no keywords", expected: "at least one keyword, e.g. \(key): [发货, 快递]")
                continue
            }
            if let empty = words.firstIndex(where: \.isEmpty) {
                reader.fail(value, "keyword \(empty + 1) of '\(key)' is empty", expected: "non-empty keywords")
                continue
            }
            let list = KeywordList(words: words, mode: mode, caseSensitive: caseSensitive)
            if list.distinctWordCount < words.count {
                var seen: Set<String> = []
                let repeated = words.filter { word in
                    !seen.insert(caseSensitive ? word : String(word.map { $0.isASCII ? Character($0.lowercased()) : $0 })).inserted
                }
                reader.warn(value, "keyword(s) \(repeated.joined(separator: "、")) listed twice in '\(key)'", expected: "each keyword once")
            }
            conditions.append(.keywords(list, requirement))
        }
        if conditions.isEmpty, keys["any"] == nil, keys["all"] == nil, keys["none"] == nil {
            reader.fail(node, "keywords lists no words", expected: "any:, all: or none: with a list of words")
        }
        return conditions
    }

    private func regex(_ node: Node, what: String) -> PCRE2Pattern? {
        guard let source = reader.string(node, what: what) else { return nil }
        do {
            let pattern = try PCRE2Pattern(source)
            if (try? pattern.matches("", scratch: MatchScratch())) == true {
                reader.warn(node, "\(what) /\(source)/ matches the empty string, so it matches every text",
                            expected: "a pattern that needs at least one character")
            }
            if source.contains("\\p{Han}") || source.contains("\\p{Script_Extensions=Han}") {
                reader.warn(node, "\(what) /\(source)/ uses \\p{Han}, which PCRE2 also matches on CJK punctuation such as 。、「」",
                            expected: "\\p{sc=Han} for Chinese characters only")
            }
            if Self.hasNestedQuantifier(source) {
                reader.warn(node, "\(what) /\(source)/ repeats a group that itself repeats, which can backtrack catastrophically",
                            expected: "a pattern without nested quantifiers such as (a+)+ or (\\w*)*")
            } else if reader.lintsDeeply, BacktrackingProbe.exhaustsBudget(pattern) {
                reader.warn(node, "\(what) /\(source)/ backtracks so much on a long text that it runs out of its matching budget (it then never matches such texts)",
                            expected: "alternatives that cannot match the same text, e.g. \\w instead of (?:\\w|\\w)")
            }
            return pattern
        } catch {
            var location = reader.location(of: node)
            if case .compile(let offset) = error.kind {
                let quoted = node.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? false
                location.column += offset + (quoted ? 1 : 0)
            }
            reader.record(RuleError(at: location, "\(what) does not compile: \(error.message)",
                                    expected: "a PCRE2 regular expression"))
            return nil
        }
    }

    /// The message kinds of the wire format (docs/wire-format.md) and the dialects.
    static let usualKinds = ["text", "image", "video", "link", "file", "card", "red_packet"]

    /// A group whose content has a `+`, `*` or open `{n,}` quantifier, itself followed by
    /// `+`, `*`, `{n,}` or `{n,m}`: the classic shape of catastrophic backtracking. What
    /// gives nothing back does not count: a possessive quantifier (`\W*+`, `)++`) or an
    /// atomic group (`(?>…)`); nor does a fixed repeat of the group (`(…){6}`).
    static func hasNestedQuantifier(_ pattern: String) -> Bool {
        let characters = Array(pattern)
        // Per open group: whether its content repeats, and whether it is atomic.
        var stack: [(repeats: Bool, atomic: Bool)] = []
        var index = 0
        var inClass = false
        func isPossessive(after position: Int) -> Bool {
            position + 1 < characters.count && characters[position + 1] == "+"
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\\" { index += 2; continue }
            if inClass { if character == "]" { inClass = false }; index += 1; continue }
            switch character {
            case "[": inClass = true
            case "(":
                let atomic = index + 2 < characters.count && characters[index + 1] == "?" && characters[index + 2] == ">"
                stack.append((false, atomic))
            case "+", "*":
                if isPossessive(after: index) { index += 2; continue }
                if !stack.isEmpty { stack[stack.count - 1].repeats = true }
            case "{":
                if let close = characters[index...].firstIndex(of: "}"), characters[close - 1] == ",", !stack.isEmpty,
                   !isPossessive(after: close) {
                    stack[stack.count - 1].repeats = true
                }
            case ")":
                let group = stack.popLast() ?? (false, false)
                let repeats = group.repeats && !group.atomic
                if repeats, Self.repeatsVariably(characters, after: index) { return true }
                if repeats, !stack.isEmpty { stack[stack.count - 1].repeats = true }
            default:
                break
            }
            index += 1
        }
        return false
    }

    /// Whether the quantifier after position `index` (a group's `)`) repeats it a varying
    /// number of times and may give repetitions back: `+`, `*`, `{n,}`, `{n,m}`, not
    /// possessive; a fixed `{n}` or a `?` cannot nest catastrophically.
    private static func repeatsVariably(_ characters: [Character], after index: Int) -> Bool {
        guard index + 1 < characters.count else { return false }
        let next = index + 1
        switch characters[next] {
        case "+", "*":
            return !(next + 1 < characters.count && characters[next + 1] == "+")
        case "{":
            guard let close = characters[next...].firstIndex(of: "}") else { return false }
            let bounds = characters[(next + 1)..<close]
            guard let comma = bounds.firstIndex(of: ",") else { return false }  // {n}: fixed
            let low = Int(String(bounds[..<comma])), high = Int(String(bounds[(comma + 1)...]))
            if let low, let high, high <= low { return false }
            return !(close + 1 < characters.count && characters[close + 1] == "+")
        default:
            return false
        }
    }

    private func timeWindow(_ node: Node) -> TimeWindow? {
        window(node, what: "time")
    }

    /// A `{ from, to, days }` window (time conditions, quiet hours).
    func window(_ node: Node, what: String) -> TimeWindow? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.time, what: what) else { return nil }
        guard let fromNode = keys["from"], let toNode = keys["to"] else {
            reader.fail(node, "time needs both 'from' and 'to'", expected: "time: { from: \"09:00\", to: \"21:00\" }")
            return nil
        }
        guard let from = reader.timeOfDay(fromNode, what: "from"), let to = reader.timeOfDay(toNode, what: "to") else {
            return nil
        }
        if from == to {
            reader.fail(toNode, "the time window from \(TimeWindow.clockText(from)) to \(TimeWindow.clockText(to)) is empty",
                        expected: "a 'to' different from 'from'")
            return nil
        }
        let days = keys["days"].flatMap { reader.weekdays($0, what: "days") } ?? []
        if let daysNode = keys["days"], case .sequence(let items) = daysNode, items.isEmpty {
            reader.warn(daysNode, "days: [] lists no day, so the window applies every day", expected: "the days, or no days key")
        }
        return TimeWindow(fromMinute: from % 1440, toMinute: to == 1440 ? 1440 : to, days: days)
    }
}
