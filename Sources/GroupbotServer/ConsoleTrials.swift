import Foundation
import GroupbotCore
import GroupbotReplay
import GroupbotRules
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire

/// "Try a rule" in the console: `explain` for a typed message, `replay --report` and
/// `replay --diff-rules` for a pasted log, written as the commands write them.
enum ConsoleTrials {
    static func describe(_ explanation: Explanation, event: Event) -> String {
        var lines = ["group type: \(explanation.type) — \(explanation.mappingReason)", "rules, in the order they run:"]
        if let flow = explanation.handledByFlow {
            lines.append("  handled as \(flow)")
        } else if explanation.verdicts.isEmpty {
            lines.append("  no rule of this type reacts to \(event.type.rawValue) events")
        }
        for verdict in explanation.verdicts { lines.append("  \(verdict.fired ? "✔" : "✘") \(verdict.rule): \(verdict.reason)") }
        lines.append("actions:")
        if explanation.actions.isEmpty { lines.append("  none") }
        for action in explanation.actions { lines.append("  " + ActionEncoder.line(for: action).trimmingCharacters(in: .newlines)) }
        return lines.joined(separator: "\n")
    }

    /// The replay report of `log` with the rules running now.
    static func report(book: RuleBook, log: String) -> String {
        var problems: [String] = []
        let collector = ReplayReportCollector(book: book)
        let pipeline = EventPipeline(book: book, clock: .events, sink: collector, report: { problems.append($0) })
        var splitter = LineSplitter()
        let bytes = Array(log.utf8)
        bytes.withUnsafeBytes { buffer in splitter.feed(buffer) { pipeline.process($0) } }
        splitter.finish { pipeline.process($0) }
        pipeline.finish()
        return ReplayReportFormat.table.render(collector.report(engine: pipeline.engine))
            + (problems.isEmpty ? "" : "\n\nproblems:\n" + problems.prefix(20).joined(separator: "\n"))
    }

    /// The events of `log` that two rule folders treat differently.
    static func diff(old: String, new: String, log: String) -> String {
        let oldBook: RuleBook, newBook: RuleBook
        do {
            oldBook = try RuleBookLoader.load(directory: old)
            newBook = try RuleBookLoader.load(directory: new)
        } catch {
            return error.description
        }
        let path = NSTemporaryDirectory() + "groupbot-console-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard FileManager.default.createFile(atPath: path, contents: Data(log.utf8)), let input = FileInput(path: path) else {
            return "could not keep the pasted log in \(NSTemporaryDirectory())"
        }
        var lines: [String] = []
        var problems: [String] = []
        let compared = RuleSetDiff(old: oldBook, new: newBook).run(input: input, report: { problems.append($0) }) { difference in
            lines.append("line \(difference.line): \(difference.event)")
            lines += difference.removed.map { "  - " + $0.trimmingCharacters(in: .newlines) }
            lines += difference.added.map { "  + " + $0.trimmingCharacters(in: .newlines) }
        }
        return "\(compared) events compared, \(lines.filter { $0.hasPrefix("line ") }.count) treated differently\n"
            + lines.joined(separator: "\n") + (problems.isEmpty ? "" : "\n\nproblems:\n" + problems.prefix(20).joined(separator: "\n"))
    }
}
