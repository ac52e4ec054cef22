import GroupbotRuntime
import GroupbotTransports

extension EventPipeline {
    /// Says on stderr how many delayed actions were still waiting when the input ended
    /// (with a state file they are kept for the next run; without, they are lost).
    func reportDroppedTimers(to errors: FileOutput, kept: Bool = false) {
        let pending = engine.pendingActionCount
        guard pending > 0 else { return }
        let fate = kept ? "they are kept in the state file for the next run" : "they were dropped"
        errors.writeLine("input ended with \(pending) delayed action\(pending == 1 ? "" : "s") not yet due; \(fate)")
    }
}
