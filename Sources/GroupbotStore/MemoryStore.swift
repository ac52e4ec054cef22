import GroupbotCore
import GroupbotRuntime
import Synchronization

/// A store that keeps nothing across restarts, only the ids of recently processed
/// events, so that `serve --state memory` still acts once on an event delivered twice
/// (a sender retrying a request). Bounded like the SQLite store's set.
package final class MemoryStore: EngineStore {
    /// Behind a mutex, as in the SQLite store: a background writer remembers ids on its thread.
    private let processed = Mutex(RecentIDSet(capacity: StateStore.processedMemory))

    /// Creates an empty store.
    package init() {}

    package func recover() -> Recovery? { nil }

    package func contains(eventIDHash: UInt64) -> Bool {
        processed.withLock { $0.contains(eventIDHash) }
    }

    package func commit(_ entries: [JournalEntry]) {
        processed.withLock { $0.remember(entries) }
    }

    package func markEmitted() {}

    package func save(_ snapshot: EngineSnapshot) {}
}
