import GroupbotCore
import GroupbotRuntime
import GroupbotWire

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
