/// Versioned, forward-only migrations of a PostgreSQL state: the same tables as a SQLite
/// file (``StoreMigrations``), in PostgreSQL's types (`BIGINT`, `BYTEA`, `BIGSERIAL`). Each
/// runs once, in a transaction, under an advisory lock: instances starting together on one
/// database migrate it once.
enum PostgresMigrations {
    /// Each migration: its name (kept in `schema_migrations`) and its statements, in order.
    static let all: [(name: String, statements: [String])] = [
        ("v1-state", [
            "CREATE TABLE journal (seq BIGSERIAL PRIMARY KEY, entries BYTEA NOT NULL)",
            "CREATE TABLE processed (seq BIGSERIAL PRIMARY KEY, hashes BYTEA NOT NULL)",
            "CREATE TABLE outbox (seq BIGSERIAL PRIMARY KEY, actions BYTEA NOT NULL)",
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO meta (key, value) VALUES ('emitted_seq', 0)",
            "CREATE TABLE snapshots (journal_seq BIGINT PRIMARY KEY, version BIGINT NOT NULL, data BYTEA NOT NULL, texts BYTEA)",
            """
            CREATE TABLE daily_stats (
                group_id TEXT NOT NULL, day TEXT NOT NULL, members BIGINT, joins BIGINT NOT NULL DEFAULT 0,
                leaves BIGINT NOT NULL DEFAULT 0, messages BIGINT NOT NULL DEFAULT 0, deleted BIGINT NOT NULL DEFAULT 0,
                muted BIGINT NOT NULL DEFAULT 0, kicks BIGINT NOT NULL DEFAULT 0, guided BIGINT NOT NULL DEFAULT 0,
                strikes BIGINT NOT NULL DEFAULT 0, replies BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (group_id, day))
            """,
            "CREATE INDEX daily_stats_by_day ON daily_stats (day, group_id)",
            """
            CREATE TABLE daily_active_members (group_id TEXT NOT NULL, day TEXT NOT NULL, hashes BYTEA NOT NULL,
                PRIMARY KEY (group_id, day))
            """,
            """
            CREATE TABLE daily_rule_hits (group_id TEXT NOT NULL, day TEXT NOT NULL, rule TEXT NOT NULL,
                hits BIGINT NOT NULL DEFAULT 0, false_positives BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (group_id, day, rule))
            """,
            """
            CREATE TABLE groups (group_id TEXT PRIMARY KEY, name TEXT, type TEXT, first_seen_ms BIGINT NOT NULL,
                last_message_ms BIGINT, members BIGINT)
            """,
            """
            CREATE TABLE deliveries (
                id TEXT PRIMARY KEY, target TEXT NOT NULL, endpoint TEXT NOT NULL, body BYTEA NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0, next_attempt_ms BIGINT NOT NULL, dead BIGINT NOT NULL DEFAULT 0,
                last_error TEXT, created_ms BIGINT NOT NULL, pace_priority BIGINT NOT NULL DEFAULT 1,
                pace_group TEXT NOT NULL DEFAULT '', pace_posts BIGINT NOT NULL DEFAULT 0, utc_offset BIGINT NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX deliveries_due ON deliveries (dead, next_attempt_ms)",
        ]),
        ("v2-cluster", [
            // Several `serve` instances on one database (ClusterStore, docs/scaling.md).
            "CREATE TABLE cluster_log (seq BIGINT PRIMARY KEY, id_hash BIGINT UNIQUE, time_ms BIGINT NOT NULL, entry BYTEA NOT NULL)",
            "CREATE TABLE cluster_instances (id TEXT PRIMARY KEY, heartbeat_ms BIGINT NOT NULL, processed_seq BIGINT NOT NULL DEFAULT 0)",
            """
            CREATE TABLE cluster_partitions (id BIGINT PRIMARY KEY, owner TEXT, expires_ms BIGINT NOT NULL DEFAULT 0,
                epoch BIGINT NOT NULL DEFAULT 0, emitted_seq BIGINT NOT NULL DEFAULT 0)
            """,
            "CREATE TABLE cluster_snapshots (seq BIGINT PRIMARY KEY, version BIGINT NOT NULL, data BYTEA NOT NULL, texts BYTEA)",
            // A delivery is claimed by one instance at a time (FOR UPDATE SKIP LOCKED); a claim
            // not renewed lapses, and another instance sends it.
            "ALTER TABLE deliveries ADD COLUMN claimed_by TEXT",
            "ALTER TABLE deliveries ADD COLUMN claimed_until_ms BIGINT NOT NULL DEFAULT 0",
        ]),
        ("v3-cluster-rules", [
            // The rule files each instance runs: every engine must run the same ones.
            "ALTER TABLE cluster_instances ADD COLUMN rules_version TEXT NOT NULL DEFAULT ''",
        ]),
        ("v4-active-counts", [
            // A past day's active members as a count: its hashes go (``DailyStats/foldActiveMembers(_:now:)``).
            "ALTER TABLE daily_stats ADD COLUMN active BIGINT NOT NULL DEFAULT 0",
        ]),
    ]

    /// An arbitrary but fixed advisory-lock key for migrating ("groupbot" in ASCII, shortened).
    static let lockKey: Int64 = 0x67_72_6F_75_70_62_6F_74

    /// Brings the database up to date.
    static func migrate(_ database: any SQLDatabase) throws {
        try database.write { db in
            try db.execute("SELECT pg_advisory_xact_lock(?)", [.int(lockKey)])
            try db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
            let done = Set(try db.rows("SELECT name FROM schema_migrations").map { $0.text("name") })
            for migration in all where !done.contains(migration.name) {
                for statement in migration.statements { try db.execute(statement) }
                try db.execute("INSERT INTO schema_migrations (name) VALUES (?)", [.text(migration.name)])
            }
        }
    }
}
