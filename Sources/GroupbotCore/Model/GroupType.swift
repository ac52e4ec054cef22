import Synchronization

/// The compiled rules of one group type (one rule file, with what it extends).
///
/// A class, so looking a type up per event shares it instead of copying its arrays.
package final class GroupType: Sendable {
    package let name: String
    /// Unique among the types of every rule book this process compiles: what a keyword pass made
    /// on another thread names its type by (``PreparedText``), touching no reference count.
    let serial = GroupType.serials.add(1, ordering: .relaxed).newValue
    private static let serials = Atomic<UInt64>(0)
    package let timeZone: any TimeZoneRule
    /// Rules in evaluation order: priority descending, then inherited before own, then file order.
    package let rules: [Rule]
    /// Every keyword list of the rules, matched in one pass.
    package let keywords: KeywordIndex
    /// The keyword lists of rules that match the normalised text.
    package let normalizedKeywords: KeywordIndex
    /// Welcome script, nickname template, ad slots, ladders, normaliser, admin commands.
    package let community: CommunitySettings
    /// Whether any rule counts repeated messages (then messages are fingerprinted).
    let usesRepeatCondition: Bool
    /// Whether a rule counts the member's groups (`groups:`).
    let usesMembershipCondition: Bool
    /// Whether a rule asks about newcomers (`first_messages`, `joined_within`, `invited`).
    let usesNewcomerCondition: Bool
    /// Whether a rule asks whether a text was posted by other members too (then messages are shingled).
    let usesNearDuplicates: Bool
    /// The longest `near_duplicates` window of the rules, in seconds.
    let nearDuplicateHorizonSeconds: Int64
    /// Whether a rule reads the classifier's `spam_score`.
    let usesSpamScore: Bool
    /// Whether anything of this type reads a message's normalised text: a rule (`normalize`, the
    /// classifier's score) or the near-duplicates flow. Only then is it made ahead (``TextPreparer``).
    let readsNormalizedText: Bool
    /// Whether raid mode counts newcomers' first messages (read per message, so kept as a flag).
    let raidCountsFirstMessages: Bool
    /// Whether a rule writes `{inviter_nick}` (then members' nicknames are kept as they post).
    let namesInviters: Bool
    /// The longest repeat window of the rules, in seconds.
    let repeatHorizonSeconds: Int64
    /// Which lists of recent texts its `repeated` conditions read: a member's in one group,
    /// and a user's across groups.
    let repeatsInGroup: Bool, repeatsAcrossGroups: Bool
    /// Per trigger (in `EventType.allCases` order), which rules can fire.
    let plans: [CandidatePlan]
    /// Indices into `rules` of schedule rules.
    let scheduleRules: [Int]
    /// Per rule, what its gated text regexes need of a message (checked before the rule).
    let textNeeds: [TextNeeds]
    /// How many regex conditions the rules hold: the most one event can run, over which
    /// its ``MatchBudget`` is shared.
    let regexCount: Int

    /// Creates a group type. `rules` are sorted into evaluation order (stable).
    /// Keyword conditions in the rules refer to slots of `keywords`.
    package init(
        name: String, timeZone: any TimeZoneRule, rules: [Rule], keywords: KeywordIndex,
        normalizedKeywords: KeywordIndex = KeywordIndex(lists: []), community: CommunitySettings = CommunitySettings()
    ) {
        self.name = name
        self.normalizedKeywords = normalizedKeywords
        self.community = community
        let windows = rules.flatMap { Self.repeatWindows(in: $0.conditions) }
        usesRepeatCondition = !windows.isEmpty
        usesMembershipCondition = rules.contains { Self.uses($0.conditions) { if case .memberships = $0 { true } else { false } } }
        usesNewcomerCondition = community.raid?.firstMessages != nil || rules.contains { rule in
            Self.uses(rule.conditions) { condition in
                switch condition {
                case .firstMessages, .joinedWithin, .invited: true
                default: false
                }
            }
        }
        let nearWindows = rules.flatMap { rule in
            Self.collect(rule.conditions) { if case .nearDuplicates(_, let window, _) = $0 { window } else { nil } }
        }
        usesNearDuplicates = !nearWindows.isEmpty
        nearDuplicateHorizonSeconds = nearWindows.max() ?? 0
        raidCountsFirstMessages = community.raid?.firstMessages != nil
        usesSpamScore = rules.contains { Self.uses($0.conditions) { if case .spamScore = $0 { true } else { false } } }
        readsNormalizedText = community.normalizer != nil && (usesNearDuplicates || usesSpamScore || rules.contains { rule in
            Self.uses(rule.conditions) { condition in
                switch condition {
                case .normalizedKeywords: true
                case .regex(let regex): regex.field == .normalizedText
                default: false
                }
            }
        })
        namesInviters = rules.contains { $0.steps.contains { $0.texts.contains(where: \.usesInviterNick) } }
        repeatHorizonSeconds = windows.max() ?? 0
        let scopes = rules.flatMap { rule in
            Self.collect(rule.conditions) { if case .repeated(_, _, let across, _) = $0 { across } else { nil } }
        }
        repeatsInGroup = scopes.contains(false)
        repeatsAcrossGroups = scopes.contains(true)
        self.timeZone = timeZone
        let ordered = rules.enumerated()
            .sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }
            .map(\.element)
        self.rules = ordered
        self.keywords = keywords
        plans = EventType.allCases.map { CandidatePlan(rules: ordered, trigger: $0, slotCount: keywords.slotCount) }
        scheduleRules = ordered.indices.filter { ordered[$0].schedule != nil }
        textNeeds = ordered.map { TextNeeds(conditions: $0.conditions) }
        regexCount = ordered.reduce(0) { $0 + Self.regexCount(in: $1.conditions) }
    }

    func plan(for trigger: EventType) -> CandidatePlan {
        plans[trigger.planIndex]
    }

    private static func regexCount(in conditions: [Condition]) -> Int {
        conditions.reduce(0) { count, condition in
            switch condition {
            case .regex: count + 1
            case .not(let nested): count + regexCount(in: nested)
            default: count
            }
        }
    }

    /// Whether a condition `matches`, at any depth of `not`.
    private static func uses(_ conditions: [Condition], _ matches: (Condition) -> Bool) -> Bool {
        conditions.contains { condition in
            if case .not(let nested) = condition { return uses(nested, matches) }
            return matches(condition)
        }
    }

    /// What `pick` finds in the conditions, at any depth of `not`.
    private static func collect<Value>(_ conditions: [Condition], _ pick: (Condition) -> Value?) -> [Value] {
        conditions.flatMap { condition -> [Value] in
            if case .not(let nested) = condition { return collect(nested, pick) }
            return pick(condition).map { [$0] } ?? []
        }
    }

    private static func repeatWindows(in conditions: [Condition]) -> [Int64] {
        conditions.flatMap { condition -> [Int64] in
            switch condition {
            case .repeated(_, let window, _, _): [window]
            case .not(let nested): repeatWindows(in: nested)
            default: []
            }
        }
    }
}

extension EventType {
    /// Position in `allCases`, for array lookups on the hot path.
    var planIndex: Int {
        switch self {
        case .message: 0
        case .join: 1
        case .leave: 2
        case .rename: 3
        case .joinRequest: 4
        case .tick: 5
        case .member: 6
        }
    }
}
