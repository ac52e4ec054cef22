import Foundation
import GRDB
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

extension SQLiteStore {
    /// Reads the figures and the audit log from any thread (the console's).
    package var reader: StoreReader { StoreReader(pool: pool) }

    /// Daily figures, filtered; days are `YYYY-MM-DD` (inclusive).
    package func dailyFigures(group: String? = nil, type: String? = nil, from: String? = nil, to: String? = nil) throws -> [DailyFigures] {
        try reader.dailyFigures(group: group, type: type, from: from, to: to)
    }

    /// Every action taken, oldest first, filtered by group, member and rule.
    package func auditLog(group: String? = nil, user: String? = nil, rule: String? = nil) throws -> [AuditEntry] {
        try reader.auditLog(group: group, user: user, rule: rule)
    }
}

/// The state file's figures and audit log, read on a connection of the pool (WAL: readers
/// do not wait for the writer). `stats`, `log` and the console read through it.
package struct StoreReader: Sendable {
    let pool: DatabasePool

    /// Daily figures, filtered; days are `YYYY-MM-DD` (inclusive).
    package func dailyFigures(group: String? = nil, type: String? = nil, from: String? = nil, to: String? = nil) throws -> [DailyFigures] {
        try pool.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let group { conditions.append("s.group_id = ?"); arguments.append(group) }
            if let type { conditions.append("g.type = ?"); arguments.append(type) }
            if let from { conditions.append("s.day >= ?"); arguments.append(from) }
            if let to { conditions.append("s.day <= ?"); arguments.append(to) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.*, g.type AS type,
                    -- A day without a join or leave keeps the count last reported before it; a day
                    -- before the group's first report takes that first count, and a group never
                    -- reported in its figures the registry's (a member list, the platform's info).
                    COALESCE(s.members, (SELECT p.members FROM daily_stats p
                        WHERE p.group_id = s.group_id AND p.day < s.day AND p.members IS NOT NULL
                        ORDER BY p.day DESC LIMIT 1), (SELECT p.members FROM daily_stats p
                        WHERE p.group_id = s.group_id AND p.day > s.day AND p.members IS NOT NULL
                        ORDER BY p.day ASC LIMIT 1), g.members) AS members_known,
                    COALESCE((SELECT length(a.hashes) / 8 FROM daily_active_members a
                        WHERE a.group_id = s.group_id AND a.day = s.day), 0) AS active
                FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                \(filter) ORDER BY s.day, s.group_id
                """, arguments: StatementArguments(arguments))
            return try rows.map { row in
                let group: String = row["group_id"], day: String = row["day"]
                let hits = try Row.fetchAll(db, sql: "SELECT rule, hits, false_positives FROM daily_rule_hits WHERE group_id = ? AND day = ?",
                                            arguments: [group, day])
                return DailyFigures(
                    group: group, type: row["type"], day: day, members: row["members_known"], joins: row["joins"],
                    leaves: row["leaves"], active: row["active"], messages: row["messages"], guided: row["guided"],
                    deleted: row["deleted"], muted: row["muted"], kicks: row["kicks"], strikes: row["strikes"],
                    hits: Dictionary(hits.filter { ($0["hits"] as Int) > 0 }.map { ($0["rule"] as String, $0["hits"] as Int) },
                                     uniquingKeysWith: +),
                    falsePositives: Dictionary(hits.filter { ($0["false_positives"] as Int) > 0 }
                        .map { ($0["rule"] as String, $0["false_positives"] as Int) }, uniquingKeysWith: +))
            }
        }
    }

    /// Every action taken, oldest first, filtered by group, member and rule.
    package func auditLog(group: String? = nil, user: String? = nil, rule: String? = nil) throws -> [AuditEntry] {
        try pool.read { db in
            let emittedUpTo = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'emitted_seq'") ?? 0
            var entries: [AuditEntry] = []
            for row in try Row.fetchAll(db, sql: "SELECT seq, actions FROM outbox ORDER BY seq") {
                let emitted = (row["seq"] as Int64) <= emittedUpTo
                for data in try BatchCoding.unpack(row["actions"] as Data) {
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
}
