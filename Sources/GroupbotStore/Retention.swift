import Foundation
import GRDB

/// What the state file keeps of its history, so it stays bounded however long it runs:
/// the audit log (the outbox's actions that were handed on) for `auditDays`, and the
/// processed event ids as many as de-duplication remembers in memory. Snapshots replace
/// each other and the journal goes with each snapshot already.
package struct Retention: Sendable, Equatable {
    /// Days of actions kept in the audit log (`groupbot log`, `stats` figures are kept apart).
    package var auditDays: Int = 90
    /// Processed event ids kept (the newest).
    package var processedIDs: Int = SQLiteStore.processedMemory

    package init(auditDays: Int = 90, processedIDs: Int = SQLiteStore.processedMemory) {
        self.auditDays = auditDays
        self.processedIDs = processedIDs
    }

    /// Deletes what is past keeping. Actions are dropped only once handed on (at or below the
    /// emitted mark) and once the newest action of their batch is older than the cutoff, so a
    /// recovery never misses one. Runs with the snapshots, in short transactions.
    /// `now` is the engine's time of the newest work committed (a replayed log keeps the
    /// history of its own days, whatever the wall clock says).
    func prune(_ pool: DatabasePool, now: Int64) throws {
        let cutoff = now - Int64(auditDays) * 86_400_000
        while try pool.write({ db -> Bool in
            let emitted = try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'emitted_seq'") ?? 0
            let rows = try Row.fetchAll(db, sql: "SELECT seq, actions FROM outbox WHERE seq <= ? ORDER BY seq LIMIT 32",
                                        arguments: [emitted])
            var last: Int64?
            for row in rows {
                let newest = try BatchCoding.unpack(row["actions"] as Data).last.map(RecordCoding.decodeAction)
                guard let newest, newest.due.milliseconds < cutoff else { break }
                last = row["seq"]
            }
            guard let last else { return false }
            try db.execute(sql: "DELETE FROM outbox WHERE seq <= ?", arguments: [last])
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_kept_from_ms', ?)", arguments: [cutoff])
            return rows.count == 32 && last == rows.last?["seq"]
        }) {}
        try pool.write { db in
            // The newest batches that hold `processedIDs` ids stay; older ones go.
            var kept = 0
            var oldestKept: Int64?
            // Newest first, read only until enough ids are counted (a cursor, not every row).
            let rows = try Row.fetchCursor(db, sql: "SELECT seq, length(hashes) AS bytes FROM processed ORDER BY seq DESC")
            while kept < processedIDs, let row = try rows.next() {
                kept += (row["bytes"] as Int) / 8
                oldestKept = row["seq"]
            }
            if kept >= processedIDs, let oldestKept {
                try db.execute(sql: "DELETE FROM processed WHERE seq < ?", arguments: [oldestKept])
            }
        }
    }
}

extension SQLiteStore {
    /// Since when the audit log is complete (nil: nothing was ever pruned).
    package func auditKeptFrom() throws -> Date? {
        try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'audit_kept_from_ms'")
                .map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
    }
}
