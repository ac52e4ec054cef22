import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotTransports

/// `groupbot run`: events in on stdin, actions out on stdout.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Read events as JSON lines on stdin and write actions as JSON lines on stdout.",
        discussion: """
            Actions are written as soon as their event is processed. Problems (a malformed line, \
            a regex that gave up) go to stderr as 'line N: reason' and the stream goes on. \
            With the wall clock, delayed actions and schedules fire even when no event arrives.
            """
    )

    @OptionGroup var rules: RulesOptions

    @Option(help: "What moves the engine's clock: 'wall' (the system clock, for live groups) or 'events' (the events' timestamps, as replay does).")
    var clock: ClockMode = .wall

    @Option(help: "When actions are written out: 'auto' (as soon as the input pauses: right for live pipes), 'line' (after every event) or 'buffered' (in large blocks: files and benchmarks).")
    var flush: FlushPolicy = .auto

    @Option(help: "The state, a SQLite file (WAL) or a postgres:// address: strikes, timers, cooldowns and the outbox survive restarts, and an event delivered twice acts once. 'memory' keeps state in memory only.")
    var state: String = "groupbot.sqlite"

    @Option(help: "Days of actions the state file keeps for 'groupbot log'; older ones are pruned with each snapshot.")
    var keepDays: Int = 90

    @Flag(help: "Sync the state file at every commit (a batch of events, not each event): a power cut then loses nothing committed. Slower.")
    var syncCommits = false

    @Flag(inversion: .prefixedNo, help: "Reload the rules on SIGHUP and when a rule file changes (checked every second); a bad file keeps the old rules running.")
    var reload = true

    func validate() throws {
        guard keepDays >= 1 else { throw ValidationError("--keep-days must be 1 or more") }
    }

    func run() throws {
        MallocSettings.mapLargeBlocks(environment: ProcessInfo.processInfo.environment)
        let book = try rules.loadBook()
        let errors = FileOutput.standardError()
        let store = try StateOption.openOwned(state)
        // Without a store the actions are encoded and written by the reading thread while it
        // waits (BackgroundSink over SideWork); with one, the store's writer thread writes them
        // after each commit (StoreWriter).
        let output = JSONLinesSink(output: .standardOutput())
        let side = SideWork()
        let pipeline = EventPipeline(book: book, clock: clock, sink: store == nil ? BackgroundSink(output, work: side) : output,
                                     flush: flush, store: store, report: { errors.writeLine($0) })
        do {
            let rerun = try pipeline.recover()
            if rerun > 0 { errors.writeLine("state \(state): recovered, \(rerun) journaled event(s) run again") }
        } catch {
            errors.writeLine("state \(state): \(error)")
            throw ExitCode(1)
        }
        // SQLite writes on a second core while the engine goes on; checkpoints (which sync the
        // file) and snapshots run on threads of their own, so the writer never stalls on them.
        let sqlite = store as? StateStore
        if let sqlite {
            sqlite.retention.auditDays = keepDays
            do {
                if syncCommits { try sqlite.syncEveryCommit() }
                try sqlite.checkpointInBackground(truncateAboveBytes: 256 << 20)
            } catch {
                errors.writeLine(error.description)
                throw ExitCode(1)
            }
            sqlite.snapshotInBackground()
        }
        pipeline.commitInBackground()
        let reloader = reload ? RuleReloader(directory: rules.rules, engine: pipeline.engine, log: { errors.writeLine($0) }) : nil
        StreamRunner.run(input: .standardInput(), pipeline: pipeline, clock: clock, idleInterval: 1000, side: side,
                         idle: {
                             if reloader?.check() == true { pipeline.snapshotNow() }
                             pipeline.idle()
                         })
        do {
            try store?.close()  // waits for the last snapshot, taken when the input ended
        } catch {
            errors.writeLine("state \(state): \(error)")
        }
        pipeline.reportDroppedTimers(to: errors, kept: store != nil)
        if pipeline.summary.unsavedEvents > 0 {
            // Their actions went out, but the state does not know them: a re-sent copy acts again.
            errors.writeLine("state \(state): \(pipeline.summary.unsavedEvents) event(s) were run but not saved")
            throw ExitCode(1)
        }
    }
}
