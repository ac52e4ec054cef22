import GroupbotCore

/// Where actions go: the outbound half of a transport. Platform dialects
/// (OneBot v11, webhooks) implement it as stdin/stdout does.
public protocol ActionSink: AnyObject {
    /// Takes actions in the order the engine produced them.
    func deliver(_ actions: [Action])
    /// Pushes out anything buffered; called when the input has nothing more for now.
    func flush()
}

/// Writes actions as wire-format JSON lines to a file descriptor.
public final class JSONLinesSink: ActionSink {
    private let output: FileOutput
    /// Buffered bytes past this size are written out even before a flush.
    private let highWater = 1 << 16

    /// Creates a sink writing to `output`.
    public init(output: FileOutput) {
        self.output = output
    }

    public func deliver(_ actions: [Action]) {
        for action in actions { ActionEncoder.encode(action, into: &output.buffer) }
        if output.buffer.count >= highWater { output.flush() }
    }

    public func flush() {
        output.flush()
    }
}

/// Keeps actions in memory (replay with `--expect`, tests).
public final class CollectingSink: ActionSink {
    /// Every action delivered so far.
    public private(set) var actions: [Action] = []

    /// Creates an empty sink.
    public init() {}

    public func deliver(_ actions: [Action]) {
        self.actions.append(contentsOf: actions)
    }

    public func flush() {}

    /// The actions delivered since the last call, forgetting them.
    public func drain() -> [Action] {
        defer { actions.removeAll(keepingCapacity: true) }
        return actions
    }
}
