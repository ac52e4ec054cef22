/// The compiled rules of one group type (one rule file, with what it extends).
///
/// A class, so looking a type up per event shares it instead of copying its arrays.
public final class GroupType: Sendable {
    public let name: String
    public let timeZone: any TimeZoneRule
    /// Rules in evaluation order: priority descending, then inherited before own, then file order.
    public let rules: [Rule]
    /// Every keyword list of the rules, matched in one pass.
    public let keywords: KeywordIndex
    /// Indices into `rules`, per trigger, in evaluation order.
    let rulesByTrigger: [EventType: [Int]]
    /// Indices into `rules` of schedule rules.
    let scheduleRules: [Int]

    /// Creates a group type. `rules` are sorted into evaluation order (stable).
    /// Keyword conditions in the rules refer to slots of `keywords`.
    public init(name: String, timeZone: any TimeZoneRule, rules: [Rule], keywords: KeywordIndex) {
        self.name = name
        self.timeZone = timeZone
        let ordered = rules.enumerated()
            .sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }
            .map(\.element)
        self.rules = ordered
        self.keywords = keywords
        var byTrigger: [EventType: [Int]] = [:]
        for (index, rule) in ordered.enumerated() {
            for trigger in rule.triggers { byTrigger[trigger, default: []].append(index) }
        }
        rulesByTrigger = byTrigger
        scheduleRules = ordered.indices.filter { ordered[$0].schedule != nil }
    }
}
