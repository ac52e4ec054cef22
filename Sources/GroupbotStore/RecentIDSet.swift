import GroupbotCore
import GroupbotRuntime

/// The hashes of recently processed event ids, for de-duplication, in bounded memory.
///
/// Two generations: new hashes go into the current one; when it is full it becomes the
/// previous one and the old previous one is forgotten. So at least `capacity / 2` of the
/// most recent ids are always remembered, never more than `capacity`, and forgetting
/// costs nothing per event.
struct RecentIDSet {
    private var current: Set<UInt64> = []
    private var previous: Set<UInt64>
    private let generationSize: Int

    /// Creates the set, starting from hashes loaded from the store (the newest first are kept).
    init(capacity: Int, loaded: Set<UInt64> = []) {
        generationSize = max(1, capacity / 2)
        previous = loaded
    }

    func contains(_ hash: UInt64) -> Bool {
        current.contains(hash) || previous.contains(hash)
    }

    mutating func insert(_ hash: UInt64) {
        current.insert(hash)
        if current.count >= generationSize {
            previous = current
            current = Set(minimumCapacity: generationSize)
        }
    }

    /// Remembers the events of committed journal entries.
    mutating func remember(_ entries: [JournalEntry]) {
        for entry in entries { if let id = entry.event?.id { insert(StableHash.of(id: id)) } }
    }

    /// How many hashes are remembered now.
    var count: Int { current.count + previous.count }
}
