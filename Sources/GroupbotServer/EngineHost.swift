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
        self.pipeline = pipeline
        reloader = directory.map { directory in
            RuleReloader(directory: directory, engine: pipeline.engine, log: { logger.notice("\($0)") })
        }
    }

    /// Picks up the state the last process left; returns the actions it had committed
    /// but not handed on, to be delivered now.
    public func recover() throws -> [Action] {
        let rerun = try pipeline.recover()
        if rerun > 0 { logger.notice("state recovered: \(rerun) journaled event(s) run again") }
        return sink.drainUnclaimed()
    }

    /// Runs a request's events (after the timers due before them) and returns once
    /// their work is committed.
    public func handle(_ events: [Event]) async -> HandledEvents {
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

    /// Fires the timers that are due and looks for changed rules; returns the actions to deliver.
    public func tick() -> [Action] {
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

    /// Saves a snapshot so the next start is quick.
    public func shutdown() {
        pipeline.finish()
        do {
            try waitForSnapshots?()
        } catch {
            logger.error("\(error)")
        }
    }
}
