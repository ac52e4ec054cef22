import GroupbotCore

/// Hands actions to another sink in batches, as ``SideWork`` jobs that the reading thread runs
/// while it waits, so that encoding and writing them overlap the engine's work on the next
/// events (`run --state memory --clock events`, `replay`: a tenth of the engine thread's time
/// on the keyword benchmark, measured in docs/performance.md). The wrapped sink sees the same
/// actions in the same order; ``flush()`` runs whatever is left and flushes it, so a live pipe's
/// flushes mean what they meant. When the helper falls behind, the delivering thread runs the
/// jobs itself: at most ``batchesWaiting`` batches wait, memory stays bounded.
package final class BackgroundSink: ActionSink, @unchecked Sendable {
    // @unchecked: `inner` is used inside jobs only, which run one at a time; `pending`
    // belongs to the delivering thread.
    private let inner: any ActionSink
    private let work: SideWork
    private var pending: [[Action]] = []
    private var pendingActions = 0

    /// Batches that may wait for the helper before the delivering thread runs them itself.
    static let batchesWaiting = 8
    /// Actions gathered before a batch is handed over.
    static let batchActions = 1024

    /// Wraps `inner`, which from now on is used only by jobs of `work`.
    package init(_ inner: any ActionSink, work: SideWork) {
        self.inner = inner
        self.work = work
    }

    package func deliver(_ actions: [Action]) {
        guard !actions.isEmpty else { return }
        pending.append(actions)
        pendingActions += actions.count
        if pendingActions >= Self.batchActions { handOver() }
    }

    package func flush() {
        handOver()
        let inner = UncheckedBox(self.inner)
        work.add { inner.value.flush() }
        work.runAll()
    }

    private func handOver() {
        guard !pending.isEmpty else { return }
        let batch = pending, inner = UncheckedBox(self.inner)
        pending = []
        pendingActions = 0
        work.add { for actions in batch { inner.value.deliver(actions) } }
        if work.waiting > Self.batchesWaiting { work.runOne() }
    }
}
