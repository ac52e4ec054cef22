import GRDB
import GroupbotCore

/// The groups the bot has seen: name, type, when first seen, last message, size.
enum GroupRegistry {
    static func record(event: Event, type: String?, in db: Database) throws {
        guard !event.group.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO groups (group_id, name, type, first_seen_ms, last_message_ms, members) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (group_id) DO UPDATE SET
                name = COALESCE(excluded.name, name), type = COALESCE(excluded.type, type),
                last_message_ms = COALESCE(excluded.last_message_ms, last_message_ms),
                members = COALESCE(excluded.members, members)
            """)
        try statement.execute(arguments: [event.group, event.groupName, type, event.time.milliseconds,
                                          event.type == .message ? event.time.milliseconds : nil, event.memberCount])
    }
}
