import GroupbotCore

/// How the engine's clock moves.
public enum ClockMode: String, Sendable, CaseIterable {
    /// The system's wall clock: live groups.
    case wall
    /// The events' own timestamps: replaying a recorded log. Timers due
    /// between two events fire, in order, before the later event.
    case events
}

/// When buffered actions are written out.
public enum FlushPolicy: String, Sendable, CaseIterable {
    /// Whenever the input has nothing more ready: a live pipe sees each action at once,
    /// a file or a busy pipe is written in large blocks.
    case auto
    /// After every event's actions.
    case line
    /// Only when the buffer is full and at the end (files and benchmarks).
    case buffered
}

/// Counts kept while a stream is processed.
public struct StreamSummary: Sendable, Equatable {
    /// Lines read, blank ones included.
    public var lines: Int
    /// Events decoded and run.
    public var events: Int
    /// Lines reported as bad and skipped.
    public var rejectedLines: Int
    /// Actions delivered.
    public var actions: Int

    /// Creates a summary.
    public init(lines: Int = 0, events: Int = 0, rejectedLines: Int = 0, actions: Int = 0) {
        self.lines = lines
        self.events = events
        self.rejectedLines = rejectedLines
        self.actions = actions
    }
}

/// The shared middle of every line-based transport: decode a line, move the
/// clock, run the engine, hand the actions to the sink. A bad line is reported
/// as `line N: reason` and the stream goes on.
public final class EventPipeline {
    public let engine: Engine
    private let clock: any EngineClock
    private let virtualClock: VirtualClock?
    private let sink: any ActionSink
    private let report: (String) -> Void
    /// When the sink is flushed.
    public let flushPolicy: FlushPolicy
    /// Called with every decoded event before it runs (reports, progress).
    public var onEvent: ((Event) -> Void)?
    public private(set) var summary = StreamSummary()

    /// Creates a pipeline over a fresh engine for `book`.
    /// - Parameter report: receives one line per problem (bad input line, regex that gave up).
    public init(
        book: RuleBook, clock mode: ClockMode, sink: any ActionSink, flush: FlushPolicy = .auto,
        report: @escaping (String) -> Void
    ) {
        self.flushPolicy = flush
        let virtualClock = mode == .events ? VirtualClock() : nil
        let clock: any EngineClock = virtualClock ?? WallClock()
        self.virtualClock = virtualClock
        self.clock = clock
        self.engine = Engine(book: book, clock: clock)
        self.sink = sink
        self.report = report
    }

    /// Processes one item from a ``LineSplitter``.
    public func process(_ item: LineSplitter.Item) {
        switch item {
        case .tooLong(let number, let length):
            summary.lines += 1
            summary.rejectedLines += 1
            report("line \(number): longer than the limit (\(length) bytes), skipped")
        case .line(let number, let bytes):
            summary.lines += 1
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank lines separate nothing
            let decoded = Result { () throws(EventDecodingError) -> Event in try EventDecoder.decode(line: bytes) }
            switch decoded {
            case .failure(let error):
                summary.rejectedLines += 1
                report("line \(number): \(error.reason)")
            case .success(let event):
                handle(event)
            }
        }
    }

    /// Runs one decoded event (after firing the timers due before it, on a virtual clock).
    public func handle(_ event: Event) {
        summary.events += 1
        onEvent?(event)
        if let virtualClock {
            virtualClock.advance(to: event.time)
            deliver(engine.fireDueTimers())
        }
        deliver(engine.handle(event))
        for problem in engine.drainProblems() { report(problem) }
        if flushPolicy == .line { sink.flush() }
    }

    /// Fires the timers due now (on the wall clock, between events).
    public func fireDueTimers() {
        deliver(engine.fireDueTimers())
    }

    /// Flushes the sink if the policy writes out whenever the input pauses.
    public func inputPaused() {
        if flushPolicy != .buffered { sink.flush() }
    }

    /// Milliseconds until the next timer is due, or nil when none is pending.
    public var millisecondsUntilNextTimer: Int64? {
        engine.nextTimerDue.map { max(0, $0.milliseconds - clock.now.milliseconds) }
    }

    /// Flushes the sink.
    public func flush() {
        sink.flush()
    }

    private func deliver(_ actions: [Action]) {
        guard !actions.isEmpty else { return }
        summary.actions += actions.count
        sink.deliver(actions)
    }
}
