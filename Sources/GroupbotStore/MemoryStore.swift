import GroupbotCore

/// A store that keeps nothing across restarts, only the ids of recently processed
/// events, so that `serve --state memory` still acts once on an event delivered twice
/// (a sender retrying a request). Bounded like the SQLite store's set.
public final class MemoryStore: EngineStore {
    private var processed = RecentIDSet(capacity: SQLiteStore.processedMemory)

    /// Creates an empty store.
    public init() {}

    public func recover() -> Recovery? { nil }

    public func contains(eventIDHash: UInt64) -> Bool {
        processed.contains(eventIDHash)
    }

    public func commit(_ entries: [JournalEntry]) {
        processed.remember(entries)
    }

    public func markEmitted() {}

    public func save(_ snapshot: EngineSnapshot) {}
}
