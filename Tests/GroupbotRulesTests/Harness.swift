import GroupbotCore
import GroupbotRules

/// Loads rule files given inline (path → YAML) and drives an engine on a virtual clock.
final class Harness {
    let engine: Engine
    let clock = VirtualClock()
    private var counter = 0
    /// How many events were sent: the last one's id is `e<sent>`.
    var sent: Int { counter }

    init(_ files: [String: String]) throws {
        let book = try RuleBookLoader.load(files: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        engine = Engine(book: book, clock: clock)
    }

    /// One general-type file with these rules, and no mapping (the single type is the default).
    convenience init(rules: String) throws {
        try self.init(["rules/general.yaml": "rules:\n" + rules])
    }

    /// Sends an event at `time` (local, +08:00), firing the timers due before it, like replay does.
    @discardableResult
    func send(
        _ type: EventType, _ text: String = "", at time: String = "2026-11-20T10:00:00+08:00",
        user: String = "u1", nick: String? = "西安-王芳-鱼油", role: MemberRole = .member, kind: String = "text",
        group: String = "g1", groupName: String? = nil, amount: Double? = nil, inviter: String? = nil,
        mentions: [String] = [], replyTo: String? = nil
    ) -> [Action] {
        counter += 1
        let parsed = Timestamp.parse(time)!
        let event = Event(type: type, id: "e\(counter)", time: parsed.instant, utcOffsetSeconds: parsed.utcOffsetSeconds,
                          group: group, groupName: groupName, user: user, nick: nick, role: role, kind: kind, text: text,
                          amount: amount, inviter: inviter, mentions: mentions, replyTo: replyTo)
        return engine.replay(event, on: clock)
    }

    /// Sends a message event.
    @discardableResult
    func send(
        _ text: String, at time: String = "2026-11-20T10:00:00+08:00", user: String = "u1",
        nick: String? = "西安-王芳-鱼油", role: MemberRole = .member, kind: String = "text",
        group: String = "g1", groupName: String? = nil, amount: Double? = nil, mentions: [String] = [],
        replyTo: String? = nil
    ) -> [Action] {
        send(.message, text, at: time, user: user, nick: nick, role: role, kind: kind, group: group, groupName: groupName,
             amount: amount, mentions: mentions, replyTo: replyTo)
    }

    /// Moves the clock and fires what is due.
    func advance(to time: String) -> [Action] {
        clock.advance(to: Timestamp.parse(time)!.instant)
        return engine.fireDueTimers()
    }

    /// Moves the clock forward a day at a time, as a live clock (or a log's ticks) would,
    /// firing what falls due on the way.
    func advanceDaily(to time: String) -> [Action] {
        let end = Timestamp.parse(time)!.instant
        var actions: [Action] = []
        while clock.now < end {
            clock.advance(to: min(end, clock.now.adding(seconds: 86_400)))
            actions += engine.fireDueTimers()
        }
        return actions
    }
}

/// Loads inline files and returns the error descriptions, or [] when they load.
func loadErrors(_ files: [String: String]) -> [String] {
    do {
        _ = try RuleBookLoader.load(files: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return []
    } catch {
        return error.errors.map(\.description)
    }
}
