import Foundation
import GRDB
import GroupbotCore
import GroupbotRuntime

/// The delivery ledger in the state file, next to the engine's state (table `deliveries`).
package final class SQLiteDeliveryLedger: DeliveryLedger {
    private let pool: DatabasePool
    private let path: String

    init(pool: DatabasePool, path: String) {
        self.pool = pool
        self.path = path
    }

    package func enqueue(_ deliveries: [Delivery]) throws {
        guard !deliveries.isEmpty else { return }
        try write { db in
            for delivery in deliveries {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO deliveries (id, target, endpoint, body, attempts, next_attempt_ms, dead, last_error, created_ms,
                        pace_priority, pace_group, pace_posts, utc_offset)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [delivery.id, delivery.target, delivery.endpoint, Data(delivery.body), delivery.attempts,
                                     delivery.nextAttempt.milliseconds, delivery.dead, delivery.lastError,
                                     delivery.created.milliseconds, delivery.pacing.priority.rawValue, delivery.pacing.group,
                                     delivery.pacing.postsInGroup, delivery.utcOffsetSeconds])
            }
        }
    }

    package func due(at now: Instant, target: String?, limit: Int) throws -> [Delivery] {
        try read { db in
            guard let target else {
                return try Row.fetchAll(db, sql: """
                    SELECT * FROM deliveries WHERE dead = 0 AND next_attempt_ms <= ? ORDER BY next_attempt_ms, created_ms, id LIMIT ?
                    """, arguments: [now.milliseconds, limit]).map(Self.delivery)
            }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM deliveries WHERE dead = 0 AND next_attempt_ms <= ? AND target = ?
                ORDER BY pace_priority, next_attempt_ms, created_ms, id LIMIT ?
                """, arguments: [now.milliseconds, target, limit]).map(Self.delivery)
        }
    }

    package func nextDue() throws -> Instant? {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(next_attempt_ms) FROM deliveries WHERE dead = 0").map(Instant.init(milliseconds:))
        }
    }

    package func complete(id: String) throws {
        try write { db in try db.execute(sql: "DELETE FROM deliveries WHERE id = ?", arguments: [id]) }
    }

    package func fail(id: String, error: String, retryAt: Instant?) throws {
        try write { db in
            try db.execute(sql: """
                UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_ms = COALESCE(?, next_attempt_ms),
                dead = ? WHERE id = ?
                """, arguments: [error, retryAt?.milliseconds, retryAt == nil, id])
        }
    }

    package func deadLetters() throws -> [Delivery] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deliveries WHERE dead = 1 ORDER BY created_ms, id").map(Self.delivery)
        }
    }

    package func revive(ids: [String]?, at now: Instant) throws -> Int {
        try write { db in
            let revive = "UPDATE deliveries SET dead = 0, attempts = 0, next_attempt_ms = ? WHERE dead = 1"
            guard let ids else {
                try db.execute(sql: revive, arguments: [now.milliseconds])
                return db.changesCount
            }
            var revived = 0
            for id in ids {
                try db.execute(sql: revive + " AND id = ?", arguments: [now.milliseconds, id])
                revived += db.changesCount
            }
            return revived
        }
    }

    package func counts() throws -> (pending: Int, dead: Int) {
        try read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE dead = 0") ?? 0
            let dead = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM deliveries WHERE dead = 1") ?? 0
            return (pending, dead)
        }
    }

    private static func delivery(_ row: Row) -> Delivery {
        let priority = PacingClass.Priority(rawValue: row["pace_priority"]) ?? .message
        var delivery = Delivery(id: row["id"], target: row["target"], endpoint: row["endpoint"],
                                body: [UInt8](row["body"] as Data), created: Instant(milliseconds: row["created_ms"]),
                                pacing: PacingClass(priority: priority, group: row["pace_group"], postsInGroup: row["pace_posts"]),
                                utcOffsetSeconds: row["utc_offset"])
        delivery.attempts = row["attempts"]
        delivery.nextAttempt = Instant(milliseconds: row["next_attempt_ms"])
        delivery.dead = row["dead"]
        delivery.lastError = row["last_error"]
        return delivery
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch { throw StoreError(path: path, reason: "deliveries: \(error)") }
    }

    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.write(body) } catch { throw StoreError(path: path, reason: "deliveries: \(error)") }
    }
}

extension SQLiteStore {
    /// The outbound deliveries kept in the same state file.
    package var deliveries: SQLiteDeliveryLedger { SQLiteDeliveryLedger(pool: pool, path: path) }
}
