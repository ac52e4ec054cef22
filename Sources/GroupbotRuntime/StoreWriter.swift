import Dispatch
import GroupbotCore
import Synchronization

/// Commits batches of work to a durable store and emits their actions on a thread of
/// its own, so the engine goes on with the next events while SQLite writes.
///
/// The outbox order holds for every batch: commit, then emit to the sink, then mark
/// as emitted — only now on the writer's thread, batch after batch in the order they
/// were handed over. At most ``batchesInFlight`` batches wait; handing over another
/// blocks until one is done, so memory stays bounded when the disk is slower than
/// the engine. While a writer is in use, the store and the sink belong to it: the
/// pipeline touches them again only after ``drain()``.
final class StoreWriter: @unchecked Sendable {
    // @unchecked: `store` and `sink` are used on `queue` only, from the first hand-over
    // until `drain()` returns; the counters and problems are behind a mutex.
    private let store: any EngineStore
    private let sink: any ActionSink
    private let queue = DispatchQueue(label: "groupbot.store-writer")
    private let slots: DispatchSemaphore
    private let progress = Mutex(Progress())
    /// Whether the last batch left its emitted mark to the next one; only touched on `queue`.
    private let markSkipped = QueueLocal(false)

    /// How many batches may wait for the writer at once: enough to ride out a slow write.
    static let batchesInFlight = 4

    private struct Progress {
        var handedOver = 0
        var completedBatches = 0
        var snapshotWanted = false
        /// A snapshot is queued and not yet saved: the batches before it need not ask again.
        var savePending = false
        var problems: [String] = []
        /// Events whose commit failed since the last ``takeUnsavedEvents()``.
        var unsavedEvents = 0
    }

    init(store: any EngineStore, sink: any ActionSink) {
        self.store = store
        self.sink = sink
        slots = DispatchSemaphore(value: Self.batchesInFlight)
    }

    /// Hands a batch over: it is committed, then its actions are emitted, in order.
    func commit(_ batch: [JournalEntry]) {
        slots.wait()
        progress.withLock { $0.handedOver += 1 }
        queue.async { [self] in
            defer { slots.signal() }
            var problems: [String] = []
            var unsaved = 0
            do {
                try store.commit(batch)
            } catch {
                problems.append("state: \(error) — \(batch.count) event(s) not saved")
                unsaved = batch.count
            }
            // Delivered once, whether or not the commit worked: losing actions is worse.
            for entry in batch where !entry.actions.isEmpty { sink.deliver(entry.actions) }
            sink.flush()
            // With the next batch already waiting, its mark covers this one too (marks say
            // "everything committed so far"): one transaction fewer. Never twice in a row, so
            // after a crash at most the last two batches come out once more.
            let nextIsWaiting = progress.withLock { $0.handedOver > $0.completedBatches + 1 }
            do {
                if nextIsWaiting && !markSkipped.value {
                    markSkipped.value = true
                } else {
                    try store.markEmitted()
                    markSkipped.value = false
                }
            } catch {
                problems.append("state: \(error)")
            }
            noteWhetherSnapshotIsDue()
            progress.withLock { progress in
                progress.completedBatches += 1
                progress.problems += problems
                progress.unsavedEvents += unsaved
            }
        }
    }

    /// Saves a snapshot after every batch handed over so far.
    func save(_ snapshot: EngineSnapshot) {
        let snapshot = UncheckedBox(snapshot)
        progress.withLock { $0.savePending = true }
        queue.async { [self] in
            do {
                try store.save(snapshot.value)
            } catch {
                progress.withLock { $0.problems.append("state: \(error)") }
            }
            progress.withLock { $0.savePending = false }
        }
    }

    /// Waits until every batch and snapshot handed over is written.
    func drain() {
        queue.sync {}
    }

    /// How many batches are committed and emitted so far.
    var completedBatches: Int {
        progress.withLock { $0.completedBatches }
    }

    /// Asks the store, on the writer's thread, whether a snapshot is due by now (its time-based
    /// rule: work done and a while passed), for an input that has gone quiet after a batch.
    func askWhetherSnapshotIsDue() {
        queue.async { [self] in noteWhetherSnapshotIsDue() }
    }

    /// On `queue`: records the store's wish for a snapshot, unless one is queued already.
    private func noteWhetherSnapshotIsDue() {
        let wantsSnapshot = (store as? any SnapshotPolicy)?.wantsSnapshot == true
        progress.withLock { progress in
            progress.snapshotWanted = progress.snapshotWanted || (wantsSnapshot && !progress.savePending)
        }
    }

    /// Whether the store asked for a snapshot since the last call.
    func takeSnapshotRequest() -> Bool {
        progress.withLock { progress in
            defer { progress.snapshotWanted = false }
            return progress.snapshotWanted
        }
    }

    /// Events whose commit failed since the last call.
    func takeUnsavedEvents() -> Int {
        progress.withLock { progress in
            defer { progress.unsavedEvents = 0 }
            return progress.unsavedEvents
        }
    }

    /// Problems met on the writer's thread since the last call, in order.
    func takeProblems() -> [String] {
        progress.withLock { progress in
            defer { progress.problems.removeAll() }
            return progress.problems
        }
    }
}

/// A variable that only code running on one serial queue reads and writes.
private final class QueueLocal<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) {
        self.value = value
    }
}
