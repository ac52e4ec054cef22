import GroupbotCore

/// Telegram never reports a change of display name, but nickname rules need one: the
/// adapter remembers each member's last name per group and, when a message shows a new
/// one, runs a `rename` before it. Bounded: past `capacity` members the oldest half is
/// forgotten (a forgotten member's next message only teaches the name again).
package struct TelegramRenames: Sendable {
    private var names: [String: (nick: String, seen: Int)] = [:]
    private var clock = 0
    private let capacity: Int

    package init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The member's last seen name in `group`.
    package func name(group: String, user: String) -> String? {
        names[group + "\u{0}" + user]?.nick
    }

    /// `event`, preceded by a `rename` when its sender's name changed since last seen.
    package mutating func events(for event: Event) -> [Event] {
        guard let nick = event.nick, event.type != .leave else { return [event] }
        let key = event.group + "\u{0}" + event.user
        clock += 1
        let previous = names[key]?.nick
        if names.count >= capacity, previous == nil {
            let cut = names.values.map(\.seen).sorted()[names.count / 2]
            names = names.filter { $0.value.seen >= cut }
        }
        names[key] = (nick, clock)
        guard event.type == .message, let previous, previous != nick else { return [event] }
        var rename = Event(type: .rename, id: event.id + ":rename", time: event.time, utcOffsetSeconds: event.utcOffsetSeconds,
                           group: event.group, groupName: event.groupName, user: event.user, nick: nick, role: event.role)
        rename.oldNick = previous
        return [rename, event]
    }
}
