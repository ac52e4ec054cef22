import GroupbotCore
import GroupbotRules
import GroupbotRuntime
import GroupbotWire
import Testing

/// A commit that fails (a full disk) is counted, so `run` can exit non-zero: the actions
/// went out, but a re-sent copy of the events would act again.
@Suite struct UnsavedEventsTests {
    struct DiskFull: Error, CustomStringConvertible {
        var description: String { "database or disk is full" }
    }

    /// Accepts nothing: every commit fails.
    final class FullStore: EngineStore {
        func recover() -> Recovery? { nil }
        func contains(eventIDHash: UInt64) -> Bool { false }
        func commit(_ entries: [JournalEntry]) throws { throw DiskFull() }
        func markEmitted() {}
        func save(_ snapshot: EngineSnapshot) {}
    }

    func run(inBackground: Bool) throws -> (StreamSummary, [String], Int) {
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", """
            rules:
              - id: price
                on: message
                when: { keywords: { any: [价格] } }
                actions: [{ reply: 看公告 }]
            """)])
        let sink = CollectingSink()
        var problems: [String] = []
        let pipeline = EventPipeline(book: book, clock: .events, sink: sink, store: FullStore(), report: { problems.append($0) })
        if inBackground { pipeline.commitInBackground() }
        for index in 1...3 {
            pipeline.handle(try EventDecoder.decode(line: #"{"type":"message","id":"m\#(index)","ts":"2026-11-20T10:00:0\#(index)+08:00","group":"g1","user":"u1","text":"价格"}"#))
        }
        pipeline.finish()
        return (pipeline.summary, problems, sink.actions.count)
    }

    @Test(arguments: [false, true])
    func eventsRunButNotSavedAreCountedAndTheirActionsStillGoOut(inBackground: Bool) throws {
        let (summary, problems, delivered) = try run(inBackground: inBackground)
        #expect(summary.unsavedEvents == 3)
        #expect(delivered == 3)
        #expect(problems.contains { $0.contains("event(s) not saved") && $0.contains("disk is full") })
    }
}
