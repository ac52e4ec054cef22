import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotWire

/// Reads and decodes the input on a thread of its own while the engine runs on the caller's:
/// the two halves of `run --clock events` and `replay` on two cores. Lines come back in
/// batches, in input order, through a queue of a few batches (so the reader never runs far
/// ahead: memory stays bounded); reports of bad lines travel in order with the events.
///
/// Used on the events' clock only: with the wall clock, reads wait for timers (StreamRunner).
final class DecodingReader: @unchecked Sendable {
    /// Lines decoded, and the input bytes read up to the end of them.
    struct Batch {
        var lines: [EventPipeline.DecodedLine]
        var bytesRead: Int
        /// Whether the input had no more data ready after this batch (a pipe waiting for its writer).
        var paused: Bool
    }

    private let condition = NSCondition()
    private var batches: [Batch] = []
    private var ended = false
    private let side: SideWork?
    /// Batches the reader may have waiting before it pauses.
    private static let depth = 8
    /// Lines in a batch (fewer when the input pauses).
    private static let batchLines = 512

    /// Starts reading `input` on a new thread. The reader owns `input` from now on. With a
    /// `book`, it also makes each text's keyword pass for the engine (``TextPreparer``).
    /// While all its batches wait to be taken, the reader runs the jobs of `side` (the writing
    /// of the actions: ``BackgroundSink``).
    init(input: FileInput, book: RuleBook?, side: SideWork?) {
        self.side = side
        let box = UncheckedInput(input: input)
        let thread = Thread { [self] in self.readAll(box.input, preparer: book.map(TextPreparer.init)) }
        thread.name = "groupbot-decode"
        thread.start()
    }

    enum Next {
        case batch(Batch)
        /// Nothing arrived within the wait.
        case waiting
        /// The input has ended and every batch was taken.
        case ended
    }

    /// The next batch, waiting at most `milliseconds` for it.
    func next(waitingAtMost milliseconds: Int64) -> Next {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: Double(milliseconds) / 1000)
        while batches.isEmpty && !ended {
            if !condition.wait(until: deadline) { return batches.isEmpty && !ended ? .waiting : next(locked: ()) }
        }
        return next(locked: ())
    }

    private func next(locked: Void) -> Next {
        guard !batches.isEmpty else { return .ended }
        let batch = batches.removeFirst()
        condition.signal()
        return .batch(batch)
    }

    private func push(_ batch: Batch) {
        condition.lock()
        while batches.count >= Self.depth {
            condition.unlock()
            let ran = side?.runOne() ?? false
            condition.lock()
            if !ran && batches.count >= Self.depth { condition.wait() }
        }
        batches.append(batch)
        condition.signal()
        condition.unlock()
    }

    private func readAll(_ input: FileInput, preparer: TextPreparer?) {
        var splitter = LineSplitter()
        var lines: [EventPipeline.DecodedLine] = []
        var bytesRead = 0
        lines.reserveCapacity(Self.batchLines)
        func add(_ item: LineSplitter.Item) {
            lines.append(EventPipeline.decode(item, preparer: preparer))
            if lines.count >= Self.batchLines {
                push(Batch(lines: lines, bytesRead: bytesRead, paused: false))
                lines = []
                lines.reserveCapacity(Self.batchLines)
            }
        }
        while true {
            let result = input.read(timeoutMilliseconds: -1) { chunk in
                bytesRead += chunk.count
                splitter.feed(chunk, add)
            }
            if case .endOfInput = result {
                splitter.finish(add)
                push(Batch(lines: lines, bytesRead: bytesRead, paused: true))
                condition.lock()
                ended = true
                condition.broadcast()
                condition.unlock()
                return
            }
            if !input.hasMoreReady {
                push(Batch(lines: lines, bytesRead: bytesRead, paused: true))
                lines = []
            }
        }
    }

    /// Hands the input to the reader's thread (a FileInput is used by one thread at a time).
    private struct UncheckedInput: @unchecked Sendable {
        let input: FileInput
    }
}
