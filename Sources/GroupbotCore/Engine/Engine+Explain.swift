/// Why an event led to what it did: the group type and why, every rule of the
/// event's trigger, in order, with the verdict the engine reached, and the actions.
package struct Explanation: Sendable {
    /// One rule's verdict.
    package struct Verdict: Sendable, Equatable {
        package let rule: String
        package let fired: Bool
        /// Why it fired, or the first reason it did not.
        package let reason: String

        /// Creates a verdict.
        package init(rule: String, fired: Bool, reason: String) {
            self.rule = rule
            self.fired = fired
            self.reason = reason
        }
    }

    package let type: String
    package let mappingReason: String
    /// A built-in flow that handled the event before any rule saw it (an admin command).
    package let handledByFlow: String?
    package let verdicts: [Verdict]
    package let actions: [Action]
}

extension Engine {
    /// Handles `event` (state moves on as with ``handle(_:)``) and says why it came to what
    /// it did: the verdicts are written by the engine while it decides, so they cannot
    /// disagree with the actions.
    package func explain(_ event: Event) -> Explanation {
        let (name, reason) = book.mapping.explain(group: event.group, named: event.groupName ?? state.groups.name(of: event.group),
                                                  scratch: matchScratch)
        let trace = DecisionTrace()
        let actions = handle(event, trace: trace)
        return Explanation(type: name, mappingReason: reason, handledByFlow: trace.handledByFlow,
                           verdicts: trace.verdicts, actions: actions)
    }
}
