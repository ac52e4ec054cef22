import GroupbotCore

/// Where actions go: the outbound half of a transport. Platform dialects
/// (OneBot v11, webhooks) implement it as stdin/stdout does.
package protocol ActionSink: AnyObject {
    /// Takes actions in the order the engine produced them.
    func deliver(_ actions: [Action])
    /// Pushes out anything buffered; called when the input has nothing more for now.
    func flush()
}

/// Keeps actions in memory (replay with `--expect`, tests).
package final class CollectingSink: ActionSink {
    /// Every action delivered so far.
    package private(set) var actions: [Action] = []

    /// Creates an empty sink.
    package init() {}

    package func deliver(_ actions: [Action]) {
        self.actions.append(contentsOf: actions)
    }

    package func flush() {}

    /// The actions delivered since the last call, forgetting them.
    package func drain() -> [Action] {
        defer { actions.removeAll(keepingCapacity: true) }
        return actions
    }
}
