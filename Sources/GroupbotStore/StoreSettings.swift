/// Small numbers a transport keeps across restarts in the state (the `meta` table), such as
/// the Telegram `getUpdates` offset: a restart goes on where the last process stopped, and
/// never runs an update twice. Safe to use from any task (its own reads and writes), like
/// the delivery ledger.
package struct StoreSettings: Sendable {
    private let database: any SQLDatabase

    init(database: any SQLDatabase) {
        self.database = database
    }

    /// The value kept under `key`, if any.
    package func value(_ key: String) throws(StoreError) -> Int64? {
        do {
            return try database.read { db in try db.int("SELECT value FROM meta WHERE key = ?", [.text(key)]) }
        } catch {
            throw StoreError(path: database.location, reason: "meta: \(error)")
        }
    }

    /// Keeps `value` under `key`.
    package func set(_ key: String, _ value: Int64) throws(StoreError) {
        do {
            try database.write { db in
                try db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               [.text(key), .int(value)])
            }
        } catch {
            throw StoreError(path: database.location, reason: "meta: \(error)")
        }
    }
}

extension StateStore {
    /// The transports' settings kept in the same state.
    package var settings: StoreSettings { StoreSettings(database: database) }
}
