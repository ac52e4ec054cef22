import GroupbotCore

/// What counts as a rule's hit, in one place for `replay --report` and the
/// `groupbot_rule_hits_total` metric: one firing of the rule for one event (or one
/// schedule occurrence), however many actions it had. The firing's first step (or its
/// shadow notice) marks it; delayed steps coming later, and a schedule's posts to
/// several groups, are not counted again.
package struct RuleHits {
    private var lastCause: [String: String] = [:]

    package init() {}

    /// Whether `action` is the first sign of a new firing of its rule.
    package mutating func isHit(_ action: Action) -> Bool {
        guard action.id.hasSuffix(":0") || action.id.hasSuffix(":shadow"), lastCause[action.rule] != action.cause else {
            return false
        }
        lastCause[action.rule] = action.cause
        return true
    }
}
