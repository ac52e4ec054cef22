import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotWire
import Logging

/// What the engine did with the events of one request.
package struct HandledEvents: Sendable {
    /// The actions the request's events caused, in order: they go back in the response.
    package var actions: [Action]
    /// Actions of timers that fell due meanwhile: they go out as deliveries.
    package var later: [Action]
    /// Events run.
    package var processed: Int
    /// Events skipped because their id was already processed.
    package var duplicates: Int
    /// Give back to ``EngineHost/handedOff(_:)`` once the response is written and the
    /// later actions are queued.
    package var handOff: HandOff
    /// Why the events could not be taken in (several instances: the shared log could not be
    /// written); the sender should send them again (503).
    package var unavailable: String? = nil
}

/// The engine behind `serve`.
///
/// The engine is single-threaded by design (its state changes with every event), so
/// the actor is its one owner: requests queue up here, timers fire here, rules are
/// reloaded here. With a durable store, each request's work is committed before its
/// response leaves (the same outbox as `groupbot run`), and requests that arrive
/// together share one commit: a request runs its events at once, then waits for a
/// commit that is queued behind the requests already waiting, so under load one
/// transaction carries many requests.
package actor EngineHost {
    let pipeline: EventPipeline
    let sink = RoutingSink()
    private var commitWaiters: [CheckedContinuation<Void, Never>] = []
    private var commitQueued = false
    /// Which committed actions are out of the engine's hands (response written, or delivery
    /// in the ledger) and may be marked emitted; the others are delivered again after a crash.
    private var marks: EmittedMarks
    private let now: @Sendable () -> ContinuousClock.Instant
    let reloader: RuleReloader?
    private let logger: Logger
    /// With several instances, the pipeline's store: the work of each row of the shared log.
    let tap: ClusterTap?
    /// With several instances, the last row of the shared log the engine ran.
    package internal(set) var processedSeq: Int64 = 0

    /// Creates the host.
    /// - Parameters:
    ///   - store: the durable store, or nil to keep state in memory.
    ///   - reloadFrom: the rules directory to watch for changes, or nil not to reload.
    ///   - settleDelay: how long after its hand-off an action is marked emitted (a response
    ///     handed to the network stack is not on the wire yet).
    ///   - now: the clock for that delay.
    ///   - wallClock: the time the engine works at (tests move their own).
    ///   - tap: with several instances, the store that keeps each row's work by partition
    ///     (the store is nil then): the engine runs the shared log on its events' clock.
    package init(book: RuleBook, store: sending (any EngineStore)?, reloadFrom directory: String?, logger: Logger,
                settleDelay: Duration = .seconds(2), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now },
                wallClock: any EngineClock & Sendable = WallClock(), tap: ClusterTap? = nil) {
        self.logger = logger
        marks = EmittedMarks(settleDelay: settleDelay)
        self.now = now
        self.tap = tap
        let sink = self.sink
        let pipeline = EventPipeline(book: book, clock: tap == nil ? .wall : .events, wallClock: wallClock, sink: sink,
                                     flush: .buffered, store: tap ?? store, report: { logger.warning("\($0)") })
        pipeline.defersEmittedMark = true
        self.pipeline = pipeline
        reloader = directory.map { directory in
            RuleReloader(directory: directory, engine: pipeline.engine, log: { logger.notice("\($0)") })
        }
    }

    /// Picks up the state the last process left; returns the actions it had committed
    /// but not handed on, to be delivered now. Give the hand-off back once they are queued.
    package func recover() throws -> (actions: [Action], handOff: HandOff) {
        // The actions to deliver are in the outbox already: nothing is marked until they are queued.
        let handOff = marks.open(committedMark: pipeline.committedMark, firstRow: 0)
        let rerun = try pipeline.recover()
        if rerun > 0 { logger.notice("state recovered: \(rerun) journaled event(s) run again") }
        return (sink.drainUnclaimed(), handOff)
    }

    /// Runs a request's events (after the timers due before them) and returns once
    /// their work is committed. Give ``HandledEvents/handOff`` back to ``handedOff(_:)`` once
    /// the response is written and the later actions are queued.
    package func handle(_ events: [Event]) async -> HandledEvents {
        // Opened before anything runs: while this request waits for its commit, another
        // one's hand-off must not mark this one's actions as emitted.
        let handOff = marks.open(committedMark: pipeline.committedMark)
        pipeline.fireDueTimers()
        let ids = events.map(\.id)
        let ticket = sink.open(eventIDs: ids)
        let before = pipeline.summary
        for event in events { pipeline.handle(event) }
        let processed = pipeline.summary.events - before.events
        let duplicates = pipeline.summary.duplicates - before.duplicates
        await committed()
        return HandledEvents(actions: sink.close(ticket: ticket, eventIDs: ids), later: sink.drainUnclaimed(),
                             processed: processed, duplicates: duplicates, handOff: handOff)
    }

    /// Waits for the next commit, queueing one if none is queued yet.
    private func committed() async {
        await withCheckedContinuation { continuation in
            commitWaiters.append(continuation)
            guard !commitQueued else { return }
            commitQueued = true
            Task { self.commitNow() }  // runs on this actor, after the requests already queued
        }
    }

    private func commitNow() {
        commitQueued = false
        let waiters = commitWaiters
        commitWaiters.removeAll()
        pipeline.flush()
        for waiter in waiters { waiter.resume() }
    }

    /// Says that the actions of one ``handle(_:)``, ``tick()``, ``recover()`` or ``finish()``
    /// are out of the engine's hands: written in a response or held by the delivery ledger.
    package func handedOff(_ handOff: HandOff) {
        if let mark = marks.settle(handOff, committedMark: pipeline.committedMark, now: now()) {
            pipeline.markEmitted(through: mark)
        }
    }

    /// Fires the timers that are due and looks for changed rules; returns the actions to
    /// deliver. Give the hand-off back once they are queued.
    package func tick() -> (actions: [Action], handOff: HandOff) {
        if let mark = marks.due(now: now()) { pipeline.markEmitted(through: mark) }
        let handOff = marks.open(committedMark: pipeline.committedMark)
        if reloader?.check() == true { pipeline.snapshotNow() }
        pipeline.fireDueTimers()
        pipeline.flush()
        return (sink.drainUnclaimed(), handOff)
    }

    /// Audits an action the delivery side decided on (a refused DM's fallback) and returns
    /// it to be queued; give the hand-off back once it is.
    package func recordReplacement(_ action: Action) -> (actions: [Action], handOff: HandOff) {
        let handOff = marks.open(committedMark: pipeline.committedMark)
        pipeline.recordExternal([action])
        pipeline.flush()
        return (sink.drainUnclaimed(), handOff)
    }

    /// Milliseconds until the next timer is due, or nil when none is pending.
    package var millisecondsUntilNextTimer: Int64? { pipeline.millisecondsUntilNextTimer }

    /// The number of group types and rules running now.
    package var ruleCounts: (types: Int, rules: Int) {
        let book = pipeline.engine.book
        return (book.groupTypeNames.count, book.ruleCount)
    }

    /// Commits what is pending and saves a snapshot so the next start is quick; returns the
    /// actions that work produced (give the hand-off back once they are queued, then ``close()``).
    package func finish() -> (actions: [Action], handOff: HandOff) {
        let handOff = marks.open(committedMark: pipeline.committedMark)
        pipeline.finish()
        return (sink.drainUnclaimed(), handOff)
    }

    /// Marks what was handed off as emitted, whatever the delay (the server has written its
    /// last response), and waits for the store's background work.
    package func close() {
        if let mark = marks.all() { pipeline.markEmitted(through: mark) }
        do {
            try pipeline.closeStore()
        } catch {
            logger.error("\(error)")
        }
    }
}
