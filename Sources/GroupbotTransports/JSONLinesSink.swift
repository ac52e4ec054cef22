import GroupbotCore
import GroupbotRuntime
import GroupbotWire

/// Writes actions as wire-format JSON lines to a file descriptor.
package final class JSONLinesSink: ActionSink {
    private let output: FileOutput
    /// Buffered bytes past this size are written out even before a flush.
    private let highWater = 1 << 16

    /// Creates a sink writing to `output`.
    package init(output: FileOutput) {
        self.output = output
    }

    package func deliver(_ actions: [Action]) {
        for action in actions { ActionEncoder.encode(action, into: &output.buffer) }
        if output.buffer.count >= highWater { output.flush() }
    }

    package func flush() {
        output.flush()
    }
}
