/// The console's overview, added up by the database: a handful of grouped queries over the figures
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
        try database.read { db in try db.text("SELECT MAX(day) FROM daily_stats") }
    }

    /// The overview of the days `from`…`latest`, the week `weekFrom`…`latest` for quiet groups.
    package func overview(latest: String, from: String, weekFrom: String, quietBelow: Int) throws -> OverviewFigures {
        try database.read { db in
            // Sums as BIGINT: PostgreSQL's SUM of BIGINT is NUMERIC.
            let sums = """
                CAST(SUM(s.joins) AS BIGINT) AS joins, CAST(SUM(s.leaves) AS BIGINT) AS leaves,
                CAST(SUM(s.messages) AS BIGINT) AS messages, CAST(SUM(s.deleted + s.muted + s.kicks) AS BIGINT) AS enforcement,
                CAST(SUM(s.replies) AS BIGINT) AS replies, CAST(SUM(s.guided) AS BIGINT) AS guided
                """
            func totals(_ row: SQLRow) -> OverviewFigures.Totals {
                var totals = OverviewFigures.Totals()
                totals.joins = row.int("joins")
                totals.leaves = row.int("leaves")
                totals.messages = row.int("messages")
                totals.enforcement = row.int("enforcement")
                totals.replies = row.int("replies")
                totals.guided = row.int("guided")
                return totals
            }
            var latestByType: [String: OverviewFigures.Totals] = [:]
            for row in try db.rows("""
                SELECT COALESCE(g.type, '—') AS type, \(sums) FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                WHERE s.day = ? GROUP BY 1
                """, [.text(latest)]) {
                latestByType[row.text("type")] = totals(row)
            }
            let types = try db.rows("""
                SELECT COALESCE(type, '—') AS type, COUNT(*) AS groups, CAST(COALESCE(SUM(members), 0) AS BIGINT) AS members
                FROM groups GROUP BY 1 ORDER BY 1
                """).map { row in
                OverviewFigures.TypeRow(type: row.text("type"), groups: row.int("groups"), members: row.int("members"),
                                        latest: latestByType[row.text("type")] ?? .init())
            }
            var days: [String: OverviewFigures.Totals] = [:]
            for row in try db.rows("SELECT s.day, \(sums) FROM daily_stats s WHERE s.day >= ? AND s.day <= ? GROUP BY s.day",
                                   [.text(from), .text(latest)]) {
                days[row.text("day")] = totals(row)
            }
            let busiest = try db.rows("""
                SELECT s.group_id, COALESCE(g.type, '—') AS type, s.messages, s.deleted + s.muted + s.kicks AS enforcement
                FROM daily_stats s LEFT JOIN groups g ON g.group_id = s.group_id
                WHERE s.day = ? ORDER BY s.messages DESC, s.group_id LIMIT 10
                """, [.text(latest)]).map { row in
                OverviewFigures.GroupRow(group: row.text("group_id"), type: row.text("type"), messages: row.int("messages"),
                                         enforcement: row.int("enforcement"))
            }
            let quietSQL = """
                SELECT g.group_id, COALESCE(g.type, '—') AS type, CAST(COALESCE(SUM(s.messages), 0) AS BIGINT) AS week_messages
                FROM groups g LEFT JOIN daily_stats s ON s.group_id = g.group_id AND s.day >= ? AND s.day <= ?
                GROUP BY g.group_id HAVING COALESCE(SUM(s.messages), 0) < ?
                """
            let window: [SQLValue] = [.text(weekFrom), .text(latest), .int(quietBelow)]
            let quietCount = try db.int("SELECT COUNT(*) FROM (\(quietSQL)) AS quiet", window) ?? 0
            let quiet = try db.rows(quietSQL + " ORDER BY week_messages, g.group_id LIMIT 50", window).map { row in
                OverviewFigures.GroupRow(group: row.text("group_id"), type: row.text("type"), messages: row.int("week_messages"),
                                         enforcement: 0)
            }
            return OverviewFigures(latestDay: latest, types: types, days: days, busiest: busiest, quiet: quiet,
                                   quietCount: Int(quietCount))
        }
    }
}
