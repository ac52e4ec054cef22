import Foundation
import GroupbotCore
import GroupbotStore
import Synchronization

/// Appends the events of concurrent requests to the shared log together: requests that
/// arrive while an append is under way share the next transaction (one lock, one commit for
/// many requests), the way the single-instance host shares commits.
final class ClusterAppender: Sendable {
    private struct Waiting {
        var events: [Event]
        var continuation: CheckedContinuation<[ClusterStore.Appended], any Error>
    }

    private let store: ClusterStore
    private let state = Mutex<(queue: [Waiting], running: Bool)>(([], false))

    init(store: ClusterStore) {
        self.store = store
    }

    /// Logs `events`; returns what became of each, in order.
    func append(_ events: [Event]) async throws -> [ClusterStore.Appended] {
        guard !events.isEmpty else { return [] }
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.queue.append(Waiting(events: events, continuation: continuation))
                guard !state.running else { return false }
                state.running = true
                return true
            }
            if start { Thread.detachNewThread { self.drain() } }
        }
    }

    /// Appends what is queued, batch after batch, until the queue is empty.
    private func drain() {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                defer { state.queue.removeAll() }
                if state.queue.isEmpty { state.running = false }
                return state.queue
            }
            guard !batch.isEmpty else { return }
            do {
                var results = try store.append(batch.flatMap(\.events))[...]
                for waiting in batch {
                    waiting.continuation.resume(returning: Array(results.prefix(waiting.events.count)))
                    results = results.dropFirst(waiting.events.count)
                }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
