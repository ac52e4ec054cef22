import ArgumentParser
import Foundation
import GroupbotTransports

/// `groupbot replay log.jsonl`: run a recorded log on a virtual clock.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a recorded log through the rules on a virtual clock taken from the events' timestamps.",
        discussion: """
            The output is the same bytes on every run and machine. With --expect, the actions are \
            compared with a file of expected actions: a readable diff is printed and the exit \
            status is 1 when they differ.
            """
    )

    @Argument(help: "The log to replay: events as JSON lines ('-' for stdin).")
    var log: String

    @OptionGroup var rules: RulesOptions

    @Option(help: "A file of expected actions (JSON lines); print a diff and exit 1 when the replay differs.")
    var expect: String?

    func validate() throws {
        if let expect, !FileManager.default.isReadableFile(atPath: expect) {
            throw ValidationError("cannot read the expected actions file '\(expect)'")
        }
    }

    func run() throws {
        let book = try rules.loadBook()
        guard let input = log == "-" ? FileInput.standardInput() : FileInput(path: log) else {
            throw ValidationError("cannot open the log '\(log)'")
        }
        let errors = FileOutput.standardError()
        let report: (String) -> Void = { errors.writeLine("\(log): \($0)") }
        guard let expect else {
            let pipeline = EventPipeline(book: book, clock: .events, sink: JSONLinesSink(output: .standardOutput()),
                                         report: report)
            StreamRunner.run(input: input, pipeline: pipeline, clock: .events)
            pipeline.reportDroppedTimers(to: errors)
            return
        }
        let sink = CollectingSink()
        let pipeline = EventPipeline(book: book, clock: .events, sink: sink, report: report)
        StreamRunner.run(input: input, pipeline: pipeline, clock: .events)
        pipeline.reportDroppedTimers(to: errors)
        let actual = sink.actions.map(ActionEncoder.line(for:))
        let expectedText = (try? String(contentsOfFile: expect, encoding: .utf8)) ?? ""
        let expected = expectedText.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let output = FileOutput.standardOutput()
        if let diff = LineDiff.unified(expected: expected, actual: actual, expectedName: expect,
                                       actualName: "replay of \(log)") {
            output.writeLine(diff)
            errors.writeLine("replay differs from \(expect): expected \(expected.count) actions, got \(actual.count)")
            throw ExitCode(1)
        }
        errors.writeLine("replay matches \(expect): \(actual.count) actions from \(pipeline.summary.events) events")
    }
}
