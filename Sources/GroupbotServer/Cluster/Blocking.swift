import Dispatch

/// Runs blocking work (the store's database calls) on a thread of its own, so a task that
/// waits for it does not hold one of Swift concurrency's few threads meanwhile.
enum Blocking {
    private static let queue = DispatchQueue(label: "groupbot.cluster.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
