import Foundation
import GroupbotCore
import GroupbotRuntime

/// The delivery ledger next to the engine's state (table `deliveries`), in a SQLite file or
/// a PostgreSQL database.
package final class SQLDeliveryLedger: DeliveryLedger {
    private let database: any SQLDatabase

    init(database: any SQLDatabase) {
        self.database = database
    }

    package func enqueue(_ deliveries: [Delivery]) throws {
        guard !deliveries.isEmpty else { return }
        try write { db in
            for delivery in deliveries {
                try db.execute("""
                    INSERT INTO deliveries (id, target, endpoint, body, attempts, next_attempt_ms, dead, last_error, created_ms,
                        pace_priority, pace_group, pace_posts, utc_offset)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                    """, [.text(delivery.id), .text(delivery.target), .text(delivery.endpoint), .blob(delivery.body),
                          .int(delivery.attempts), .int(delivery.nextAttempt.milliseconds), .bool(delivery.dead),
                          .text(delivery.lastError), .int(delivery.created.milliseconds), .int(delivery.pacing.priority.rawValue),
                          .text(delivery.pacing.group), .bool(delivery.pacing.postsInGroup), .int(delivery.utcOffsetSeconds)])
            }
        }
    }

    package func due(at now: Instant, target: String?, limit: Int) throws -> [Delivery] {
        try read { db in
            guard let target else {
                return try db.rows("""
                    SELECT * FROM deliveries WHERE dead = 0 AND next_attempt_ms <= ? ORDER BY next_attempt_ms, created_ms, id LIMIT ?
                    """, [.int(now.milliseconds), .int(limit)]).map(Self.delivery)
            }
            return try db.rows("""
                SELECT * FROM deliveries WHERE dead = 0 AND next_attempt_ms <= ? AND target = ?
                ORDER BY pace_priority, next_attempt_ms, created_ms, id LIMIT ?
                """, [.int(now.milliseconds), .text(target), .int(limit)]).map(Self.delivery)
        }
    }

    package func nextDue() throws -> Instant? {
        try read { db in
            try db.int("SELECT MIN(next_attempt_ms) FROM deliveries WHERE dead = 0").map(Instant.init(milliseconds:))
        }
    }

    package func complete(id: String) throws {
        try write { db in try db.execute("DELETE FROM deliveries WHERE id = ?", [.text(id)]) }
    }

    package func fail(id: String, error: String, retryAt: Instant?) throws {
        try write { db in
            try db.execute("""
                UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_ms = COALESCE(?, next_attempt_ms),
                dead = ? WHERE id = ?
                """, [.text(error), .int(retryAt?.milliseconds), .bool(retryAt == nil), .text(id)])
        }
    }

    package func deadLetters() throws -> [Delivery] {
        try read { db in
            try db.rows("SELECT * FROM deliveries WHERE dead = 1 ORDER BY created_ms, id").map(Self.delivery)
        }
    }

    package func revive(ids: [String]?, at now: Instant) throws -> Int {
        try write { db in
            let revive = "UPDATE deliveries SET dead = 0, attempts = 0, next_attempt_ms = ? WHERE dead = 1"
            guard let ids else { return try db.execute(revive, [.int(now.milliseconds)]) }
            var revived = 0
            for id in ids { revived += try db.execute(revive + " AND id = ?", [.int(now.milliseconds), .text(id)]) }
            return revived
        }
    }

    package func counts() throws -> (pending: Int, dead: Int) {
        try read { db in
            let pending = try db.int("SELECT COUNT(*) FROM deliveries WHERE dead = 0") ?? 0
            let dead = try db.int("SELECT COUNT(*) FROM deliveries WHERE dead = 1") ?? 0
            return (Int(pending), Int(dead))
        }
    }

    private static func delivery(_ row: SQLRow) -> Delivery {
        let priority = PacingClass.Priority(rawValue: row.int("pace_priority")) ?? .message
        var delivery = Delivery(id: row.text("id"), target: row.text("target"), endpoint: row.text("endpoint"),
                                body: [UInt8](row.blob("body") ?? Data()), created: Instant(milliseconds: row.int64("created_ms")),
                                pacing: PacingClass(priority: priority, group: row.text("pace_group"), postsInGroup: row.bool("pace_posts")),
                                utcOffsetSeconds: row.int("utc_offset"))
        delivery.attempts = row.int("attempts")
        delivery.nextAttempt = Instant(milliseconds: row.int64("next_attempt_ms"))
        delivery.dead = row.bool("dead")
        delivery.lastError = row.optionalText("last_error")
        return delivery
    }

    private func read<T>(_ body: (any SQLRunner) throws -> T) throws -> T {
        do { return try database.read(body) } catch { throw StoreError(path: database.location, reason: "deliveries: \(error)") }
    }

    @discardableResult
    private func write<T>(_ body: (any SQLRunner) throws -> T) throws -> T {
        do { return try database.write(body) } catch { throw StoreError(path: database.location, reason: "deliveries: \(error)") }
    }
}

extension StateStore {
    /// The outbound deliveries kept in the same state.
    package var deliveries: SQLDeliveryLedger { SQLDeliveryLedger(database: database) }
}
