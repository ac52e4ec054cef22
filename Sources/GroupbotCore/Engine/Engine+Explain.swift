/// Why an event led to what it did: the group type and why, every rule of the
/// event's trigger, in order, with the verdict the engine reached, and the actions.
public struct Explanation: Sendable {
    /// One rule's verdict.
    public struct Verdict: Sendable, Equatable {
        public let rule: String
        public let fired: Bool
        /// Why it fired, or the first reason it did not.
        public let reason: String

        /// Creates a verdict.
        public init(rule: String, fired: Bool, reason: String) {
            self.rule = rule
            self.fired = fired
            self.reason = reason
        }
    }

    public let type: String
    public let mappingReason: String
    /// A built-in flow that handled the event before any rule saw it (an admin command).
    public let handledByFlow: String?
    public let verdicts: [Verdict]
    public let actions: [Action]
}

extension Engine {
    /// Handles `event` (state moves on as with ``handle(_:)``) and says why it came to what
    /// it did: the verdicts are written by the engine while it decides, so they cannot
    /// disagree with the actions.
    public func explain(_ event: Event) -> Explanation {
        let (name, reason) = book.mapping.explain(group: event.group, named: event.groupName ?? state.groups.name(of: event.group),
                                                  scratch: matchScratch)
        let trace = DecisionTrace()
        let actions = handle(event, trace: trace)
        return Explanation(type: name, mappingReason: reason, handledByFlow: trace.handledByFlow,
                           verdicts: trace.verdicts, actions: actions)
    }
}
