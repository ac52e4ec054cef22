import GroupbotCore
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire

/// Runs one log through two rule sets side by side and reports the lines
/// (events) on which they act differently: the review tool for a rule change.
package struct RuleSetDiff {
    /// One event whose actions differ.
    package struct Difference: Sendable, Equatable {
        package let line: Int
        package let event: String
        /// Actions only the old rules produce, then only the new ones, as JSON lines.
        package let removed: [String]
        package let added: [String]
    }

    private let old: RuleBook
    private let new: RuleBook

    /// Creates a comparison of `old` with `new`.
    package init(old: RuleBook, new: RuleBook) {
        self.old = old
        self.new = new
    }

    /// Replays `input` through both; calls `body` for each event that differs and returns
    /// how many events were compared. Problems go to `report`.
    @discardableResult
    package func run(input: FileInput, report: @escaping (String) -> Void, _ body: (Difference) -> Void) -> Int {
        let oldSink = CollectingSink(), newSink = CollectingSink()
        let oldPipeline = EventPipeline(book: old, clock: .events, sink: oldSink, report: report)
        let newPipeline = EventPipeline(book: new, clock: .events, sink: newSink, report: { _ in })
        var splitter = LineSplitter()
        func compare(_ item: LineSplitter.Item) {
            oldPipeline.process(item)
            newPipeline.process(item)
            let before = oldSink.drain().map(ActionEncoder.line(for:))
            let after = newSink.drain().map(ActionEncoder.line(for:))
            guard before != after, case .line(let number, let bytes) = item else { return }
            body(Difference(line: number, event: String(decoding: bytes, as: UTF8.self),
                            removed: before.filter { !after.contains($0) }, added: after.filter { !before.contains($0) }))
        }
        while case .data = input.read(timeoutMilliseconds: -1, { chunk in splitter.feed(chunk, compare) }) {}
        splitter.finish(compare)
        return oldPipeline.summary.events
    }
}
