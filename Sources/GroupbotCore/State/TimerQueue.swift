/// Work waiting for its time: a min-heap ordered by due time, then by the
/// order it was added, so timers due at the same instant fire in a stable order.
package struct TimerQueue<Payload> {
    struct Entry {
        let due: Instant
        let sequence: UInt64
        let payload: Payload

        func precedes(_ other: Entry) -> Bool {
            (due, sequence) < (other.due, other.sequence)
        }
    }

    private(set) var heap: [Entry] = []
    private(set) var nextSequence: UInt64 = 0

    /// Creates an empty queue.
    package init() {}

    /// Recreates a queue from its saved entries (already in heap order).
    init(heap: [Entry], nextSequence: UInt64) {
        self.heap = heap
        self.nextSequence = nextSequence
    }

    /// The number of pending timers.
    package var count: Int { heap.count }

    /// When the earliest pending timer is due.
    package var nextDue: Instant? { heap.first?.due }

    /// Adds `payload`, due at `due`.
    package mutating func schedule(_ payload: Payload, at due: Instant) {
        heap.append(Entry(due: due, sequence: nextSequence, payload: payload))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest timer if it is due at or before `now`.
    package mutating func popDue(at now: Instant) -> (due: Instant, payload: Payload)? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (first.due, first.payload)
    }
}

extension TimerQueue.Entry: Codable where Payload: Codable {}

extension TimerQueue: Codable where Payload: Codable {
    private enum CodingKeys: String, CodingKey { case heap, nextSequence }

    package init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(heap: try values.decode([Entry].self, forKey: .heap),
                  nextSequence: try values.decode(UInt64.self, forKey: .nextSequence))
    }

    package func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(heap, forKey: .heap)
        try values.encode(nextSequence, forKey: .nextSequence)
    }
}

extension TimerQueue: Sendable where Payload: Sendable {}
extension TimerQueue.Entry: Sendable where Payload: Sendable {}
