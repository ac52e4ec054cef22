import GroupbotTransports

extension EventPipeline {
    /// Says on stderr how many delayed actions were still waiting when the input ended.
    func reportDroppedTimers(to errors: FileOutput) {
        let pending = engine.pendingActionCount
        guard pending > 0 else { return }
        errors.writeLine("input ended with \(pending) delayed action\(pending == 1 ? "" : "s") not yet due; they were dropped")
    }
}
