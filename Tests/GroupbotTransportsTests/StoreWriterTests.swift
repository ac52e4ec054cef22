import Foundation
import GroupbotCore
@testable import GroupbotRuntime
import Synchronization
import Testing

/// The writer thread's order: commit, emit, mark — and marks never left to the next batch twice running.
@Suite struct StoreWriterTests {
    /// Records what the writer asks of it; commits take a moment, so batches queue up behind.
    final class RecordingStore: EngineStore, @unchecked Sendable {
        let log = Mutex<[String]>([])

        func recover() -> Recovery? { nil }
        func contains(eventIDHash: UInt64) -> Bool { false }
        func commit(_ entries: [JournalEntry]) {
            Thread.sleep(forTimeInterval: 0.005)
            log.withLock { $0.append("commit") }
        }
        func markEmitted() { log.withLock { $0.append("mark") } }
        func save(_ snapshot: EngineSnapshot) { log.withLock { $0.append("save") } }
    }

    final class RecordingSink: ActionSink {
        let store: RecordingStore
        init(store: RecordingStore) { self.store = store }
        func deliver(_ actions: [Action]) { store.log.withLock { $0.append("emit") } }
        func flush() {}
    }

    @Test func everyBatchIsCommittedBeforeItIsEmittedAndMarksAreNeverSkippedTwiceRunning() {
        let store = RecordingStore()
        let writer = StoreWriter(store: store, sink: RecordingSink(store: store))
        let action = Action(id: "a", group: "g1", body: .send(text: "hi"), rule: "r", cause: "e", due: Instant(milliseconds: 0), utcOffsetSeconds: 0)
        for _ in 0..<12 {
            writer.commit([JournalEntry(event: nil, time: Instant(milliseconds: 0), actions: [action])])
        }
        writer.drain()
        let log = store.log.withLock { $0 }
        #expect(log.filter { $0 == "commit" }.count == 12)
        #expect(log.filter { $0 == "emit" }.count == 12)
        // Each batch: its commit, then its actions.
        for (index, entry) in log.enumerated() where entry == "emit" {
            #expect(log[..<index].last { $0 != "mark" } == "commit")
        }
        // Between two marks at most two batches: a crash re-emits at most the last two.
        let batchesPerMark = log.split(separator: "mark").map { $0.filter { $0 == "commit" }.count }
        #expect(batchesPerMark.allSatisfy { $0 <= 2 })
        #expect(log.last == "mark")
        #expect(writer.completedBatches == 12)
    }
}
