import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire
import SwiftCSV

/// `groupbot members import FILE`: a platform's member list into the state file.
struct MembersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "members",
        abstract: "Teach the state file who is in which group.",
        subcommands: [Import.self]
    )

    /// `groupbot members import FILE`.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a member list (CSV or JSON lines) as `member` events.",
            discussion: """
                For platforms whose API lists no members (WeChat- and WeCom-style bridges): on the day \
                groupbot starts, it knows nobody's memberships, so "at most N groups" cannot fire for \
                existing members. A CSV needs the header group,user and may add nick and role; a JSON \
                lines file holds one {"group","user","nick","role"} object (or a wire-format `member` \
                event) per line. Each line becomes a `member` event (docs/wire-format.md): it runs no \
                rule and no flow. A bad line is reported and the rest are imported.
                """
        )

        @OptionGroup var rules: RulesOptions

        @Option(help: "The state file to import into (the one `run` or `serve` uses; neither may be running on it).")
        var state: String = "groupbot.sqlite"

        @Argument(help: "The member list: a .csv file, or JSON lines.")
        var file: String

        func run() throws {
            let errors = FileOutput.standardError()
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                errors.writeLine("\(file): cannot be read (\(error.localizedDescription))")
                throw ExitCode(1)
            }
            let stamp = WallClock().now
            let list = file.lowercased().hasSuffix(".csv")
                ? MemberList.csv(text, file: file, at: stamp) : MemberList.jsonLines(text, file: file, at: stamp)
            for problem in list.problems { errors.writeLine(problem) }
            guard state != "memory" else {
                errors.writeLine("--state memory keeps nothing: import into the state file run or serve uses")
                throw ExitCode(1)
            }
            let book = try rules.loadBook()
            let store = try StateOption.openOwned(state)
            // Actions that fall due while importing (timers of the state file) are committed and
            // left unmarked: the next run or serve delivers them, as after a crash.
            let pending = CollectingSink()
            let pipeline = EventPipeline(book: book, clock: .events, sink: pending, flush: .buffered, store: store,
                                         report: { errors.writeLine($0) })
            pipeline.defersEmittedMark = true
            do {
                _ = try pipeline.recover()
            } catch {
                errors.writeLine("state \(state): \(error)")
                throw ExitCode(1)
            }
            for event in list.events { pipeline.handle(event) }
            let known = Set(book.groupTypeNames)
            let unmapped = Set(list.events.map(\.group)).filter { pipeline.engine.typeName(ofGroup: $0).map(known.contains) != true }
            pipeline.finish()
            do {
                try pipeline.closeStore()
            } catch {
                errors.writeLine("state \(state): \(error)")
                throw ExitCode(1)
            }
            let groups = Set(list.events.map(\.group)).count
            var summary = "imported \(list.events.count) member line(s) of \(groups) group(s) into \(state)"
            if !list.problems.isEmpty { summary += "; \(list.problems.count) line(s) skipped" }
            errors.writeLine(summary)
            if !unmapped.isEmpty {
                errors.writeLine("\(unmapped.count) group(s) map to no group type (groups.yaml), so their lines teach nothing: "
                                 + unmapped.sorted().prefix(5).joined(separator: ", "))
            }
            if !pending.actions.isEmpty {
                errors.writeLine("\(pending.actions.count) action(s) of the state's timers fell due; the next run or serve delivers them")
            }
        }
    }
}

/// A member list read from a file: `member` events, and a line for each row that could not be read.
struct MemberList {
    var events: [Event] = []
    var problems: [String] = []

    /// Adds a member; `where` names the row in problems.
    private mutating func add(group: String?, user: String?, nick: String?, role: String?, at stamp: Instant, where place: String) {
        guard let group, !group.isEmpty else { return problems.append("\(place): missing group") }
        guard let user, !user.isEmpty else { return problems.append("\(place): missing user") }
        var memberRole = MemberRole.member
        if let role, !role.isEmpty {
            guard let parsed = MemberRole(rawValue: role) else {
                return problems.append("\(place): role '\(role)'; expected one of \(MemberRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            memberRole = parsed
        }
        events.append(Event(type: .member, id: "member:\(group):\(user)@\(stamp.milliseconds)", time: stamp, utcOffsetSeconds: 0,
                            group: group, user: user, nick: nick.flatMap { $0.isEmpty ? nil : $0 }, role: memberRole))
    }

    /// A CSV file with a header naming at least `group` and `user`.
    static func csv(_ text: String, file: String, at stamp: Instant) -> MemberList {
        var list = MemberList()
        do {
            let table = try NamedCSV(string: text, delimiter: .comma, loadColumns: false)
            let header = Set(table.header.map { $0.trimmingCharacters(in: .whitespaces) })
            guard header.contains("group"), header.contains("user") else {
                list.problems.append("\(file):1: the header is \(table.header.joined(separator: ",")); expected group,user[,nick][,role]")
                return list
            }
            for (index, row) in table.rows.enumerated() {
                let cell = { (name: String) in row[name]?.trimmingCharacters(in: .whitespaces) }
                list.add(group: cell("group"), user: cell("user"), nick: cell("nick"), role: cell("role"), at: stamp,
                         where: "\(file):\(index + 2)")
            }
        } catch {
            list.problems.append("\(file): not a CSV file (\(error))")
        }
        return list
    }

    /// JSON lines of member records (`group`, `user`, optional `nick` and `role`).
    static func jsonLines(_ text: String, file: String, at stamp: Instant) -> MemberList {
        var list = MemberList()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            let place = "\(file):\(index + 1)"
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                list.problems.append("\(place): not a JSON object")
                continue
            }
            if let type = object["type"] as? String, type != EventType.member.rawValue {
                list.problems.append("\(place): a '\(type)' event; a member list holds members only")
                continue
            }
            let text = { (key: String) -> String? in
                if let string = object[key] as? String { return string }
                return (object[key] as? NSNumber).map(\.stringValue)  // QQ numbers are often numbers
            }
            list.add(group: text("group"), user: text("user"), nick: text("nick"), role: text("role"), at: stamp, where: place)
        }
        return list
    }
}
