import GRDB

/// The console's overview, added up by SQLite: a handful of grouped queries over the figures
/// of one month (the `(day, group_id)` index), whatever the number of groups.
package struct OverviewFigures: Sendable, Equatable {
    /// The figures of one day, or of one group type on the latest day.
    package struct Totals: Sendable, Equatable {
        package var joins = 0, leaves = 0, messages = 0, enforcement = 0, replies = 0, guided = 0

        package init() {}
    }

    /// A group type: its groups and their members (as last reported), and its latest day.
    package struct TypeRow: Sendable, Equatable {
        package var type: String
        package var groups: Int
        package var members: Int
        package var latest: Totals
    }

    package struct GroupRow: Sendable, Equatable {
        package var group: String
        package var type: String
        package var messages: Int
        package var enforcement: Int
    }

    package var latestDay: String
    package var types: [TypeRow]
    /// Day → totals over every group, for the month's charts.
    package var days: [String: Totals]
    /// The latest day's busiest groups by messages.
    package var busiest: [GroupRow]
    /// Groups with fewer than `quietBelow` messages in the last week (`messages` over the week).
    package var quiet: [GroupRow]
    /// How many groups are quiet (the list is cut at 50).
    package var quietCount: Int
}

extension StoreReader {
    /// The latest day with figures, `YYYY-MM-DD`.
    package func latestDay() throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT MAX(day) FROM daily_stats") }
    }

    /// The overview of the days `from`…`latest`, the week `weekFrom`…`latest` for quiet groups.
    package func overview(latest: String, from: String, weekFrom: String, quietBelow: Int) throws -> OverviewFigures {
        try pool.read { db in
            let sums = """
                SUM(s.joins) AS joins, SUM(s.leaves) AS leaves, SUM(s.messages) AS messages,
                SUM(s.deleted + s.muted + s.kicks) AS enforcement, SUM(s.replies) AS replies, SUM(s.guided) AS guided
                """
            func totals(_ row: Row) -> OverviewFigures.Totals {
                var totals = OverviewFigures.Totals()
                totals.joins = row["joins"] ?? 0
                totals.leaves = row["leaves"] ?? 0
                totals.messages = row["messages"] ?? 0
                totals.enforcement = row["enforcement"] ?? 0
                totals.replies = row["replies"] ?? 0
                totals.guided = row["guided"] ?? 0
                return totals
            }
            var latestByType: [String: OverviewFigures.Totals] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT COALESCE(g.type, '—') AS type, \(sums) FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                WHERE s.day = ? GROUP BY 1
                """, arguments: [latest]) {
                latestByType[row["type"]] = totals(row)
            }
            let types = try Row.fetchAll(db, sql: """
                SELECT COALESCE(type, '—') AS type, COUNT(*) AS groups, COALESCE(SUM(members), 0) AS members FROM groups GROUP BY 1 ORDER BY 1
                """).map { row in
                OverviewFigures.TypeRow(type: row["type"], groups: row["groups"], members: row["members"],
                                        latest: latestByType[row["type"] as String] ?? .init())
            }
            var days: [String: OverviewFigures.Totals] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT s.day, \(sums) FROM daily_stats s WHERE s.day >= ? AND s.day <= ? GROUP BY s.day",
                                        arguments: [from, latest]) {
                days[row["day"]] = totals(row)
            }
            let busiest = try Row.fetchAll(db, sql: """
                SELECT s.group_id, COALESCE(g.type, '—') AS type, s.messages, s.deleted + s.muted + s.kicks AS enforcement
                FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                WHERE s.day = ? ORDER BY s.messages DESC, s.group_id LIMIT 10
                """, arguments: [latest]).map { row in
                OverviewFigures.GroupRow(group: row["group_id"], type: row["type"], messages: row["messages"], enforcement: row["enforcement"])
            }
            let quietSQL = """
                SELECT g.group_id, COALESCE(g.type, '—') AS type, COALESCE(SUM(s.messages), 0) AS week_messages
                FROM groups g LEFT JOIN daily_stats s ON s.group_id = g.group_id AND s.day >= ? AND s.day <= ?
                GROUP BY g.group_id HAVING week_messages < ?
                """
            let quietCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(quietSQL))", arguments: [weekFrom, latest, quietBelow]) ?? 0
            let quiet = try Row.fetchAll(db, sql: quietSQL + " ORDER BY week_messages, g.group_id LIMIT 50",
                                         arguments: [weekFrom, latest, quietBelow]).map { row in
                OverviewFigures.GroupRow(group: row["group_id"], type: row["type"], messages: row["week_messages"], enforcement: 0)
            }
            return OverviewFigures(latestDay: latest, types: types, days: days, busiest: busiest, quiet: quiet, quietCount: quietCount)
        }
    }
}
