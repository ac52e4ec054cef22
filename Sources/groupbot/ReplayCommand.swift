import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotReplay
import GroupbotRuntime
import GroupbotStore
import GroupbotTransports
import GroupbotWire

/// `groupbot replay log.jsonl`: run a recorded log on a virtual clock.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a recorded log through the rules on a virtual clock taken from the events' timestamps.",
        discussion: """
            The output is the same bytes on every run and machine. With --expect, the actions are \
            compared with a file of expected actions: a readable diff is printed and the exit \
            status is 1 when they differ. With --report, a summary of what every rule did is printed \
            instead of the actions. With --diff-rules OLD NEW, the log runs through both rule sets and \
            only the events they treat differently are printed.
            """
    )

    @Argument(help: "The log to replay: events as JSON lines ('-' for stdin).")
    var log: String?

    @OptionGroup var rules: RulesOptions

    @Option(help: "A file of expected actions (JSON lines); print a diff and exit 1 when the replay differs.")
    var expect: String?

    @Flag(help: "Print a report (hits per rule and group type, silent rules, strikes, busiest groups) instead of the actions.")
    var report = false

    @Option(help: "The report's format: table, json or html.")
    var format: ReplayReportFormat = .table

    @Option(help: "Let timers and schedules run until this time (RFC 3339) after the last event.")
    var until: String?

    @Flag(help: "Print the daily figures of the replayed log (as groupbot stats does) instead of the actions.")
    var stats = false

    @Flag(help: "Print each action with the time a live serve would send it (its pacing: docs/adapters.md) instead of the actions.")
    var pace = false

    @Option(help: "With --pace: the serve configuration file whose pacing settings to use (default: the defaults).")
    var config: String?

    @Option(name: .customLong("diff-rules"), parsing: .upToNextOption,
            help: "Two rule directories, old and new: print only the events whose actions differ between them.")
    var diffRules: [String] = []

    /// The log path, which may also follow the two --diff-rules directories.
    private var logPath: String {
        log ?? (diffRules.count == 3 ? diffRules[2] : "-")
    }

    func validate() throws {
        if let expect, !FileManager.default.isReadableFile(atPath: expect) {
            throw ValidationError("cannot read the expected actions file '\(expect)'")
        }
        if !diffRules.isEmpty, diffRules.count != 2, !(diffRules.count == 3 && log == nil) {
            throw ValidationError("--diff-rules takes two rule directories: the old rules and the new ones")
        }
        if let until, Timestamp.parse(until) == nil {
            throw ValidationError("--until is not an RFC 3339 time: \(until)")
        }
        if log == nil, diffRules.count != 3 {
            throw ValidationError("missing the log to replay (a JSON-lines file, or '-' for stdin)")
        }
    }

    func run() throws {
        MallocSettings.mapLargeBlocks(environment: ProcessInfo.processInfo.environment)
        let logPath = logPath
        guard let input = logPath == "-" ? FileInput.standardInput() : FileInput(path: logPath) else {
            throw ValidationError("cannot open the log '\(logPath)'")
        }
        let errors = FileOutput.standardError()
        let problems: (String) -> Void = { errors.writeLine("\(logPath): \($0)") }
        if diffRules.count >= 2 {
            try runDiff(input: input, problems: problems)
            return
        }
        let book = try rules.loadBook()
        let progress = ProgressLine(path: logPath)
        let end = until.flatMap(Timestamp.parse)?.instant
        if stats {
            let path = NSTemporaryDirectory() + "groupbot-replay-\(UUID().uuidString).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let store = try StateOption.open(path)
            let pipeline = EventPipeline(book: book, clock: .events, sink: CollectingSink(), store: store, report: problems)
            pipeline.commitInBackground()
            StreamRunner.run(input: input, pipeline: pipeline, clock: .events)
            if let end {
                pipeline.run(until: end)
                pipeline.finish()  // the figures are written with the snapshot
            }
            guard let sqlite = store as? StateStore else { return }
            let figures = try sqlite.dailyFigures()
            FileOutput.standardOutput().writeLine(StatsCommand.render(figures, format: format == .json ? .json : .table))
            return
        }
        if report {
            let collector = ReplayReportCollector(book: book)
            let pipeline = EventPipeline(book: book, clock: .events, sink: collector, report: problems)
            pipeline.onEvent = collector.observe
            StreamRunner.run(input: input, pipeline: pipeline, clock: .events) { progress?.update(bytes: $0, events: pipeline.summary.events) }
            progress?.finish()
            FileOutput.standardOutput().writeLine(format.render(collector.report(engine: pipeline.engine)))
            return
        }
        if pace {
            let limits = try PacedReplay.limits(configPath: config)
            let sink = CollectingSink()
            let pipeline = EventPipeline(book: book, clock: .events, sink: sink, report: problems)
            StreamRunner.run(input: input, pipeline: pipeline, clock: .events)
            if let end { pipeline.run(until: end) }
            let paced = PacedReplay.render(sink.actions, limits: limits)
            for line in paced.lines { FileOutput.standardOutput().writeLine(line) }
            errors.writeLine(paced.summary)
            return
        }
        guard let expect else {
            let side = SideWork()
            let pipeline = EventPipeline(book: book, clock: .events, sink: BackgroundSink(JSONLinesSink(output: .standardOutput()), work: side),
                                         report: problems)
            StreamRunner.run(input: input, pipeline: pipeline, clock: .events, side: side)
            if let end { pipeline.run(until: end) }
            pipeline.reportDroppedTimers(to: errors)
            return
        }
        let sink = CollectingSink()
        let pipeline = EventPipeline(book: book, clock: .events, sink: sink, report: problems)
        StreamRunner.run(input: input, pipeline: pipeline, clock: .events)
        if let end { pipeline.run(until: end) }
        pipeline.reportDroppedTimers(to: errors)
        let actual = sink.actions.map(ActionEncoder.line(for:))
        let expectedText = (try? String(contentsOfFile: expect, encoding: .utf8)) ?? ""
        let expected = expectedText.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if let diff = LineDiff.unified(expected: expected, actual: actual, expectedName: expect,
                                       actualName: "replay of \(logPath)") {
            FileOutput.standardOutput().writeLine(diff)
            errors.writeLine("replay differs from \(expect): expected \(expected.count) actions, got \(actual.count)")
            throw ExitCode(1)
        }
        errors.writeLine("replay matches \(expect): \(actual.count) actions from \(pipeline.summary.events) events")
    }

    private func runDiff(input: FileInput, problems: @escaping (String) -> Void) throws {
        let old = try RulesOptions(rules: diffRules[0]).loadBook()
        let new = try RulesOptions(rules: diffRules[1]).loadBook()
        let output = FileOutput.standardOutput()
        var differing = 0
        let events = RuleSetDiff(old: old, new: new).run(input: input, report: problems) { difference in
            differing += 1
            output.buffer.append(contentsOf: "@@ line \(difference.line): \(difference.event)\n".utf8)
            for line in difference.removed { output.buffer.append(contentsOf: "- \(line)\n".utf8) }
            for line in difference.added { output.buffer.append(contentsOf: "+ \(line)\n".utf8) }
            output.flush()
        }
        FileOutput.standardError().writeLine(
            "\(differing) of \(events) events act differently under \(diffRules[1]) than under \(diffRules[0])")
    }
}
