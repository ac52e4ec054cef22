import GroupbotCore
import Yams

/// Parses the `tests:` section of a type file into ``RuleTestCase``s.
///
/// ```yaml
/// tests:
///   - name: 价格问题有回复
///     event: { text: "鱼油多少钱", nick: 西安-王芳-鱼油 }
///     expect:
///       - { action: send, rule: faq-price, text_contains: 活动价 }
///   - name: 管理员发链接不处理
///     events:
///       - { text: "活动链接", kind: link, role: admin }
///     expect: none
/// ```
/// Events default to a message from member `u-test` in the test group, one
/// minute apart from 2026-11-20 10:00 (a Friday) in the file's time zone,
/// unless `start:` or an event's `at:` (a delay from the start) says otherwise.
struct RuleTestParser {
    static let defaultStart = "2026-11-20T10:00:00+08:00"

    let reader: YAMLNodeReader
    let type: String

    func parse(_ node: Node) -> [RuleTestCase] {
        guard case .sequence(let items) = node else {
            reader.fail(node, "'tests' should be a list", expected: "- name: … with event: and expect:")
            return []
        }
        return items.compactMap(parseCase)
    }

    private func parseCase(_ node: Node) -> RuleTestCase? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.testCase, what: "a test") else { return nil }
        let name = keys["name"].flatMap { reader.string($0, what: "name") } ?? "line \(reader.location(of: node).line)"
        var start = Timestamp.parse(Self.defaultStart)!
        if let startNode = keys["start"], let text = reader.string(startNode, what: "start") {
            guard let parsed = Timestamp.parse(text) else {
                reader.fail(startNode, "start '\(text)' is not an RFC 3339 time", expected: "e.g. 2026-11-20T20:30:00+08:00")
                return nil
            }
            start = parsed
        }
        var eventNodes: [Node] = []
        if let single = keys["event"] { eventNodes.append(single) }
        if let list = keys["events"] {
            guard case .sequence(let items) = list else {
                reader.fail(list, "'events' should be a list", expected: "- { text: … }")
                return nil
            }
            eventNodes += items
        }
        guard !eventNodes.isEmpty else {
            reader.fail(node, "test '\(name)' has no event", expected: "event: { text: … } or events: [...]")
            return nil
        }
        var events: [Event] = []
        for (index, eventNode) in eventNodes.enumerated() {
            guard let event = parseEvent(eventNode, index: index, start: start) else { return nil }
            events.append(event)
        }
        let wait = keys["wait"].flatMap { reader.duration($0, what: "wait") } ?? 0
        guard let expectNode = keys["expect"] else {
            reader.fail(node, "test '\(name)' has no expect", expected: "expect: a list of actions, or none")
            return nil
        }
        var expected: [RuleTestCase.Expected] = []
        if case .scalar(let scalar) = expectNode {
            guard ["none", "no actions", "[]"].contains(scalar.string) else {
                reader.fail(expectNode, "expect '\(scalar.string)' is not a list of actions", expected: "a list, or none")
                return nil
            }
        } else if case .sequence(let items) = expectNode {
            for item in items {
                guard let parsed = parseExpected(item) else { return nil }
                expected.append(parsed)
            }
        } else {
            reader.fail(expectNode, "expect should be a list of actions or none", expected: "- { action: send, rule: … }")
            return nil
        }
        return RuleTestCase(name: name, type: type, location: reader.location(of: node), events: events,
                            waitSeconds: wait, expected: expected)
    }

    private func parseEvent(_ node: Node, index: Int, start: (instant: Instant, utcOffsetSeconds: Int)) -> Event? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.testEvent, what: "a test event") else { return nil }
        func text(_ key: String) -> String? { keys[key].flatMap { reader.string($0, what: key) } }
        var type = EventType.message
        if let name = text("type") {
            guard let parsed = EventType(rawValue: name) else {
                reader.fail(keys["type"], "unknown event type '\(name)'", expected: EventType.allCases.map(\.rawValue).joined(separator: ", "),
                            suggestion: Spelling.suggestion(for: name, among: EventType.allCases.map(\.rawValue)))
                return nil
            }
            type = parsed
        }
        let offset = keys["at"].flatMap { reader.duration($0, what: "at") } ?? Int64(index * 60)
        var event = Event(type: type, id: text("id") ?? "t\(index + 1)", time: start.instant.adding(seconds: offset),
                          utcOffsetSeconds: start.utcOffsetSeconds, group: text("group") ?? RuleTestRunner.group(for: self.type),
                          user: text("user") ?? "u-test")
        event.groupName = text("group_name")
        event.nick = text("nick")
        if let role = text("role") {
            guard let parsed = MemberRole(rawValue: role) else {
                reader.fail(keys["role"], "unknown role '\(role)'", expected: "owner, admin or member")
                return nil
            }
            event.role = parsed
        }
        event.kind = text("kind") ?? "text"
        event.text = text("text") ?? ""
        event.amount = text("amount").flatMap(Double.init)
        event.inviter = text("inviter")
        event.oldNick = text("old_nick")
        event.replyTo = text("reply_to")
        event.mentions = keys["mentions"].flatMap { reader.strings($0, what: "mentions") } ?? []
        event.memberCount = keys["member_count"].flatMap { reader.integer($0, what: "member_count") }
        return event
    }

    private func parseExpected(_ node: Node) -> RuleTestCase.Expected? {
        guard let keys = reader.mapping(node, allowed: Vocabulary.testExpect, what: "an expected action") else { return nil }
        var expected = RuleTestCase.Expected()
        if let node = keys["action"], let name = reader.string(node, what: "action") {
            guard let kind = ActionKind(rawValue: name) else {
                reader.fail(node, "unknown action '\(name)'", expected: ActionKind.allCases.map(\.rawValue).joined(separator: ", "),
                            suggestion: Spelling.suggestion(for: name, among: ActionKind.allCases.map(\.rawValue)))
                return nil
            }
            expected.kind = kind
        }
        expected.rule = keys["rule"].flatMap { reader.string($0, what: "rule") }
        expected.text = keys["text"].flatMap { reader.string($0, what: "text") }
        expected.textContains = keys["text_contains"].flatMap { reader.string($0, what: "text_contains") }
        expected.user = keys["user"].flatMap { reader.string($0, what: "user") }
        expected.group = keys["group"].flatMap { reader.string($0, what: "group") }
        expected.seconds = keys["seconds"].flatMap { reader.duration($0, what: "seconds") }
        return expected
    }
}
