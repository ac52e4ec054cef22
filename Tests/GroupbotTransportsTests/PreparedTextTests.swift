import GroupbotCore
import GroupbotRules
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire
import Testing

/// The keyword pass made ahead of the engine on the reader's thread (`TextPreparer`) and the
/// sink that writes on a thread of its own (`BackgroundSink`) change no output.
@Suite struct PreparedTextTests {
    static func events(_ log: String) throws -> [Event] {
        let text = try String(contentsOfFile: log, encoding: .utf8)
        return try text.split(separator: "\n").map { line throws(EventDecodingError) in try EventDecoder.decode(line: String(line)) }
    }

    static func lines(_ actions: [Action]) -> [String] { actions.map(ActionEncoder.line(for:)) }

    @Test(arguments: ReplayFixtureTests.cases.map(\.log))
    func theEnginesOwnPassAndThePreparedOneActAlike(log: String) throws {
        let book = try RuleBookLoader.load(directory: Paths.rules)
        let ownClock = VirtualClock(), aheadClock = VirtualClock()
        let own = Engine(book: book, clock: ownClock)
        let ahead = Engine(book: book, clock: aheadClock)
        let preparer = TextPreparer(book: book)
        var expected: [Action] = [], actual: [Action] = []
        var passesWithHits = 0, normalizedTexts = 0, shingled = 0, fingerprinted = 0
        for event in try Self.events(log) {
            let prepared = preparer.prepare(event)
            if prepared?.keywords?.isEmpty == false { passesWithHits += 1 }
            if prepared?.normalized != nil { normalizedTexts += 1 }
            if case .some(.some) = prepared?.shingles { shingled += 1 }
            if case .some(.some) = prepared?.fingerprint { fingerprinted += 1 }
            ownClock.advance(to: event.time)
            expected += own.fireDueTimers() + own.handle(event)
            aheadClock.advance(to: event.time)
            actual += ahead.fireDueTimers() + ahead.handle(event, prepared: prepared)
        }
        #expect(Self.lines(actual) == Self.lines(expected))
        #expect(!expected.isEmpty)
        if log.hasSuffix("lookalikes.jsonl") || log.hasSuffix("ads-and-exemptions.jsonl") {
            #expect(normalizedTexts > 0, "the shipped types normalise messages: the reader should have done it")
        }
        if log.hasSuffix("same-ad-other-account.jsonl") {
            #expect(shingled > 0, "the shipped types compare near-duplicates: the reader should shingle")
        }
        if log.hasSuffix("admin-and-flood.jsonl") {
            #expect(fingerprinted > 0, "the shipped types count repeated texts: the reader should fingerprint")
        }
        if !log.hasSuffix("nickname-grace.jsonl") && !log.hasSuffix("welcome-batches.jsonl") && !log.hasSuffix("raid.jsonl") {
            #expect(passesWithHits > 0, "the log's texts should hit some keyword of the shipped rules")
        }
    }

    /// A pass made for another rule book's type (the rules were reloaded after the reader
    /// prepared the text) is not used: the engine counts the words of its own rules.
    @Test func aPassForAnotherRuleBookIsIgnored() throws {
        func book(_ word: String) throws -> RuleBook {
            try RuleBookLoader.load(files: [("rules/general.yaml", """
                rules:
                  - id: word
                    on: message
                    when: { keywords: { any: [\(word)] } }
                    actions: [{ reply: 看群公告 }]
                """)])
        }
        let old = try book("优惠券"), new = try book("加微信")
        let event = try EventDecoder.decode(line: #"{"type":"message","id":"m1","ts":"2026-12-01T10:00:00+08:00","group":"g1","user":"u1","text":"有事加微信聊"}"#)
        let stale = try #require(TextPreparer(book: old).prepare(event))
        #expect(stale.keywords?.isEmpty == true)
        let fresh = try #require(TextPreparer(book: new).prepare(event))
        #expect(fresh.keywords?.isEmpty == false)
        let engine = Engine(book: new, clock: VirtualClock())
        #expect(engine.handle(event, prepared: stale).map(\.rule) == ["word"])
        let other = Engine(book: new, clock: VirtualClock())
        #expect(other.handle(event, prepared: fresh).map(\.rule) == ["word"])
    }

    @Test func theBackgroundSinkKeepsTheOrderAndFlushesEverything() throws {
        let inner = CollectingSink()
        let sink = BackgroundSink(inner, work: SideWork())
        let book = try RuleBookLoader.load(directory: Paths.rules)
        let clock = VirtualClock()
        let engine = Engine(book: book, clock: clock)
        var expected: [Action] = []
        for event in try Self.events("\(Paths.examples)/demo.jsonl") {
            clock.advance(to: event.time)
            let actions = engine.fireDueTimers() + engine.handle(event)
            expected += actions
            sink.deliver(actions)
        }
        // Enough actions for several hand-overs, then the flush must wait for all of them.
        let demo = expected
        for _ in 0..<120 {
            sink.deliver(demo)
            expected += demo
        }
        sink.flush()
        #expect(Self.lines(inner.actions) == Self.lines(expected))
        #expect(expected.count > 3 * 1024)  // several of the sink's batches
    }

    /// `run --clock events` as the command wires it: the reader prepares the texts and, while it
    /// waits, writes the actions handed to it; the lines are those of the plain replay.
    @Test(arguments: ReplayFixtureTests.cases.map(\.log))
    func theReaderWritesTheSameActionsWhileItWaits(log: String) throws {
        let book = try RuleBookLoader.load(directory: Paths.rules)
        let inner = CollectingSink(), side = SideWork()
        let pipeline = EventPipeline(book: book, clock: .events, sink: BackgroundSink(inner, work: side), report: { _ in })
        StreamRunner.run(input: try #require(FileInput(path: log)), pipeline: pipeline, clock: .events, side: side)
        #expect(Self.lines(inner.actions) == (try ReplayFixtureTests.replay(log).lines))
        #expect(side.waiting == 0)
    }
}
