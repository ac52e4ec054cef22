import GroupbotCore
import GroupbotWire

/// How the engine's clock moves.
package enum ClockMode: String, Sendable, CaseIterable {
    /// The system's wall clock: live groups.
    case wall
    /// The events' own timestamps: replaying a recorded log. Timers due
    /// between two events fire, in order, before the later event.
    case events
}

/// When buffered actions are written out.
package enum FlushPolicy: String, Sendable, CaseIterable {
    /// Whenever the input has nothing more ready: a live pipe sees each action at once,
    /// a file or a busy pipe is written in large blocks.
    case auto
    /// After every event's actions.
    case line
    /// Only when the buffer is full and at the end (files and benchmarks).
    case buffered
}

/// Counts kept while a stream is processed.
package struct StreamSummary: Sendable, Equatable {
    /// Lines read, blank ones included.
    package var lines: Int
    /// Events decoded and run.
    package var events: Int
    /// Lines reported as bad and skipped.
    package var rejectedLines: Int
    /// Actions delivered.
    package var actions: Int
    /// Events skipped because their id was already processed (with a durable store).
    package var duplicates = 0
    /// Events run whose commit to the store failed (a full disk): their actions went out,
    /// but a re-sent copy would act again. `run` exits non-zero when this is not zero.
    package var unsavedEvents = 0

    /// Creates a summary.
    package init(lines: Int = 0, events: Int = 0, rejectedLines: Int = 0, actions: Int = 0) {
        self.lines = lines
        self.events = events
        self.rejectedLines = rejectedLines
        self.actions = actions
    }
}

/// The shared middle of every line-based transport: decode a line, move the
/// clock, run the engine, hand the actions to the sink. A bad line is reported
/// as `line N: reason` and the stream goes on.
package final class EventPipeline {
    package let engine: Engine
    private let clock: PipelineClock
    private let mode: ClockMode
    private let sink: any ActionSink
    /// With a durable store, work is committed before its actions go out (an outbox).
    private let store: (any EngineStore)?
    private var uncommitted: [JournalEntry] = []
    private var uncommittedIDs: Set<UInt64> = []  // id hashes of the batch not yet committed
    /// Commits on a thread of its own, once switched on (``commitInBackground()``).
    private var writer: StoreWriter?
    /// The id hashes of the batches handed to the writer and not yet committed, oldest first.
    private var inFlightIDs: [Set<UInt64>] = []
    private var batchesHandedOver = 0
    private let report: (String) -> Void
    /// When the sink is flushed.
    package let flushPolicy: FlushPolicy
    /// Called with every decoded event before it runs (reports, progress).
    package var onEvent: ((Event) -> Void)?
    package private(set) var summary = StreamSummary()

    /// Creates a pipeline over a fresh engine for `book`.
    /// - Parameters:
    ///   - wallClock: what `.wall` reads (the system's clock; tests move their own).
    ///   - report: receives one line per problem (bad input line, regex that gave up).
    package init(
        book: RuleBook, clock mode: ClockMode, wallClock: any EngineClock = WallClock(), sink: any ActionSink,
        flush: FlushPolicy = .auto, store: (any EngineStore)? = nil, report: @escaping (String) -> Void
    ) {
        self.flushPolicy = flush
        self.mode = mode
        let clock = PipelineClock(usesWall: mode == .wall, wall: wallClock)
        self.clock = clock
        self.engine = Engine(book: book, clock: clock)
        self.sink = sink
        self.store = store
        self.report = report
    }

    /// Whether the owner marks actions as emitted itself (``markEmitted()``), once they are
    /// out of its hands, instead of the pipeline marking them when the sink has them.
    /// `serve` does: its sink is only a hand-over, and an action is emitted when its
    /// response is written or the delivery ledger holds it (docs/adapters.md).
    package var defersEmittedMark = false

    /// The store's position after the last committed actions (``EngineStore/committedMark``).
    package var committedMark: Int64 { store?.committedMark ?? 0 }

    /// Marks the actions committed up to `mark` as emitted (for an owner that ``defersEmittedMark``).
    package func markEmitted(through mark: Int64) {
        do {
            try store?.markEmitted(through: mark)
        } catch {
            report("state: \(error)")
        }
    }

    /// Picks up where the last process using the store stopped: restores the last
    /// snapshot, runs the work journaled after it again (silently, on its recorded
    /// times), then emits the actions that were committed but never emitted.
    /// Returns how many journal entries were run again.
    @discardableResult
    package func recover() throws -> Int {
        guard let store, let recovery = try store.recover() else { return 0 }
        clock.usesWall = false
        if let snapshot = recovery.snapshot { engine.restore(snapshot) }
        var recounted: [JournalEntry] = []
        for entry in recovery.tail {
            clock.advance(to: entry.time)
            var actions = engine.fireDueTimers()
            if let event = entry.event { actions += engine.handle(event) }
            recounted.append(journalEntry(event: entry.event, actions: actions, at: entry.time))
        }
        store.recount(recounted)
        _ = engine.drainProblems()
        clock.usesWall = mode == .wall
        if !recovery.unemitted.isEmpty {
            summary.actions += recovery.unemitted.count
            sink.deliver(recovery.unemitted)
            sink.flush()
            if !defersEmittedMark { try store.markEmitted() }
        }
        return recovery.tail.count
    }

    /// Processes one item from a ``LineSplitter``.
    package func process(_ item: LineSplitter.Item) {
        process(decoded: Self.decode(item))
    }

    /// A line of input, decoded: what ``process(decoded:)`` does with it. Decoding needs no
    /// engine, so a reader may decode ahead on another thread (``StreamRunner``), and prepare
    /// the text's keyword pass there too (``TextPreparer``).
    package enum DecodedLine: Sendable {
        case event(Event, PreparedText?)
        /// A line that is no event: the report says why.
        case rejected(String)
        /// A blank line: counted, nothing else (blank lines separate nothing).
        case blank
    }

    /// Decodes one line of input.
    package static func decode(_ item: LineSplitter.Item, preparer: TextPreparer? = nil) -> DecodedLine {
        switch item {
        case .tooLong(let number, let length):
            return .rejected("line \(number): longer than the limit (\(length) bytes), skipped")
        case .line(let number, let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
            do {
                let event = try EventDecoder.decode(line: bytes)
                return .event(event, preparer?.prepare(event))
            } catch {
                return .rejected("line \(number): \(error.reason)")
            }
        }
    }

    /// Runs a decoded line: counts it, reports a rejected one, handles an event.
    package func process(decoded line: DecodedLine) {
        summary.lines += 1
        switch line {
        case .event(let event, let prepared): handle(event, prepared: prepared)
        case .rejected(let reason):
            summary.rejectedLines += 1
            report(reason)
        case .blank: break
        }
    }

    /// Runs one decoded event (after firing the timers due before it, on a virtual clock).
    package func handle(_ event: Event, prepared: PreparedText? = nil) {
        // The store and the batches not yet committed know events by a hash of their id.
        let idHash = store == nil ? 0 : StableHash.of(id: event.id)
        if let store {
            do {
                if try isInFlight(idHash) || store.contains(eventIDHash: idHash) {
                    summary.duplicates += 1
                    return
                }
            } catch {
                report("state: \(error)")
            }
        }
        summary.events += 1
        onEvent?(event)
        if mode == .events { clock.advance(to: event.time) }
        // The time the engine works at, journaled so a recovery runs it again the same way.
        let now = clock.now
        var actions = engine.fireDueTimers()
        actions += engine.handle(event, prepared: prepared)
        record(event: event, idHash: idHash, actions: actions, at: now)
        for problem in engine.drainProblems() { report(problem) }
        if flushPolicy == .line { flush() }
    }

    /// Records actions that no event or timer of the engine produced (a refused DM's
    /// fallback, decided by the delivery side): they join the outbox and the audit log like
    /// the engine's own, and reach the sink the same way.
    package func recordExternal(_ actions: [Action]) {
        guard !actions.isEmpty else { return }
        record(event: nil, actions: actions, at: clock.now)
    }

    /// Fires the timers due now (on the wall clock, between events).
    package func fireDueTimers() {
        let now = clock.now
        let actions = engine.fireDueTimers()
        guard !actions.isEmpty else { return }
        record(event: nil, actions: actions, at: now)
    }

    /// Flushes the sink if the policy writes out whenever the input pauses.
    package func inputPaused() {
        guard flushPolicy != .buffered else { return }
        if writer != nil {
            handOver()  // the writer emits as soon as it has committed
        } else {
            flush()
        }
    }

    /// From now on, commits and emits on a thread of its own while the engine goes on
    /// with the next events (`groupbot run` with a state file). Call after ``recover()``.
    /// The store and the sink must not be used by anyone else until ``finish()``; ``flush()``
    /// waits for the writer.
    package func commitInBackground() {
        guard let store, writer == nil else { return }
        writer = StoreWriter(store: store, sink: sink)
    }

    /// Lets timers and schedules run on until `instant` (replay after the last event).
    package func run(until instant: Instant) {
        clock.advance(to: instant)
        let actions = engine.fireDueTimers()
        if !actions.isEmpty { record(event: nil, actions: actions, at: instant) }
        for problem in engine.drainProblems() { report(problem) }
        flush()
    }

    /// The input ended: everything out, and (with a store) a snapshot for a quick restart.
    package func finish() {
        snapshotNow()
    }

    /// At shutdown, after ``finish()``: lets the store finish its background work.
    package func closeStore() throws {
        try store?.close()
    }

    /// Commits and emits everything pending and (with a store) saves a snapshot covering it:
    /// at the end, and when the rules were replaced, so a recovery never runs work done under
    /// the old rules again under the new ones.
    package func snapshotNow() {
        if let writer {
            handOver(savingRequestedSnapshot: false)
            _ = writer.takeSnapshotRequest()  // this snapshot serves it
            writer.save(engine.snapshot())
            waitForWriter(writer)
            _ = writer.takeSnapshotRequest()  // asked by a batch that this snapshot covers
            return
        }
        flush()
        guard let store else { return }
        do {
            try store.save(engine.snapshot())
        } catch {
            report("state: \(error)")
        }
    }

    /// The work as the store keeps it, with the group's type and the offset its days are counted in.
    private func journalEntry(event: Event?, actions: [Action], at time: Instant) -> JournalEntry {
        guard let event else { return JournalEntry(event: nil, time: time, actions: actions) }
        let type = engine.groupType(ofGroup: event.group, at: event.time)
        return JournalEntry(event: event, time: time, actions: actions, groupType: type?.name, typeUTCOffsetSeconds: type?.utcOffsetSeconds)
    }

    private func record(event: Event?, idHash: UInt64? = nil, actions: [Action], at time: Instant) {
        guard store != nil else {
            deliver(actions)
            return
        }
        uncommitted.append(journalEntry(event: event, actions: actions, at: time))
        if let idHash { uncommittedIDs.insert(idHash) }
        guard uncommitted.count >= 1000 else { return }
        if writer != nil { handOver() } else { flush() }
    }

    /// Whether an event with this id hash is processed but not yet known to the store as such.
    private func isInFlight(_ id: UInt64) -> Bool {
        if uncommittedIDs.contains(id) { return true }
        guard let writer, !inFlightIDs.isEmpty else { return false }
        // The store knows the ids of the batches the writer has finished.
        let waiting = batchesHandedOver - writer.completedBatches
        if inFlightIDs.count > waiting { inFlightIDs.removeFirst(inFlightIDs.count - waiting) }
        return inFlightIDs.contains { $0.contains(id) }
    }

    /// Hands the pending work to the writer without waiting for it, and a snapshot when the
    /// store asked for one.
    private func handOver(savingRequestedSnapshot: Bool = true) {
        guard let writer else { return }
        if !uncommitted.isEmpty {
            summary.actions += uncommitted.reduce(0) { $0 + $1.actions.count }
            writer.commit(uncommitted)
            batchesHandedOver += 1
            inFlightIDs.append(uncommittedIDs)
            uncommitted.removeAll(keepingCapacity: true)
            uncommittedIDs = []
        }
        if savingRequestedSnapshot, writer.takeSnapshotRequest() { writer.save(engine.snapshot()) }
        for problem in writer.takeProblems() { report(problem) }
        summary.unsavedEvents += writer.takeUnsavedEvents()
    }

    /// Waits until the writer has written everything handed over, and reports its problems.
    private func waitForWriter(_ writer: StoreWriter) {
        writer.drain()
        inFlightIDs.removeAll()  // all committed: the store knows their ids
        for problem in writer.takeProblems() { report(problem) }
        summary.unsavedEvents += writer.takeUnsavedEvents()
    }

    /// Between reads (at least once a second in `run`): saves a snapshot the store asked for,
    /// and asks it again, since an input that has gone quiet hands over no batch that would
    /// ask, and the store's time-based rule (a snapshot a minute while there is work) must
    /// still write the daily figures.
    package func idle() {
        guard let writer else { return }
        handOver()
        writer.askWhetherSnapshotIsDue()
    }

    /// Milliseconds until the next timer is due, or nil when none is pending.
    package var millisecondsUntilNextTimer: Int64? {
        engine.nextTimerDue.map { max(0, $0.milliseconds - clock.now.milliseconds) }
    }

    /// Commits pending work (with a store), then hands its actions to the sink and flushes it.
    /// With a writer, returns when it has written everything.
    package func flush() {
        if let writer {
            handOver()
            waitForWriter(writer)
            return
        }
        if let store, !uncommitted.isEmpty {
            let batch = uncommitted
            uncommitted.removeAll(keepingCapacity: true)
            uncommittedIDs.removeAll(keepingCapacity: true)
            do {
                try store.commit(batch)
            } catch {
                report("state: \(error) — \(batch.count) event(s) not saved")
                summary.unsavedEvents += batch.count
            }
            // Delivered once, whether or not the commit worked: losing actions is worse.
            for entry in batch { deliver(entry.actions) }
            sink.flush()
            do {
                if !defersEmittedMark { try store.markEmitted() }
                if (store as? any SnapshotPolicy)?.wantsSnapshot == true { try store.save(engine.snapshot()) }
            } catch {
                report("state: \(error)")
            }
            return
        }
        sink.flush()
    }

    private func deliver(_ actions: [Action]) {
        guard !actions.isEmpty else { return }
        summary.actions += actions.count
        sink.deliver(actions)
    }
}
