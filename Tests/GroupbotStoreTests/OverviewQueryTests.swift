import Foundation
@testable import GroupbotStore
import Testing

/// The console overview's figures, added up by the database from the daily figures and the group registry.
@Suite struct OverviewQueryTests {
    @Test(arguments: StoreBackend.all) func typesDaysBusiestAndQuietGroupsAreAddedUp(backend: StoreBackend) throws {
        let store = try StateStore.open(try backend.newLocation())
        try store.database.write { db in
            for (group, type, members) in [("g1", "general", 200), ("g2", "general", 50), ("g3", "vip", 30)] {
                try db.execute("INSERT INTO groups (group_id, type, first_seen_ms, members) VALUES (?, ?, 0, ?)",
                               [.text(group), .text(type), .int(members)])
            }
            // g1 busy all week, g2 two messages in the week (and many before it), g3 silent.
            for (group, day, messages, deleted, replies) in [("g1", "2026-12-07", 6, 1, 2), ("g1", "2026-12-05", 3, 0, 1),
                                                             ("g2", "2026-12-06", 2, 0, 0), ("g2", "2026-11-20", 40, 2, 5)] {
                try db.execute("""
                    INSERT INTO daily_stats (group_id, day, messages, deleted, replies, joins) VALUES (?, ?, ?, ?, ?, 1)
                    """, [.text(group), .text(day), .int(messages), .int(deleted), .int(replies)])
            }
        }
        let reader = store.reader
        #expect(try reader.latestDay() == "2026-12-07")
        let overview = try reader.overview(latest: "2026-12-07", from: "2026-11-08", weekFrom: "2026-12-01", quietBelow: 5)
        #expect(overview.types.map(\.type) == ["general", "vip"])
        #expect(overview.types[0].groups == 2 && overview.types[0].members == 250)
        #expect(overview.types[0].latest.messages == 6 && overview.types[0].latest.enforcement == 1 && overview.types[0].latest.replies == 2)
        #expect(overview.types[1].latest == .init())
        #expect(overview.days["2026-11-20"]?.messages == 40 && overview.days.count == 4)
        #expect(overview.busiest.map(\.group) == ["g1"])
        // Quiet: fewer than 5 messages in the week, the silent first; g1 had 9.
        #expect(overview.quiet.map(\.group) == ["g3", "g2"])
        #expect(overview.quiet.map(\.messages) == [0, 2])
        #expect(overview.quietCount == 2)
    }
}
