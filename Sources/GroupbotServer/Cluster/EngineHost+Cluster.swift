import GroupbotCore
import GroupbotRuntime
import GroupbotStore

/// The host's side of several instances: the engine runs the rows of the shared log, in
/// order, and keeps their work by partition until the owners have handed it on.
extension EngineHost {
    /// Starts the engine at a snapshot of the shared log's row `seq` (nil: at its beginning).
    func start(at snapshot: (seq: Int64, snapshot: EngineSnapshot)?) throws {
        guard let tap else { return }
        tap.startingSnapshot = snapshot?.snapshot
        tap.currentSeq = snapshot?.seq ?? 0
        try pipeline.recover()
        tap.startingSnapshot = nil
        processedSeq = snapshot?.seq ?? 0
    }

    /// Runs rows of the shared log (the next ones after ``processedSeq``).
    func apply(_ rows: [(seq: Int64, event: Event)]) {
        guard let tap else { return }
        for row in rows where row.seq > processedSeq {
            tap.currentSeq = row.seq
            pipeline.handle(row.event)
            pipeline.flush()  // the row's work goes to the tap, filed under the row
            processedSeq = row.seq
        }
        // Every instance computes every action; the owners hand them on from the tap.
        _ = sink.drainUnclaimed()
    }

    /// The work of each partition after its row in `marks`, up to the last row run; and that row.
    func work(after marks: [Int: Int64]) -> (work: [Int: [JournalEntry]], upTo: Int64) {
        guard let tap else { return ([:], processedSeq) }
        let work = Dictionary(uniqueKeysWithValues: marks.map { partition, after in
            (partition, tap.work(of: partition, after: after, upTo: processedSeq).map(\.entry))
        })
        return (work, processedSeq)
    }

    /// Forgets the work handed on: each partition's, up to its row.
    func drop(handedOn: [Int: Int64]) {
        tap?.drop(handedOn: handedOn)
    }

    /// Makes this instance the one that writes the snapshots of the shared log (or not).
    func writeSnapshots(_ write: (@Sendable (EngineSnapshot, Int64) -> Void)?) {
        tap?.onSnapshot = write
    }
}
