import GRDB
import GroupbotCore

/// The operators' daily figures per group, added up over a batch of work and
/// written once per group and day: members (as the platform last reported them
/// that day), joins, leaves, messages, active members, rule hits, enforcement.
struct DailyStats {
    private struct Key: Hashable {
        let group: String
        let day: String
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

    /// The local calendar day of an instant, `YYYY-MM-DD`.
    static func day(_ instant: Instant, offset: Int) -> String {
        Timestamp.dayText(LocalTime(instant, utcOffsetSeconds: offset).dayNumber)
    }

    mutating func add(event: Event) {
        guard !event.group.isEmpty, event.type != .tick else { return }
        let key = Key(group: event.group, day: Self.day(event.time, offset: event.utcOffsetSeconds))
        var entry = counts[key] ?? Counts()
        switch event.type {
        case .join: entry.joins += 1
        case .leave: entry.leaves += 1
        case .message:
            entry.messages += 1
            entry.active.insert(event.user)
        default: break
        }
        if let members = event.memberCount { entry.members = members }
        counts[key] = entry
    }

    mutating func add(action: Action) {
        let key = Key(group: action.group, day: Self.day(action.due, offset: action.utcOffsetSeconds))
        var entry = counts[key] ?? Counts()
        switch action.kind {
        case .delete: entry.deleted += 1
        case .mute: entry.muted += 1
        case .kick: entry.kicks += 1
        case .dm where !action.rule.hasPrefix("welcome") && !action.rule.hasPrefix("nickname"): entry.guided += 1
        default: break
        }
        // A rule's first action (step 0, or its shadow notice) counts one hit.
        if action.id.hasSuffix(":0") || action.id.hasSuffix(":shadow") { entry.hits[action.rule, default: 0] += 1 }
        if action.note == "strike" { entry.strikes += 1 }
        if let note = action.note, note.hasPrefix("pardoned:") {
            for item in note.dropFirst("pardoned:".count).split(separator: ",") {
                let parts = item.split(separator: "=")
                if parts.count == 2, let count = Int(parts[1]) { entry.falsePositives[String(parts[0]), default: 0] += count }
            }
        }
        counts[key] = entry
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
            try upsert.execute(arguments: [key.group, key.day, entry.members, entry.joins, entry.leaves, entry.messages,
                                           entry.deleted, entry.muted, entry.kicks, entry.guided, entry.strikes])
            for user in entry.active { try active.execute(arguments: [key.group, key.day, user]) }
            for (rule, count) in entry.hits { try hits.execute(arguments: [key.group, key.day, rule, count]) }
            for (rule, count) in entry.falsePositives {
                try falsePositives.execute(arguments: [key.group, key.day, rule, count])
            }
        }
    }
}
