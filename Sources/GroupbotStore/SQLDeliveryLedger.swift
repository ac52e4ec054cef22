import Foundation
import GroupbotCore
import GroupbotRuntime

/// The delivery ledger next to the engine's state (table `deliveries`), in a SQLite file or
/// a PostgreSQL database.
package final class SQLDeliveryLedger: DeliveryLedger {
    private let database: any SQLDatabase
    /// Who claims the deliveries it takes, and for how long (several instances on one
    /// PostgreSQL database); nil: one process, no claims.
    private let claimant: (instance: String, milliseconds: Int64)?

    init(database: any SQLDatabase, claimant: (instance: String, milliseconds: Int64)? = nil) {
        self.database = database
        self.claimant = claimant
    }

    package func enqueue(_ deliveries: [Delivery]) throws {
        guard !deliveries.isEmpty else { return }
        try write { db in try Self.insert(deliveries, into: db) }
    }

    /// Adds deliveries inside a transaction under way; one whose id is known stays as it is.
    static func insert(_ deliveries: [Delivery], into db: any SQLRunner) throws {
        for delivery in deliveries {
            try db.execute("""
                INSERT INTO deliveries (id, target, endpoint, body, attempts, next_attempt_ms, dead, last_error, created_ms,
                    pace_priority, pace_group, pace_posts, utc_offset)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                """, [.text(delivery.id), .text(delivery.target), .text(delivery.endpoint), .blob(Data(delivery.body)),
                      .int(delivery.attempts), .int(delivery.nextAttempt.milliseconds), .bool(delivery.dead),
                      .text(delivery.lastError), .int(delivery.created.milliseconds), .int(delivery.pacing.priority.rawValue),
                      .text(delivery.pacing.group), .bool(delivery.pacing.postsInGroup), .int(delivery.utcOffsetSeconds)])
        }
    }

    package func due(at now: Instant, target: String?, limit: Int) throws -> [Delivery] {
        // One channel's lane by pacing priority first, so enforcement is seen behind a backlog of posts.
        let lane = target == nil ? "" : "AND target = ?"
        let order = target == nil ? "ORDER BY next_attempt_ms, created_ms, id" : "ORDER BY pace_priority, next_attempt_ms, created_ms, id"
        let targetArgument: [SQLValue] = target.map { [.text($0)] } ?? []
        guard let claimant else {
            return try read { db in
                try db.rows("SELECT * FROM deliveries WHERE dead = 0 AND next_attempt_ms <= ? \(lane) \(order) LIMIT ?",
                            [.int(now.milliseconds)] + targetArgument + [.int(limit)]).map(Self.delivery)
            }
        }
        // Several instances: each takes the deliveries no one else holds (or it held already,
        // renewing its claim), skipping rows another transaction is claiming right now.
        return try write { db in
            try db.rows("""
                WITH claimed AS (
                    UPDATE deliveries SET claimed_by = ?, claimed_until_ms = ? WHERE id IN (
                        SELECT id FROM deliveries WHERE dead = 0 AND next_attempt_ms <= ?
                            AND (claimed_until_ms < ? OR claimed_by = ?) \(lane) \(order) LIMIT ? FOR UPDATE SKIP LOCKED)
                    RETURNING *)
                SELECT * FROM claimed \(order)
                """, [.text(claimant.instance), .int(now.milliseconds + claimant.milliseconds), .int(now.milliseconds),
                      .int(now.milliseconds), .text(claimant.instance)] + targetArgument + [.int(limit)]).map(Self.delivery)
        }
    }

    package var claimMilliseconds: Int64? { claimant?.milliseconds }

    package func renewClaim(id: String, at now: Instant) throws -> Bool {
        guard let claimant else { return true }
        return try write { db in
            try db.execute("""
                UPDATE deliveries SET claimed_by = ?, claimed_until_ms = ? WHERE id = ? AND (claimed_by = ? OR claimed_until_ms < ?)
                """, [.text(claimant.instance), .int(now.milliseconds + claimant.milliseconds), .text(id), .text(claimant.instance),
                      .int(now.milliseconds)]) > 0
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

    /// The deliveries for one of several instances on a PostgreSQL database: each delivery it
    /// takes is claimed for `claimMilliseconds` (renewed while it holds it), so no other
    /// instance sends it, and one that dies leaves it to the others once its claim lapses.
    package func deliveries(claimedBy instance: String, claimMilliseconds: Int64) -> SQLDeliveryLedger {
        SQLDeliveryLedger(database: database, claimant: (instance, claimMilliseconds))
    }
}
