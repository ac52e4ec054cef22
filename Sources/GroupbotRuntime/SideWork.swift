import Foundation

/// Jobs the engine's thread hands to the thread that reads and decodes its input, to run
/// while that thread would otherwise wait (its batches are all ahead): encoding and writing
/// the actions (``BackgroundSink``). On a two-core machine this keeps two threads busy instead
/// of three, which measured faster than a writer thread of its own (docs/performance.md).
///
/// Jobs run one at a time, oldest first, whoever runs them; ``runAll()`` lets the owner run
/// what is left (at a flush, or when the helper falls behind), after the job in progress.
package final class SideWork: @unchecked Sendable {
    // @unchecked: `jobs` is behind `queueLock`; a job runs only while `runLock` is held.
    private let queueLock = NSLock()
    private let runLock = NSLock()
    /// Waiting jobs from `head` on; a taken one is set to nil at once, so that what it holds
    /// (a batch of actions) is freed when it has run, not when the list next empties.
    private var jobs: [(@Sendable () -> Void)?] = []
    private var head = 0

    /// Creates an empty list of jobs.
    package init() {}

    /// Jobs waiting.
    package var waiting: Int {
        queueLock.withLock { jobs.count - head }
    }

    /// Adds a job after the others.
    package func add(_ job: @escaping @Sendable () -> Void) {
        queueLock.withLock { jobs.append(job) }
    }

    /// Runs the oldest waiting job; false when there was none.
    @discardableResult
    package func runOne() -> Bool {
        runLock.lock()
        defer { runLock.unlock() }
        guard let job = take() else { return false }
        job()
        return true
    }

    /// Runs every waiting job (after the one another thread is running, if any).
    package func runAll() {
        runLock.lock()
        defer { runLock.unlock() }
        while let job = take() { job() }
    }

    private func take() -> (@Sendable () -> Void)? {
        queueLock.withLock {
            guard head < jobs.count else { return nil }
            let job = jobs[head]
            jobs[head] = nil
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 64 {
                jobs.removeFirst(head)
                head = 0
            }
            return job
        }
    }
}
