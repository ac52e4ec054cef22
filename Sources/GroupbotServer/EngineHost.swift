import GroupbotCore
import GroupbotStore
import GroupbotTransports
import Logging

/// What the engine did with the events of one request.
public struct HandledEvents: Sendable {
    /// The actions the request's events caused, in order: they go back in the response.
    public var actions: [Action]
    /// Actions of timers that fell due meanwhile: they go out as deliveries.
    public var later: [Action]
    /// Events run.
    public var processed: Int
    /// Events skipped because their id was already processed.
    public var duplicates: Int
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
public actor EngineHost {
    private let pipeline: EventPipeline
    private let sink = RoutingSink()
    private var commitWaiters: [CheckedContinuation<Void, Never>] = []
    private var commitQueued = false
    /// Requests, ticks and the recovery whose actions are not yet out of the engine's hands
    /// (response written, or delivery in the ledger). Committed actions are marked emitted
    /// only when none is left, so a crash before that delivers them again after the restart
    /// instead of losing them.
    private var awaitingHandOff = 0
    /// Waits for snapshots written in the background (SQLite) and empties the log, at shutdown.
    private let waitForSnapshots: (() throws -> Void)?
    private let reloader: RuleReloader?
    private let logger: Logger

    /// Creates the host.
    /// - Parameters:
    ///   - store: the durable store, or nil to keep state in memory.
    ///   - reloadFrom: the rules directory to watch for changes, or nil not to reload.
    public init(book: RuleBook, store: sending (any EngineStore)?, reloadFrom directory: String?, logger: Logger) {
        self.logger = logger
        if let sqlite = store as? SQLiteStore {
            waitForSnapshots = {
                try sqlite.waitForSnapshots()
                try sqlite.finishCheckpoints()
            }
        } else {
            waitForSnapshots = nil
        }
        let sink = self.sink
        let pipeline = EventPipeline(book: book, clock: .wall, sink: sink, flush: .buffered, store: store,
                                     report: { logger.warning("\($0)") })
        pipeline.defersEmittedMark = true
        self.pipeline = pipeline
        reloader = directory.map { directory in
            RuleReloader(directory: directory, engine: pipeline.engine, log: { logger.notice("\($0)") })
        }
    }

    /// Picks up the state the last process left; returns the actions it had committed
    /// but not handed on, to be delivered now. Call ``handedOff()`` once they are queued.
    public func recover() throws -> [Action] {
        awaitingHandOff += 1
        let rerun = try pipeline.recover()
        if rerun > 0 { logger.notice("state recovered: \(rerun) journaled event(s) run again") }
        return sink.drainUnclaimed()
    }

    /// Runs a request's events (after the timers due before them) and returns once
    /// their work is committed. Call ``handedOff()`` once the response is written and
    /// the later actions are queued.
    public func handle(_ events: [Event]) async -> HandledEvents {
        // Counted from the start: while this request waits for its commit, another one's
        // hand-off must not mark this one's actions as emitted.
        awaitingHandOff += 1
        pipeline.fireDueTimers()
        let ids = events.map(\.id)
        let ticket = sink.open(eventIDs: ids)
        let before = pipeline.summary
        for event in events { pipeline.handle(event) }
        let processed = pipeline.summary.events - before.events
        let duplicates = pipeline.summary.duplicates - before.duplicates
        await committed()
        return HandledEvents(actions: sink.close(ticket: ticket, eventIDs: ids), later: sink.drainUnclaimed(),
                             processed: processed, duplicates: duplicates)
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

    /// Says that the actions of one ``handle(_:)``, ``tick()`` or ``recover()`` are out of the
    /// engine's hands: written in a response or held by the delivery ledger.
    public func handedOff() {
        awaitingHandOff -= 1
        if awaitingHandOff == 0 { pipeline.markEmitted() }
    }

    /// Fires the timers that are due and looks for changed rules; returns the actions to
    /// deliver. Call ``handedOff()`` once they are queued.
    public func tick() -> [Action] {
        awaitingHandOff += 1
        if reloader?.check() == true { pipeline.snapshotNow() }
        pipeline.fireDueTimers()
        pipeline.flush()
        return sink.drainUnclaimed()
    }

    /// Milliseconds until the next timer is due, or nil when none is pending.
    public var millisecondsUntilNextTimer: Int64? { pipeline.millisecondsUntilNextTimer }

    /// The number of group types and rules running now.
    public var ruleCounts: (types: Int, rules: Int) {
        let book = pipeline.engine.book
        return (book.types.count, book.ruleCount)
    }

    /// Commits what is pending and saves a snapshot so the next start is quick; returns the
    /// actions that work produced (call ``handedOff()`` once they are queued, then ``close()``).
    public func finish() -> [Action] {
        awaitingHandOff += 1
        pipeline.finish()
        return sink.drainUnclaimed()
    }

    /// Waits for the store's background work at shutdown.
    public func close() {
        do {
            try waitForSnapshots?()
        } catch {
            logger.error("\(error)")
        }
    }
}
