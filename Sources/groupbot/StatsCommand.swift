import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotStore
import GroupbotTransports

/// The output formats of `groupbot stats`.
enum StatsFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
}

/// `groupbot stats --state FILE`: the operators' daily figures.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Print daily figures per group: members, joins, leaves, active members, messages, enforcement, rule hits."
    )

    @OptionGroup var source: StateFileOptions

    @Option(help: "Only groups of this type.")
    var type: String?

    @Option(help: "The first day, YYYY-MM-DD.")
    var from: String?

    @Option(help: "The last day, YYYY-MM-DD.")
    var to: String?

    @Option(help: "table, csv or json.")
    var format: StatsFormat = .table

    func run() throws {
        let store = try source.openStore()
        let figures = try store.dailyFigures(group: source.group, type: type, from: from, to: to)
        FileOutput.standardOutput().writeLine(Self.render(figures, format: format))
    }

    static func render(_ figures: [DailyFigures], format: StatsFormat) -> String {
        let columns = ["day", "group", "type", "members", "joins", "leaves", "active", "messages", "guided", "deleted",
                       "muted", "kicks", "strikes", "hits"]
        func hits(_ row: DailyFigures) -> String {
            Set(row.hits.keys).union(row.falsePositives.keys).sorted().map { rule in
                "\(rule)=\(row.hits[rule] ?? 0)" + (row.falsePositives[rule].map { " (pardoned \($0))" } ?? "")
            }.joined(separator: " ")
        }
        func values(_ row: DailyFigures) -> [String] {
            [row.day, row.group, row.type ?? "", row.members.map(String.init) ?? "", "\(row.joins)", "\(row.leaves)",
             "\(row.active)", "\(row.messages)", "\(row.guided)", "\(row.deleted)", "\(row.muted)", "\(row.kicks)",
             "\(row.strikes)", hits(row)]
        }
        switch format {
        case .csv:
            func field(_ text: String) -> String {
                text.contains(",") || text.contains("\"") ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
            }
            return ([columns.joined(separator: ",")] + figures.map { values($0).map(field).joined(separator: ",") })
                .joined(separator: "\n")
        case .json:
            let rows: [[String: Any]] = figures.map { row in
                var object: [String: Any] = ["day": row.day, "group": row.group, "joins": row.joins, "leaves": row.leaves,
                                             "active": row.active, "messages": row.messages, "guided": row.guided,
                                             "deleted": row.deleted, "muted": row.muted, "kicks": row.kicks,
                                             "strikes": row.strikes, "hits": row.hits,
                                             "false_positives": row.falsePositives]
                if let type = row.type { object["type"] = type }
                if let members = row.members { object["members"] = members }
                return object
            }
            let data = (try? JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .table:
            let table = [columns] + figures.map(values)
            let widths = columns.indices.map { index in table.map { $0[index].count }.max() ?? 0 }
            return table.map { row in
                row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
            }.joined(separator: "\n")
        }
    }
}

/// `groupbot log --state FILE`: every action taken, and why.
struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the audit log: every action taken, with its rule, cause event, text and time.",
        discussion: "Answers \"why was this member muted?\" months later: filter with --user, --group and --rule."
    )

    @OptionGroup var source: StateFileOptions

    @Option(help: "Only actions about this member.")
    var user: String?

    @Option(help: "Only actions of this rule.")
    var rule: String?

    func run() throws {
        let store = try source.openStore()
        let output = FileOutput.standardOutput()
        if let keptFrom = try store.auditKeptFrom() {
            // Say what retention left out, so an empty answer is not mistaken for "nothing happened".
            let day = Timestamp.format(Instant(milliseconds: Int64(keptFrom.timeIntervalSince1970 * 1000)), utcOffsetSeconds: 0)
            FileOutput.standardError().writeLine("audit log kept from \(day); older actions were pruned (the state file's retention)")
        }
        for entry in try store.auditLog(group: source.group, user: user, rule: rule) {
            let action = entry.action
            var line = "\(Timestamp.format(action.due, utcOffsetSeconds: action.utcOffsetSeconds))  \(action.kind.rawValue)"
            if let who = action.user { line += " \(who)" }
            line += " in \(action.group) by rule \(action.rule) (cause \(action.cause))"
            if let seconds = action.seconds { line += " for \(seconds)s" }
            if let text = action.text { line += ": \(text)" }
            if !entry.emitted { line += "  [not yet emitted]" }
            output.writeLine(line)
        }
    }
}

/// The state file to read and the group to look at, shared by `stats` and `log`.
struct StateFileOptions: ParsableArguments {
    @Option(help: "The state written by groupbot run: a file, or a postgres:// address.")
    var state: String = "groupbot.sqlite"

    @Option(help: "Only this group.")
    var group: String?

    /// Opens the state file, which must exist (reading never creates one).
    func openStore() throws -> StateStore {
        guard StateLocation.isDatabase(state) || FileManager.default.fileExists(atPath: state) else {
            throw ValidationError("no state file at \(state)")
        }
        return try StateStore.open(state)
    }
}
