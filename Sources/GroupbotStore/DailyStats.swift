import GRDB
import GroupbotCore

/// The operators' daily figures per group, added up over a batch of work and
/// written once per group and day: members (as the platform last reported them
/// that day), joins, leaves, messages, active members, rule hits, enforcement.
struct DailyStats {
    private struct Key: Hashable {
        let group: String
        /// Local day number (days since 1970-01-01).
        let day: Int
    }

    private struct Counts {
        var members: Int?
        var joins = 0, leaves = 0, messages = 0, deleted = 0, muted = 0, kicks = 0, guided = 0, strikes = 0
        var active: Set<String> = []
        var hits: [String: Int] = [:]
        /// Strikes an admin pardoned, by the rule that gave them: that rule's false positives.
        var falsePositives: [String: Int] = [:]
    }

    private var counts: [Key: Counts] = [:]

    private static func dayNumber(_ instant: Instant, offset: Int) -> Int {
        LocalTime(instant, utcOffsetSeconds: offset).dayNumber
    }

    /// Counts `event` in its group's local day at `utcOffsetSeconds` (the group type's time zone).
    mutating func add(event: Event, utcOffsetSeconds: Int) {
        guard !event.group.isEmpty, event.type != .tick else { return }
        let key = Key(group: event.group, day: Self.dayNumber(event.time, offset: utcOffsetSeconds))
        // Changed in place: copying the entry out and back would copy its sets on every event.
        switch event.type {
        case .join: counts[key, default: Counts()].joins += 1
        case .leave: counts[key, default: Counts()].leaves += 1
        case .message:
            counts[key, default: Counts()].messages += 1
            counts[key, default: Counts()].active.insert(event.user)
        default: counts[key, default: Counts()].messages += 0
        }
        if let members = event.memberCount { counts[key, default: Counts()].members = members }
    }

    /// Counts `action` in its group's local day at `utcOffsetSeconds`.
    mutating func add(action: Action, utcOffsetSeconds: Int) {
        let key = Key(group: action.group, day: Self.dayNumber(action.due, offset: utcOffsetSeconds))
        switch action.kind {
        case .delete: counts[key, default: Counts()].deleted += 1
        case .mute: counts[key, default: Counts()].muted += 1
        case .kick: counts[key, default: Counts()].kicks += 1
        case .dm where !action.rule.hasPrefix("welcome") && !action.rule.hasPrefix("nickname"):
            counts[key, default: Counts()].guided += 1
        default: counts[key, default: Counts()].guided += 0
        }
        // A rule's first action (step 0, or its shadow notice) counts one hit.
        if action.id.hasSuffix(":0") || action.id.hasSuffix(":shadow") {
            counts[key, default: Counts()].hits[action.rule, default: 0] += 1
        }
        if action.note == "strike" { counts[key, default: Counts()].strikes += 1 }
        if let note = action.note, note.hasPrefix("pardoned:") {
            for item in note.dropFirst("pardoned:".count).split(separator: ",") {
                let parts = item.split(separator: "=")
                if parts.count == 2, let count = Int(parts[1]) {
                    counts[key, default: Counts()].falsePositives[String(parts[0]), default: 0] += count
                }
            }
        }
    }

    /// Adds the batch's figures to the tables.
    func write(to db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO daily_stats (group_id, day, members, joins, leaves, messages, deleted, muted, kicks, guided, strikes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (group_id, day) DO UPDATE SET members = COALESCE(excluded.members, members),
                joins = joins + excluded.joins, leaves = leaves + excluded.leaves, messages = messages + excluded.messages,
                deleted = deleted + excluded.deleted, muted = muted + excluded.muted, kicks = kicks + excluded.kicks,
                guided = guided + excluded.guided, strikes = strikes + excluded.strikes
            """)
        let active = try db.cachedStatement(sql: "INSERT OR IGNORE INTO daily_active (group_id, day, user_id) VALUES (?, ?, ?)")
        let hits = try db.cachedStatement(sql: """
            INSERT INTO daily_rule_hits (group_id, day, rule, hits) VALUES (?, ?, ?, ?)
            ON CONFLICT (group_id, day, rule) DO UPDATE SET hits = hits + excluded.hits
            """)
        let falsePositives = try db.cachedStatement(sql: """
            INSERT INTO daily_rule_hits (group_id, day, rule, false_positives) VALUES (?, ?, ?, ?)
            ON CONFLICT (group_id, day, rule) DO UPDATE SET false_positives = false_positives + excluded.false_positives
            """)
        for (key, entry) in counts {
            let day = Timestamp.dayText(key.day)
            try upsert.execute(arguments: [key.group, day, entry.members, entry.joins, entry.leaves, entry.messages,
                                           entry.deleted, entry.muted, entry.kicks, entry.guided, entry.strikes])
            for user in entry.active { try active.execute(arguments: [key.group, day, user]) }
            for (rule, count) in entry.hits { try hits.execute(arguments: [key.group, day, rule, count]) }
            for (rule, count) in entry.falsePositives {
                try falsePositives.execute(arguments: [key.group, day, rule, count])
            }
        }
    }
}
