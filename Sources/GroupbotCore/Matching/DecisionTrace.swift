/// What `explain` shows, written down by the engine while it handles the event: each
/// rule's verdict as the engine reached it, so the explanation is the decision and can
/// never disagree with it (tg-spam's checks work the same way).
///
/// Handling without a trace (the normal case) takes no detour: every recording sits
/// behind an `if let trace`, and the descriptions are only made when one is there.
final class DecisionTrace {
    private(set) var verdicts: [Explanation.Verdict] = []
    /// A built-in flow that handled the event before any rule saw it.
    var handledByFlow: String?
    /// What the ad slot said about the rule being fired (set by the enforcement flow).
    var slotNote: String?

    func record(_ rule: String, fired: Bool, _ reason: String) {
        verdicts.append(Explanation.Verdict(rule: rule, fired: fired, reason: reason))
    }
}
