import Foundation
import GroupbotCore

/// One group's figures for one day.
package struct DailyFigures: Sendable, Equatable {
    package var group: String
    package var type: String?
    package var day: String
    /// Members at the end of the day, as the platform last reported them (nil when never reported).
    package var members: Int?
    package var joins: Int
    package var leaves: Int
    /// Members who posted at least once.
    package var active: Int
    package var messages: Int
    /// Private notes from rules (guidance, e.g. about the ad slot).
    package var guided: Int
    package var deleted: Int
    package var muted: Int
    package var kicks: Int
    /// Strikes given on escalation ladders.
    package var strikes: Int = 0
    /// Rule hits by rule id.
    package var hits: [String: Int]
    /// Strikes admins pardoned, by the rule that gave them (its false positives).
    package var falsePositives: [String: Int] = [:]
}

/// One action from the audit log.
package struct AuditEntry: Sendable, Equatable {
    package var action: Action
    /// Whether it was handed to the transport.
    package var emitted: Bool
}

extension StateStore {
    /// Reads the figures and the audit log from any thread (the console's).
    package var reader: StoreReader { StoreReader(database: database) }

    /// Daily figures, filtered; days are `YYYY-MM-DD` (inclusive).
    package func dailyFigures(group: String? = nil, type: String? = nil, from: String? = nil, to: String? = nil) throws -> [DailyFigures] {
        try reader.dailyFigures(group: group, type: type, from: from, to: to)
    }

    /// Every action taken, oldest first, filtered by group, member and rule.
    package func auditLog(group: String? = nil, user: String? = nil, rule: String? = nil) throws -> [AuditEntry] {
        try reader.auditLog(group: group, user: user, rule: rule)
    }
}

/// The state's figures and audit log, read in a transaction of their own (SQLite's WAL and
/// PostgreSQL alike: readers do not wait for the writer). `stats`, `log` and the console read
/// through it.
package struct StoreReader: Sendable {
    let database: any SQLDatabase

    /// Daily figures, filtered; days are `YYYY-MM-DD` (inclusive).
    package func dailyFigures(group: String? = nil, type: String? = nil, from: String? = nil, to: String? = nil) throws -> [DailyFigures] {
        try database.read { db in
            var conditions: [String] = []
            var arguments: [SQLValue] = []
            if let group { conditions.append("s.group_id = ?"); arguments.append(.text(group)) }
            if let type { conditions.append("g.type = ?"); arguments.append(.text(type)) }
            if let from { conditions.append("s.day >= ?"); arguments.append(.text(from)) }
            if let to { conditions.append("s.day <= ?"); arguments.append(.text(to)) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try db.rows("""
                SELECT s.*, g.type AS type,
                    -- A day without a join or leave keeps the count last reported before it; a day
                    -- before the group's first report takes that first count, and a group never
                    -- reported in its figures the registry's (a member list, the platform's info).
                    COALESCE(s.members, (SELECT p.members FROM daily_stats p
                        WHERE p.group_id = s.group_id AND p.day < s.day AND p.members IS NOT NULL
                        ORDER BY p.day DESC LIMIT 1), (SELECT p.members FROM daily_stats p
                        WHERE p.group_id = s.group_id AND p.day > s.day AND p.members IS NOT NULL
                        ORDER BY p.day ASC LIMIT 1), g.members) AS members_known,
                    -- A past day's count was folded into its figures (DailyStats.foldActiveMembers); a day
                    -- still open has its members' hashes (and a late event may add a few to a past one).
                    CAST(s.active + COALESCE((SELECT length(a.hashes) / 8 FROM daily_active_members a
                        WHERE a.group_id = s.group_id AND a.day = s.day), 0) AS BIGINT) AS active_total
                FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                \(filter) ORDER BY s.day, s.group_id
                """, arguments)
            return try rows.map { row in
                let group = row.text("group_id"), day = row.text("day")
                let hits = try db.rows("SELECT rule, hits, false_positives FROM daily_rule_hits WHERE group_id = ? AND day = ?",
                                       [.text(group), .text(day)])
                return DailyFigures(
                    group: group, type: row.optionalText("type"), day: day, members: row.optionalInt("members_known"),
                    joins: row.int("joins"), leaves: row.int("leaves"), active: row.int("active_total"), messages: row.int("messages"),
                    guided: row.int("guided"), deleted: row.int("deleted"), muted: row.int("muted"), kicks: row.int("kicks"),
                    strikes: row.int("strikes"),
                    hits: Dictionary(hits.filter { $0.int("hits") > 0 }.map { ($0.text("rule"), $0.int("hits")) }, uniquingKeysWith: +),
                    falsePositives: Dictionary(hits.filter { $0.int("false_positives") > 0 }
                        .map { ($0.text("rule"), $0.int("false_positives")) }, uniquingKeysWith: +))
            }
        }
    }

    /// Every action taken, oldest first, filtered by group, member and rule.
    package func auditLog(group: String? = nil, user: String? = nil, rule: String? = nil) throws -> [AuditEntry] {
        try database.read { db in
            let emittedUpTo = try db.int("SELECT value FROM meta WHERE key = 'emitted_seq'") ?? 0
            var entries: [AuditEntry] = []
            for row in try db.rows("SELECT seq, actions FROM outbox ORDER BY seq") {
                let emitted = row.int64("seq") <= emittedUpTo
                for data in try BatchCoding.unpack(actions: row.blob("actions") ?? Data()) {
                    let action = try RecordCoding.decodeAction(data)
                    if let group, action.group != group { continue }
                    if let user, action.user != user { continue }
                    if let rule, action.rule != rule { continue }
                    entries.append(AuditEntry(action: action, emitted: emitted))
                }
            }
            return entries
        }
    }

    /// Since when the audit log is complete (nil: nothing was ever pruned).
    package func auditKeptFrom() throws -> Date? {
        try database.read { db in
            try db.int("SELECT value FROM meta WHERE key = 'audit_kept_from_ms'").map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
    }
}
