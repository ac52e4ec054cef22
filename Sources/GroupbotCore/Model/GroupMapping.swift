import PCRE2

/// Which group type a group belongs to: by id, or by a pattern on its name, else a default.
package struct GroupMapping: Sendable {
    /// One line of the mapping; the first that applies wins.
    package enum Entry: Sendable {
        case id(String, type: String)
        case name(PCRE2Pattern, type: String)

        var type: String {
            switch self {
            case .id(_, let type), .name(_, let type): type
            }
        }
    }

    package var entries: [Entry]
    package var defaultType: String

    /// Creates a mapping.
    package init(entries: [Entry], defaultType: String) {
        self.entries = entries
        self.defaultType = defaultType
    }

    /// The type of a group and why: which entry matched, or the default.
    package func explain(group id: String, named name: String?, scratch: MatchScratch) -> (type: String, reason: String) {
        for (index, entry) in entries.enumerated() {
            switch entry {
            case .id(let groupID, let type) where groupID == id:
                return (type, "group id \(id) is listed (groups.yaml entry \(index + 1))")
            case .name(let pattern, let type):
                if let name, (try? pattern.matches(name, scratch: scratch)) == true {
                    return (type, "group name '\(name)' matches '\(pattern.source)' (groups.yaml entry \(index + 1))")
                }
            default:
                continue
            }
        }
        let known = name.map { "group name '\($0)'" } ?? "no group name known"
        return (defaultType, "no entry matches (\(known)): the default type")
    }

    /// The type of group `id` named `name` (the name may be unknown).
    package func type(ofGroup id: String, named name: String?, scratch: MatchScratch) -> String {
        for entry in entries {
            switch entry {
            case .id(let groupID, let type) where groupID == id:
                return type
            case .name(let pattern, let type):
                if let name, (try? pattern.matches(name, scratch: scratch)) == true { return type }
            default:
                continue
            }
        }
        return defaultType
    }
}

/// Everything the engine runs: the group types and the mapping onto them.
package struct RuleBook: Sendable {
    /// Every type, abstract ones included (their files' tests run in them).
    package let types: [String: GroupType]
    package let mapping: GroupMapping
    /// Types that only exist to be extended (`abstract: true`): no group maps to them.
    package let abstractTypes: Set<String>
    /// Whether any rule counts a member's groups (`groups:`). Only then are memberships learnt
    /// from messages: a workload of a million senders would otherwise keep a million entries
    /// nobody reads (measured in docs/performance.md: 43 → 98 MB on the peer workload).
    package let countsMemberships: Bool
    /// Whether any rule asks about newcomers: only then are joins and their members' first
    /// messages kept (``Newcomers``).
    package let watchesNewcomers: Bool
    /// Whether any rule reads the classifier (`spam_score`): only then are groups' latest
    /// messages remembered, so that admins can mark them by replying (``SpamLearning``).
    package let learnsSpam: Bool
    /// The longest `repeated` window of any type, in seconds: how long a sighting of a text can
    /// still count under these rules (``RecentTexts`` forgets lists older than that).
    package let repeatHorizonSeconds: Int64
    /// Whether any `repeated` condition reads a member's texts in one group, or a user's across
    /// groups: only those lists are kept (most rules count within a group, and a list per user
    /// beside each member's doubled the memory for nothing).
    package let repeatsInGroup: Bool, repeatsAcrossGroups: Bool

    /// Creates a rule book. Every type the mapping names must be in `types`, and not abstract.
    package init(types: [String: GroupType], mapping: GroupMapping, abstractTypes: Set<String> = []) {
        self.types = types
        self.mapping = mapping
        self.abstractTypes = abstractTypes
        countsMemberships = types.values.contains { $0.usesMembershipCondition }
        watchesNewcomers = types.values.contains { $0.usesNewcomerCondition }
        learnsSpam = types.values.contains { $0.usesSpamScore }
        repeatHorizonSeconds = types.values.map(\.repeatHorizonSeconds).max() ?? 0
        repeatsInGroup = types.values.contains { $0.repeatsInGroup }
        repeatsAcrossGroups = types.values.contains { $0.repeatsAcrossGroups }
    }

    /// The group types groups can be of, by name.
    package var groupTypeNames: [String] {
        types.keys.filter { !abstractTypes.contains($0) }.sorted()
    }

    /// The rules of every group type, inherited ones counted in each type that has them.
    package var ruleCount: Int {
        types.filter { !abstractTypes.contains($0.key) }.values.reduce(0) { $0 + $1.rules.count }
    }
}
