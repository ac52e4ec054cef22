import Foundation

/// What the state file keeps of its history, so it stays bounded however long it runs:
/// the audit log (the outbox's actions that were handed on) for `auditDays`, and the
/// processed event ids as many as de-duplication remembers in memory, and a past day's active
/// members as their count. Snapshots replace each other and the journal goes with each snapshot.
package struct Retention: Sendable, Equatable {
    /// Days of actions kept in the audit log (`groupbot log`, `stats` figures are kept apart).
    package var auditDays: Int = 90
    /// Processed event ids kept (the newest).
    package var processedIDs: Int = StateStore.processedMemory

    package init(auditDays: Int = 90, processedIDs: Int = StateStore.processedMemory) {
        self.auditDays = auditDays
        self.processedIDs = processedIDs
    }

    /// Deletes what is past keeping. Actions are dropped only once handed on (at or below the
    /// emitted mark) and once the newest action of their batch is older than the cutoff, so a
    /// recovery never misses one. Runs with the snapshots, in short transactions.
    /// `now` is the engine's time of the newest work committed (a replayed log keeps the
    /// history of its own days, whatever the wall clock says).
    func prune(_ database: any SQLDatabase, now: Int64) throws {
        let cutoff = now - Int64(auditDays) * 86_400_000
        while try database.write({ db -> Bool in
            let emitted = try db.int("SELECT value FROM meta WHERE key = 'emitted_seq'") ?? 0
            let rows = try db.rows("SELECT seq, actions FROM outbox WHERE seq <= ? ORDER BY seq LIMIT 32", [.int(emitted)])
            var last: Int64?
            for row in rows {
                let newest = try BatchCoding.unpack(actions: row.blob("actions") ?? Data()).last.map(RecordCoding.decodeAction)
                guard let newest, newest.due.milliseconds < cutoff else { break }
                last = row.int64("seq")
            }
            guard let last else { return false }
            try db.execute("DELETE FROM outbox WHERE seq <= ?", [.int(last)])
            try db.execute("""
                INSERT INTO meta (key, value) VALUES ('audit_kept_from_ms', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, [.int(cutoff)])
            return rows.count == 32 && last == rows.last?.int64("seq")
        }) {}
        try database.write { db in try DailyStats.foldActiveMembers(db, now: now) }
        try database.write { db in
            // The newest batches that hold `processedIDs` ids stay; older ones go.
            var kept = 0
            var oldestKept: Int64?
            // Newest first, a page at a time, read only until enough ids are counted.
            var before = Int64.max
            while kept < processedIDs {
                let page = try db.rows("""
                    SELECT seq, CAST(length(hashes) AS BIGINT) AS bytes FROM processed WHERE seq < ? ORDER BY seq DESC LIMIT 1024
                    """, [.int(before)])
                for row in page where kept < processedIDs {
                    kept += row.int("bytes") / 8
                    oldestKept = row.int64("seq")
                }
                guard page.count == 1024, let last = page.last else { break }
                before = last.int64("seq")
            }
            if kept >= processedIDs, let oldestKept {
                try db.execute("DELETE FROM processed WHERE seq < ?", [.int(oldestKept)])
            }
        }
    }
}

extension StateStore {
    /// Since when the audit log is complete (nil: nothing was ever pruned).
    package func auditKeptFrom() throws -> Date? { try reader.auditKeptFrom() }
}
