import GroupbotCore

/// The groups the bot has seen: name, type, when first seen, last message, size —
/// gathered over a batch and written once per group.
struct GroupRegistry {
    private struct Entry {
        var name: String?
        var type: String?
        var firstSeen: Instant
        var lastMessage: Instant?
        var members: Int?
    }

    private var entries: [String: Entry] = [:]

    mutating func add(event: Event, type: String?) {
        guard !event.group.isEmpty else { return }
        // The default's closure captures the time alone: capturing `event` copied the whole event.
        let time = event.time
        Self.note(event, type: type, in: &entries[event.group, default: Entry(firstSeen: time)])
    }

    /// Changed in place: one lookup per event, no copy of the entry's strings.
    private static func note(_ event: Event, type: String?, in entry: inout Entry) {
        if let name = event.groupName { entry.name = name }
        if let type, entry.type != type { entry.type = type }
        if event.type == .message { entry.lastMessage = event.time }
        if let members = event.memberCount { entry.members = members }
    }

    func write(to db: any SQLRunner) throws {
        let upsert = """
            INSERT INTO groups (group_id, name, type, first_seen_ms, last_message_ms, members) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (group_id) DO UPDATE SET
                name = COALESCE(excluded.name, groups.name), type = COALESCE(excluded.type, groups.type),
                last_message_ms = COALESCE(excluded.last_message_ms, groups.last_message_ms),
                members = COALESCE(excluded.members, groups.members)
            """
        for (group, entry) in entries {
            try db.execute(upsert, [.text(group), .text(entry.name), .text(entry.type), .int(entry.firstSeen.milliseconds),
                                    .int(entry.lastMessage?.milliseconds), .int(entry.members)])
        }
    }
}
