import GRDB

/// One group's counts on one day, without the per-rule hits (the console's overview reads
/// 30 days of every group at once: one query, no query per row).
package struct GroupDay: Sendable, Equatable {
    package var group: String
    package var type: String?
    package var day: String
    package var joins: Int
    package var leaves: Int
    package var messages: Int
    package var guided: Int
    /// Deletions, mutes and removals.
    package var enforcement: Int
}

extension StoreReader {
    /// The latest day with figures, `YYYY-MM-DD`.
    package func latestDay() throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT MAX(day) FROM daily_stats") }
    }

    /// Every group's counts from `from` to `to` (inclusive), by day then group.
    package func groupDays(from: String, to: String) throws -> [GroupDay] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.group_id, g.type, s.day, s.joins, s.leaves, s.messages, s.guided, s.deleted + s.muted + s.kicks AS enforcement
                FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                WHERE s.day >= ? AND s.day <= ? ORDER BY s.day, s.group_id
                """, arguments: [from, to]).map { row in
                GroupDay(group: row["group_id"], type: row["type"], day: row["day"], joins: row["joins"], leaves: row["leaves"],
                         messages: row["messages"], guided: row["guided"], enforcement: row["enforcement"])
            }
        }
    }

    /// Each group's member count as last reported on or before `day`.
    package func members(asOf day: String) throws -> [String: Int] {
        try pool.read { db in
            var members: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT s.group_id, s.members FROM daily_stats s
                JOIN (SELECT group_id, MAX(day) AS day FROM daily_stats WHERE members IS NOT NULL AND day <= ? GROUP BY group_id) l
                  ON l.group_id = s.group_id AND l.day = s.day
                """, arguments: [day]) {
                members[row["group_id"]] = row["members"]
            }
            return members
        }
    }
}
