import ArgumentParser
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire

/// `groupbot explain`: why one event leads to what it does.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show how one event is handled: the group type and why, every rule considered and why it did or did not fire, and the actions.",
        discussion: """
            Give a message text with --group (and optionally who sends it), or a whole event with --event. \
            With --history, a recorded log is replayed first, so cooldowns, strikes and memberships are as they were.
            """
    )

    @OptionGroup var rules: RulesOptions

    @Argument(help: "The message text (when no --event is given).")
    var text: String?

    @Option(help: "The group the message is posted in.")
    var group: String?

    @Option(help: "The group's name (used by name patterns in groups.yaml).")
    var groupName: String?

    @Option(help: "The sender's user id.")
    var user: String = "u-explain"

    @Option(help: "The sender's group nickname.")
    var nick: String?

    @Option(help: "The sender's role: owner, admin or member.")
    var role: String = "member"

    @Option(help: "The message kind: text, image, link, card, red_packet…")
    var kind: String = "text"

    @Option(help: "The event's time (RFC 3339); by default the time after the history, or now.")
    var at: String?

    @Option(help: "A whole wire-format event as JSON, instead of a text.")
    var event: String?

    @Option(help: "A log to replay first (JSON lines), so the engine's state is as it was after it.")
    var history: String?

    func validate() throws {
        if event == nil, text == nil || group == nil {
            throw ValidationError("give a message text and --group, or a whole event with --event")
        }
        if MemberRole(rawValue: role) == nil { throw ValidationError("--role must be owner, admin or member") }
    }

    func run() throws {
        let book = try rules.loadBook()
        let clock = VirtualClock()
        let engine = Engine(book: book, clock: clock)
        if let history {
            guard let input = FileInput(path: history) else { throw ValidationError("cannot open the history '\(history)'") }
            var splitter = LineSplitter()
            while case .data = input.read(timeoutMilliseconds: -1, { chunk in
                splitter.feed(chunk) { item in
                    guard case .line(_, let bytes) = item, let past = try? EventDecoder.decode(line: bytes) else { return }
                    _ = engine.replay(past, on: clock)
                }
            }) {}
        }
        let subject = try makeEvent(after: clock.now)
        clock.advance(to: subject.time)
        let timers = engine.fireDueTimers()
        let explanation = engine.explain(subject)
        let colour = isatty(1) != 0
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let output = FileOutput.standardOutput()
        output.writeLine("event \(subject.id) in \(subject.group) from \(subject.user) (\(subject.role.rawValue)): \(subject.text)")
        output.writeLine("group type: \(paint(explanation.type, "1")) — \(explanation.mappingReason)")
        if !timers.isEmpty { output.writeLine("(\(timers.count) delayed action(s) fell due before it)") }
        output.writeLine("rules, in the order they run:")
        if let flow = explanation.handledByFlow {
            output.writeLine("  handled as \(flow)")
        } else if explanation.verdicts.isEmpty {
            output.writeLine("  no rule of this type reacts to \(subject.type.rawValue) events")
        }
        for verdict in explanation.verdicts {
            let mark = verdict.fired ? paint("✔", "32") : paint("✘", "31")
            output.writeLine("  \(mark) \(verdict.rule): \(verdict.reason)")
        }
        output.writeLine("actions:")
        if explanation.actions.isEmpty { output.writeLine("  none") }
        for action in explanation.actions { output.writeLine("  " + ActionEncoder.line(for: action)) }
    }

    private func makeEvent(after last: Instant) throws -> Event {
        if let event {
            do {
                return try EventDecoder.decode(line: event)
            } catch {
                throw ValidationError("--event: \(error.reason)")
            }
        }
        var time = (last.milliseconds > 0 ? last.adding(seconds: 1) : WallClock().now, 28_800)
        if let at {
            guard let parsed = Timestamp.parse(at) else { throw ValidationError("--at is not an RFC 3339 time: \(at)") }
            time = (parsed.instant, parsed.utcOffsetSeconds)
        }
        return Event(type: .message, id: "explain", time: time.0, utcOffsetSeconds: time.1, group: group ?? "",
                     groupName: groupName, user: user, nick: nick, role: MemberRole(rawValue: role) ?? .member,
                     kind: kind, text: text ?? "")
    }
}
