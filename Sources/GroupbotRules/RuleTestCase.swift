import GroupbotCore

/// A test written in a rule file (`tests:`): events in, the actions expected out.
package struct RuleTestCase: Sendable {
    /// One expected action; fields left out match anything.
    package struct Expected: Sendable, Equatable {
        package var kind: ActionKind?
        package var rule: String?
        package var text: String?
        package var textContains: String?
        package var user: String?
        package var seconds: Int64?
        package var group: String?
    }

    package let name: String
    /// The group type whose rules the case runs (the file's).
    package let type: String
    package let location: SourceLocation
    package let events: [Event]
    /// Seconds the clock runs on after the last event, so delayed actions can fire.
    package let waitSeconds: Int64
    /// Expected actions in order; empty means none.
    package let expected: [Expected]
}

/// The outcome of one ``RuleTestCase``.
package struct RuleTestResult: Sendable {
    package let testCase: RuleTestCase
    package let actions: [Action]

    /// Whether every expected action matched, in order, and nothing else happened.
    package var passed: Bool {
        actions.count == testCase.expected.count && zip(testCase.expected, actions).allSatisfy(Self.matches)
    }

    static func matches(_ expected: RuleTestCase.Expected, _ action: Action) -> Bool {
        (expected.kind.map { $0 == action.kind } ?? true)
            && (expected.rule.map { $0 == action.rule } ?? true)
            && (expected.text.map { $0 == action.text } ?? true)
            && (expected.textContains.map { action.text?.contains($0) == true } ?? true)
            && (expected.user.map { $0 == action.user } ?? true)
            && (expected.group.map { $0 == action.group } ?? true)
            && (expected.seconds.map { $0 == action.seconds } ?? true)
    }
}

/// Runs rule-file tests, each on a fresh engine whose test group is pinned to the file's type.
package enum RuleTestRunner {
    /// The group id test events use.
    package static func group(for type: String) -> String { "test-" + type }

    package static func run(_ cases: [RuleTestCase], book: RuleBook) -> [RuleTestResult] {
        cases.map { testCase in
            let clock = VirtualClock(start: testCase.events.first?.time ?? Instant(milliseconds: 0))
            let engine = Engine(book: book, clock: clock)
            // Every group of the case is of the file's type, unless an event names its group
            // (`group_name`): then groups.yaml maps it, as it would a live group.
            for group in Set([group(for: testCase.type)] + testCase.events.map(\.group)).sorted() {
                engine.pin(group: group, toType: testCase.type)
            }
            var actions: [Action] = []
            for event in testCase.events { actions += engine.replay(event, on: clock) }
            if let last = testCase.events.last, testCase.waitSeconds > 0 {
                clock.advance(to: last.time.adding(seconds: testCase.waitSeconds))
                actions += engine.fireDueTimers()
            }
            return RuleTestResult(testCase: testCase, actions: actions)
        }
    }

    /// A readable account of a failure: what was expected, what happened.
    package static func explainFailure(_ result: RuleTestResult) -> String {
        func describe(_ expected: RuleTestCase.Expected) -> String {
            var parts: [String] = [expected.kind?.rawValue ?? "any action"]
            if let rule = expected.rule { parts.append("by \(rule)") }
            if let user = expected.user { parts.append("to \(user)") }
            if let group = expected.group { parts.append("in \(group)") }
            if let seconds = expected.seconds { parts.append("for \(seconds)s") }
            if let text = expected.text { parts.append("\"\(text)\"") }
            if let text = expected.textContains { parts.append("containing \"\(text)\"") }
            return parts.joined(separator: " ")
        }
        func describe(_ action: Action) -> String {
            var parts = [action.kind.rawValue, "by \(action.rule)"]
            if let user = action.user, action.kind != .send { parts.append("to \(user)") }
            if let seconds = action.seconds { parts.append("for \(seconds)s") }
            if let text = action.text { parts.append("\"\(text)\"") }
            return parts.joined(separator: " ")
        }
        var lines: [String] = []
        let count = max(result.testCase.expected.count, result.actions.count)
        for index in 0..<count {
            let expected = index < result.testCase.expected.count ? describe(result.testCase.expected[index]) : "(nothing)"
            let got = index < result.actions.count ? describe(result.actions[index]) : "(nothing)"
            let same = index < result.testCase.expected.count && index < result.actions.count
                && RuleTestResult.matches(result.testCase.expected[index], result.actions[index])
            lines.append("    \(same ? " " : "✘") expected: \(expected)")
            if !same { lines.append("      got:      \(got)") }
        }
        if count == 0 { lines.append("    expected no actions and got none") }
        return lines.joined(separator: "\n")
    }
}
