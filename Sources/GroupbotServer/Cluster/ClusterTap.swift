import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore

/// The engine store of one of several instances (docs/scaling.md): nothing is journaled
/// here, since the shared log is the journal. The work of each row of the log (the event,
/// the actions it and the timers caused, with the group's type) is kept by partition
/// until the partition's owner has handed it on; then every instance drops it.
///
/// Used by the ``EngineHost``'s pipeline only, on the host's actor.
package final class ClusterTap: EngineStore, SnapshotPolicy, @unchecked Sendable {
    /// The work of one row of the log for one partition.
    struct Work {
        var seq: Int64
        var entry: JournalEntry
    }

    private let partitionOf: @Sendable (String) -> Int
    /// The row of the log being run: the pipeline's commits belong to it.
    var currentSeq: Int64 = 0
    /// Per partition, the work not yet handed on, oldest first.
    private(set) var pending: [Int: [Work]] = [:]
    /// The engine's state to start from (the snapshot the instance starts at), if any.
    var startingSnapshot: EngineSnapshot?
    /// Called with a snapshot and the row it covers when one is due (the snapshot writer's).
    var onSnapshot: ((EngineSnapshot, Int64) -> Void)?
    /// Seconds between snapshots (by the one instance that writes them).
    var snapshotSeconds: TimeInterval = 30
    private var lastSnapshot = Date()

    init(partitionOf: @escaping @Sendable (String) -> Int) {
        self.partitionOf = partitionOf
    }

    package func recover() -> Recovery? {
        startingSnapshot.map { Recovery(snapshot: $0, tail: [], unemitted: []) }
    }

    /// The log de-duplicates events by id before any instance runs them.
    package func contains(eventIDHash: UInt64) -> Bool { false }

    package func commit(_ entries: [JournalEntry]) {
        for entry in entries {
            // The event counts in its group's partition; each action in its own group's.
            var part = entry
            part.event = nil
            part.actions = []
            var byPartition: [Int: JournalEntry] = [:]
            if let event = entry.event, event.type != .tick {
                byPartition[partitionOf(event.group), default: part].event = event
            }
            for action in entry.actions { byPartition[partitionOf(action.group), default: part].actions.append(action) }
            for (partition, work) in byPartition { pending[partition, default: []].append(Work(seq: currentSeq, entry: work)) }
        }
    }

    package func markEmitted() {}

    package func save(_ snapshot: EngineSnapshot) {
        lastSnapshot = Date()
        onSnapshot?(snapshot, currentSeq)
    }

    package var wantsSnapshot: Bool {
        onSnapshot != nil && Date().timeIntervalSince(lastSnapshot) >= snapshotSeconds
    }

    /// The work of `partition` after row `after` up to row `upTo`.
    func work(of partition: Int, after: Int64, upTo: Int64) -> [Work] {
        (pending[partition] ?? []).filter { $0.seq > after && $0.seq <= upTo }
    }

    /// Drops the work of each partition up to its handed-on row.
    func drop(handedOn: [Int: Int64]) {
        for (partition, seq) in handedOn {
            guard var work = pending[partition] else { continue }
            work.removeAll { $0.seq <= seq }
            pending[partition] = work.isEmpty ? nil : work
        }
    }
}
