import GRDB
import GroupbotCore

/// Versioned, forward-only schema migrations: a state file written by an older
/// groupbot opens and is brought up to date; each migration runs once.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-journal-outbox-snapshots") { db in
            // One row per committed batch: the journal (events and timer firings since the
            // last snapshot), the ids processed, and the actions (the outbox, kept as the audit log).
            try db.execute(sql: """
                CREATE TABLE journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, entries BLOB NOT NULL);
                CREATE TABLE processed (seq INTEGER PRIMARY KEY AUTOINCREMENT, hashes BLOB NOT NULL);
                CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, actions BLOB NOT NULL);
                CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('emitted_seq', 0);
                CREATE TABLE snapshots (journal_seq INTEGER PRIMARY KEY, version INTEGER NOT NULL, data BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("v2-daily-stats") { db in
            try db.execute(sql: """
                CREATE TABLE daily_stats (
                    group_id TEXT NOT NULL, day TEXT NOT NULL, members INTEGER, joins INTEGER NOT NULL DEFAULT 0,
                    leaves INTEGER NOT NULL DEFAULT 0, messages INTEGER NOT NULL DEFAULT 0,
                    deleted INTEGER NOT NULL DEFAULT 0, muted INTEGER NOT NULL DEFAULT 0, kicks INTEGER NOT NULL DEFAULT 0,
                    guided INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (group_id, day)) WITHOUT ROWID;
                CREATE TABLE daily_active (group_id TEXT NOT NULL, day TEXT NOT NULL, user_id TEXT NOT NULL,
                    PRIMARY KEY (group_id, day, user_id)) WITHOUT ROWID;
                CREATE TABLE daily_rule_hits (group_id TEXT NOT NULL, day TEXT NOT NULL, rule TEXT NOT NULL,
                    hits INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (group_id, day, rule)) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-group-registry") { db in
            try db.execute(sql: """
                CREATE TABLE groups (
                    group_id TEXT PRIMARY KEY, name TEXT, type TEXT, first_seen_ms INTEGER NOT NULL,
                    last_message_ms INTEGER, members INTEGER) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v4-false-positives") { db in
            try db.execute(sql: "ALTER TABLE daily_rule_hits ADD COLUMN false_positives INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v5-strikes") { db in
            try db.execute(sql: "ALTER TABLE daily_stats ADD COLUMN strikes INTEGER NOT NULL DEFAULT 0")
        }
        migrator.registerMigration("v6-deliveries") { db in
            // Outbound HTTP calls of `serve` (callbacks, platform API calls): pending ones
            // survive a restart; dead ones stay until `groupbot deliveries retry`.
            try db.execute(sql: """
                CREATE TABLE deliveries (
                    id TEXT PRIMARY KEY, target TEXT NOT NULL, endpoint TEXT NOT NULL, body BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,
                    dead INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_ms INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX deliveries_due ON deliveries (dead, next_attempt_ms);
                """)
        }
        migrator.registerMigration("v7-snapshot-texts") { db in
            // The members' recent texts, as bytes beside the snapshot's JSON (NULL in older rows).
            try db.execute(sql: "ALTER TABLE snapshots ADD COLUMN texts BLOB")
        }
        migrator.registerMigration("v8-active-members") { db in
            // The active members of a group's day as one row of sorted id hashes, not one row each.
            try db.execute(sql: """
                CREATE TABLE daily_active_members (group_id TEXT NOT NULL, day TEXT NOT NULL, hashes BLOB NOT NULL,
                    PRIMARY KEY (group_id, day)) WITHOUT ROWID
                """)
            var days: [String: (group: String, day: String, hashes: Set<UInt64>)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT group_id, day, user_id FROM daily_active") {
                let group: String = row["group_id"], day: String = row["day"], user: String = row["user_id"]
                days["\(group)\u{0}\(day)", default: (group, day, [])].hashes.insert(StableHash.of(id: user))
            }
            for entry in days.values {
                try db.execute(sql: "INSERT INTO daily_active_members (group_id, day, hashes) VALUES (?, ?, ?)",
                               arguments: [entry.group, entry.day, HashBlob.encode(entry.hashes.sorted())])
            }
            try db.execute(sql: "DROP TABLE daily_active")
        }
        migrator.registerMigration("v9-delivery-pacing") { db in
            // What pacing needs of a delivery (Pacer): rows written before pace as plain messages.
            try db.execute(sql: """
                ALTER TABLE deliveries ADD COLUMN pace_priority INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE deliveries ADD COLUMN pace_group TEXT NOT NULL DEFAULT '';
                ALTER TABLE deliveries ADD COLUMN pace_posts INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE deliveries ADD COLUMN utc_offset INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v10-console-figures") { db in
            // The console's overview reads a month of every group's figures by day, replies among them.
            try db.execute(sql: """
                CREATE INDEX daily_stats_by_day ON daily_stats(day, group_id);
                ALTER TABLE daily_stats ADD COLUMN replies INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v11-active-counts") { db in
            // A past day's active members as a count: its hashes go (``DailyStats/foldActiveMembers(_:now:)``).
            try db.execute(sql: "ALTER TABLE daily_stats ADD COLUMN active INTEGER NOT NULL DEFAULT 0")
        }
        return migrator
    }
}
