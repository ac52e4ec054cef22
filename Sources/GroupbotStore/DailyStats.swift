import GRDB
import GroupbotCore

/// The operators' daily figures per group, kept up to date as work is committed:
/// members (as the platform last reported them that day), joins, leaves,
/// messages, active members, rule hits, and what enforcement did.
enum DailyStats {
    /// The local calendar day of an instant, `YYYY-MM-DD`.
    static func day(_ instant: Instant, offset: Int) -> String {
        String(Timestamp.format(instant, utcOffsetSeconds: offset).prefix(10))
    }

    static func record(event: Event, in db: Database) throws {
        guard !event.group.isEmpty, event.type != .tick else { return }
        let day = day(event.time, offset: event.utcOffsetSeconds)
        try db.execute(sql: "INSERT OR IGNORE INTO daily_stats (group_id, day) VALUES (?, ?)", arguments: [event.group, day])
        let column: String?
        switch event.type {
        case .join: column = "joins"
        case .leave: column = "leaves"
        case .message: column = "messages"
        default: column = nil
        }
        if let column {
            try db.execute(sql: "UPDATE daily_stats SET \(column) = \(column) + 1 WHERE group_id = ? AND day = ?",
                           arguments: [event.group, day])
        }
        if let members = event.memberCount {
            try db.execute(sql: "UPDATE daily_stats SET members = ? WHERE group_id = ? AND day = ?",
                           arguments: [members, event.group, day])
        }
        if event.type == .message {
            try db.execute(sql: "INSERT OR IGNORE INTO daily_active (group_id, day, user_id) VALUES (?, ?, ?)",
                           arguments: [event.group, day, event.user])
        }
    }

    static func record(action: Action, in db: Database) throws {
        let day = day(action.due, offset: action.utcOffsetSeconds)
        try db.execute(sql: "INSERT OR IGNORE INTO daily_stats (group_id, day) VALUES (?, ?)", arguments: [action.group, day])
        let column: String?
        switch action.kind {
        case .delete: column = "deleted"
        case .mute: column = "muted"
        case .kick: column = "kicks"
        case .dm where !action.rule.hasPrefix("welcome") && !action.rule.hasPrefix("nickname"): column = "guided"
        default: column = nil
        }
        if let column {
            try db.execute(sql: "UPDATE daily_stats SET \(column) = \(column) + 1 WHERE group_id = ? AND day = ?",
                           arguments: [action.group, day])
        }
        // A rule's first action (step 0, or its shadow notice) counts one hit.
        if action.id.hasSuffix(":0") || action.id.hasSuffix(":shadow") {
            try db.execute(sql: """
                INSERT INTO daily_rule_hits (group_id, day, rule, hits) VALUES (?, ?, ?, 1)
                ON CONFLICT (group_id, day, rule) DO UPDATE SET hits = hits + 1
                """, arguments: [action.group, day, action.rule])
        }
    }
}
