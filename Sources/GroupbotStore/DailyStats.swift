import Foundation
import GroupbotRuntime
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
        var joins = 0, leaves = 0, messages = 0, deleted = 0, muted = 0, kicks = 0, guided = 0, strikes = 0, replies = 0
        /// The members who posted, as ``StableHash/of(id:)`` hashes of their ids.
        var active: Set<UInt64> = []
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
        // One lookup, changed in place: copying the entry out and back would copy its sets.
        Self.count(event, in: &counts[key, default: Counts()])
    }

    private static func count(_ event: Event, in counts: inout Counts) {
        switch event.type {
        case .join: counts.joins += 1
        case .leave: counts.leaves += 1
        case .message:
            counts.messages += 1
            counts.active.insert(StableHash.of(id: event.user))
        default: break
        }
        if let members = event.memberCount { counts.members = members }
    }

    /// Counts `action` in its group's local day at `utcOffsetSeconds`.
    mutating func add(action: Action, utcOffsetSeconds: Int) {
        let key = Key(group: action.group, day: Self.dayNumber(action.due, offset: utcOffsetSeconds))
        Self.count(action, in: &counts[key, default: Counts()])
    }

    private static func count(_ action: Action, in counts: inout Counts) {
        switch action.kind {
        case .delete: counts.deleted += 1
        case .mute: counts.muted += 1
        case .kick: counts.kicks += 1
        case .dm where !action.rule.hasPrefix("welcome") && !action.rule.hasPrefix("nickname"): counts.guided += 1
        // The bot's messages in the group that answer someone: not welcomes, reminders or
        // scheduled posts (whose cause is `rule@time`).
        case .send where !action.rule.hasPrefix("welcome") && !action.rule.hasPrefix("nickname") && !action.cause.contains("@"):
            counts.replies += 1
        default: break
        }
        // A rule's first action (step 0, or its shadow notice) counts one hit.
        if action.id.hasSuffix(":0") || action.id.hasSuffix(":shadow") { counts.hits[action.rule, default: 0] += 1 }
        switch action.note {
        case .strike: counts.strikes += 1
        case .pardoned(let perRule): counts.falsePositives.merge(perRule, uniquingKeysWith: +)
        case nil: break
        }
    }

    /// Adds the batch's figures to the tables (SQLite or PostgreSQL).
    func write(to db: any SQLRunner) throws {
        let upsert = """
            INSERT INTO daily_stats (group_id, day, members, joins, leaves, messages, deleted, muted, kicks, guided, strikes, replies)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (group_id, day) DO UPDATE SET members = COALESCE(excluded.members, daily_stats.members),
                joins = daily_stats.joins + excluded.joins, leaves = daily_stats.leaves + excluded.leaves,
                messages = daily_stats.messages + excluded.messages, deleted = daily_stats.deleted + excluded.deleted,
                muted = daily_stats.muted + excluded.muted, kicks = daily_stats.kicks + excluded.kicks,
                guided = daily_stats.guided + excluded.guided, strikes = daily_stats.strikes + excluded.strikes,
                replies = daily_stats.replies + excluded.replies
            """
        let activeNow = "SELECT hashes FROM daily_active_members WHERE group_id = ? AND day = ?"
        let active = """
            INSERT INTO daily_active_members (group_id, day, hashes) VALUES (?, ?, ?)
            ON CONFLICT (group_id, day) DO UPDATE SET hashes = excluded.hashes
            """
        let hits = """
            INSERT INTO daily_rule_hits (group_id, day, rule, hits) VALUES (?, ?, ?, ?)
            ON CONFLICT (group_id, day, rule) DO UPDATE SET hits = daily_rule_hits.hits + excluded.hits
            """
        let falsePositives = """
            INSERT INTO daily_rule_hits (group_id, day, rule, false_positives) VALUES (?, ?, ?, ?)
            ON CONFLICT (group_id, day, rule) DO UPDATE SET false_positives = daily_rule_hits.false_positives + excluded.false_positives
            """
        for (key, entry) in counts {
            let group = SQLValue.text(key.group), day = SQLValue.text(Timestamp.dayText(key.day))
            try db.execute(upsert, [group, day, .int(entry.members), .int(entry.joins), .int(entry.leaves), .int(entry.messages),
                                    .int(entry.deleted), .int(entry.muted), .int(entry.kicks), .int(entry.guided),
                                    .int(entry.strikes), .int(entry.replies)])
            if !entry.active.isEmpty {
                let known = try db.rows(activeNow, [group, day]).first?.blob("hashes").map(HashBlob.decode) ?? []
                try db.execute(active, [group, day, .blob(HashBlob.encode(known.union(entry.active).sorted()))])
            }
            for (rule, count) in entry.hits { try db.execute(hits, [group, day, .text(rule), .int(count)]) }
            for (rule, count) in entry.falsePositives { try db.execute(falsePositives, [group, day, .text(rule), .int(count)]) }
        }
    }

    /// Keeps a past day's active members as a count in its figures and lets its hashes go, so
    /// the file does not grow by a hash per member and day for ever. A local day is past once
    /// the newest work (`now`, milliseconds) is two UTC days later: every time zone has ended
    /// it. An event that comes later still for a folded day adds its members' hashes again, and
    /// they are counted on top (a member active before the fold and again after it counts twice).
    static func foldActiveMembers(_ db: any SQLRunner, now: Int64) throws {
        let before = SQLValue.text(Timestamp.dayText(dayNumber(Instant(milliseconds: now), offset: 0) - 1))
        try db.execute("""
            UPDATE daily_stats SET active = active + (SELECT length(a.hashes) / 8 FROM daily_active_members a
                WHERE a.group_id = daily_stats.group_id AND a.day = daily_stats.day)
            WHERE (group_id, day) IN (SELECT group_id, day FROM daily_active_members WHERE day < ?)
            """, [before])
        try db.execute("DELETE FROM daily_active_members WHERE day < ?", [before])
    }
}

/// The figures a batch of work adds: the daily figures and the group registry, counted the
/// same way wherever work is written (a state's snapshots, a cluster's hand-ons).
struct WorkFigures {
    private var stats = DailyStats()
    private var registry = GroupRegistry()

    /// Counts an entry's event in its group type's local day and its actions in their
    /// groups' (the type's offset for the event's own group, the action's otherwise).
    mutating func add(_ entry: JournalEntry) {
        let offset = entry.typeUTCOffsetSeconds
        if let event = entry.event {
            stats.add(event: event, utcOffsetSeconds: offset ?? event.utcOffsetSeconds)
            registry.add(event: event, type: entry.groupType)
        }
        for action in entry.actions {
            let groupOffset = action.group == entry.event?.group ? offset : nil
            stats.add(action: action, utcOffsetSeconds: groupOffset ?? action.utcOffsetSeconds)
        }
    }

    /// Adds the figures to the tables.
    func write(to db: any SQLRunner) throws {
        try stats.write(to: db)
        try registry.write(to: db)
    }
}
