import GRDB

/// Small numbers a transport keeps across restarts in the state file (the `meta` table),
/// such as the Telegram `getUpdates` offset: a restart goes on where the last process
/// stopped, and never runs an update twice. Safe to use from any task (its own reads and
/// writes through the pool), like the delivery ledger.
package struct StoreSettings: Sendable {
    private let pool: DatabasePool
    private let path: String

    init(pool: DatabasePool, path: String) {
        self.pool = pool
        self.path = path
    }

    /// The value kept under `key`, if any.
    package func value(_ key: String) throws(StoreError) -> Int64? {
        do {
            return try pool.read { db in try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
        } catch {
            throw StoreError(path: path, reason: "meta: \(error)")
        }
    }

    /// Keeps `value` under `key`.
    package func set(_ key: String, _ value: Int64) throws(StoreError) {
        do {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               arguments: [key, value])
            }
        } catch {
            throw StoreError(path: path, reason: "meta: \(error)")
        }
    }
}

extension SQLiteStore {
    /// The transports' settings kept in the same state file.
    package var settings: StoreSettings { StoreSettings(pool: pool, path: path) }
}
