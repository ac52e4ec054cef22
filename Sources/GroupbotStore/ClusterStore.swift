import Foundation
import GroupbotCore
import GroupbotRuntime

/// The database side of several `serve` instances on one PostgreSQL (docs/scaling.md).
///
/// - **The log** (`cluster_log`): every event any instance takes in, once (the event id's hash
///   is unique: an event delivered twice, to two instances, is logged once), and the clock's
///   ticks, in one order. Appends take an advisory lock for their transaction, so rows become
///   visible in the order of their numbers: a reader that has seen row N never sees a row
///   below N appear later. Every instance runs every row through its engine, so the state
///   across groups (memberships, strikes, duplicates, ban lists) is the same everywhere.
/// - **Partitions** (`cluster_partitions`): groups are hashed into partitions, each owned by
///   one live instance at a time under a lease renewed by its heartbeat. Only the owner
///   hands a partition's actions on (deliveries, the audit log, the figures), in one
///   transaction with the partition's `emitted_seq`, and only while it still holds the
///   lease's epoch: a paused instance that lost the partition writes nothing.
/// - **Snapshots** (`cluster_snapshots`): the engine at a row of the log, for a quick start.
package final class ClusterStore: Sendable {
    package let database: PostgreSQLDatabase
    /// The number of partitions (fixed for a database: every instance must hash alike).
    package let partitions: Int

    /// The database's clock in milliseconds, as SQL: leases and heartbeats are timed by it, so
    /// the instances' own clocks may differ.
    static let databaseNow = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"

    /// The key of the advisory lock that orders appends.
    static let appendLock: Int64 = 0x67_62_6C_6F_67_00_00_01

    /// Opens the cluster tables of `database` (created by the migrations), with `partitions`
    /// partitions: the first instance sets the number, the others must agree.
    package init(database: PostgreSQLDatabase, partitions: Int) throws(StoreError) {
        self.database = database
        self.partitions = partitions
        do {
            try database.write { db in
                try db.execute("INSERT INTO meta (key, value) VALUES ('cluster_partitions', ?) ON CONFLICT (key) DO NOTHING",
                               [.int(partitions)])
                let kept = try db.int("SELECT value FROM meta WHERE key = 'cluster_partitions'") ?? Int64(partitions)
                guard kept == Int64(partitions) else {
                    throw StoreError(path: database.location, reason: "the cluster has \(kept) partitions, this instance is "
                        + "configured with \(partitions); every instance must use the same number")
                }
                for id in 0..<partitions {
                    try db.execute("INSERT INTO cluster_partitions (id) VALUES (?) ON CONFLICT (id) DO NOTHING", [.int(id)])
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: database.location, reason: "cluster: \(error)")
        }
    }

    /// The number of partitions the instances on `database` use (nil: none ran there yet).
    package static func partitions(in database: PostgreSQLDatabase) throws -> Int? {
        try database.read { db in try db.int("SELECT value FROM meta WHERE key = 'cluster_partitions'") }.map { Int($0) }
    }

    /// The partition a group belongs to.
    package func partition(ofGroup group: String) -> Int {
        Int(StableHash.of(id: group) % UInt64(partitions))
    }

    // MARK: The log

    /// What became of an appended event.
    package enum Appended: Sendable, Equatable {
        /// Logged as row `seq`.
        case logged(seq: Int64)
        /// Its id was logged before (by this instance or another).
        case duplicate
    }

    /// Appends events (and ticks, whose ids are not de-duplicated) in one transaction: one
    /// multi-row insert per 500 events. Each event gets the next number; one whose id is
    /// logged already is skipped (a gap in the numbers, which readers do not mind: only the
    /// order matters, and the lock keeps it).
    package func append(_ events: [Event]) throws -> [Appended] {
        guard !events.isEmpty else { return [] }
        return try database.write { db in
            try db.execute("SELECT pg_advisory_xact_lock(?)", [.int(Self.appendLock)])
            var next = (try db.int("SELECT COALESCE(MAX(seq), 0) FROM cluster_log") ?? 0) + 1
            var results = [Appended](repeating: .duplicate, count: events.count)
            var seen: Set<UInt64> = []
            var candidates: [(index: Int, seq: Int64, values: [SQLValue])] = []
            for (index, event) in events.enumerated() {
                let hash = StableHash.of(id: event.id)
                let isTick = event.type == .tick
                guard isTick || seen.insert(hash).inserted else { continue }  // twice in this batch
                candidates.append((index, next, [.int(next), isTick ? .null : .int(Int64(bitPattern: hash)),
                                                 .int(event.time.milliseconds), .blob(RecordCoding.encode(event))]))
                next += 1
            }
            for chunk in stride(from: 0, to: candidates.count, by: 500).map({ candidates[$0..<min($0 + 500, candidates.count)] }) {
                let rows = Array(repeating: "(?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
                let inserted = Set(try db.rows("""
                    INSERT INTO cluster_log (seq, id_hash, time_ms, entry) VALUES \(rows) ON CONFLICT (id_hash) DO NOTHING RETURNING seq
                    """, chunk.flatMap(\.values)).map { $0.int64("seq") })
                for candidate in chunk where inserted.contains(candidate.seq) { results[candidate.index] = .logged(seq: candidate.seq) }
            }
            return results
        }
    }

    /// The rows after `seq`, oldest first, at most `limit`.
    package func read(after seq: Int64, limit: Int) throws -> [(seq: Int64, event: Event)] {
        try database.read { db in
            try db.rows("SELECT seq, entry FROM cluster_log WHERE seq > ? ORDER BY seq LIMIT ?", [.int(seq), .int(limit)]).map { row in
                (row.int64("seq"), try RecordCoding.decodeEvent(row.blob("entry") ?? Data()))
            }
        }
    }

    // MARK: Partitions and heartbeats

    /// One partition as the heartbeat saw it.
    package struct PartitionState: Sendable, Equatable {
        package var id: Int
        package var owner: String?
        /// Bumped at every change of owner: a flush names the epoch it holds.
        package var epoch: Int64
        /// The last row of the log whose actions of this partition were handed on.
        package var emittedSeq: Int64
    }

    /// What one heartbeat found: every partition, and how many instances are alive.
    package struct ClusterView: Sendable, Equatable {
        package var partitions: [PartitionState]
        package var liveInstances: Int

        /// The partitions `instance` owns.
        package func owned(by instance: String) -> [PartitionState] {
            partitions.filter { $0.owner == instance }
        }
    }

    /// Says that `instance` is alive, renews its leases, gives back what it holds beyond its
    /// share (only partitions listed in `releasable`: those whose actions are all handed on)
    /// and takes free or expired partitions up to its share. `leaseMilliseconds` is how long
    /// a lease lasts without a heartbeat.
    package func heartbeat(instance: String, processedSeq: Int64, leaseMilliseconds: Int64,
                           releasable: Set<Int>, rulesVersion: String = "") throws -> ClusterView {
        try database.write { db in
            let now = try db.int("SELECT \(Self.databaseNow)") ?? 0
            try db.execute("""
                INSERT INTO cluster_instances (id, heartbeat_ms, processed_seq, rules_version) VALUES (?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_ms = excluded.heartbeat_ms, processed_seq = excluded.processed_seq,
                    rules_version = excluded.rules_version
                """, [.text(instance), .int(now), .int(processedSeq), .text(rulesVersion)])
            try db.execute("UPDATE cluster_partitions SET expires_ms = ? WHERE owner = ?", [.int(now + leaseMilliseconds), .text(instance)])
            let live = max(1, Int(try db.int("SELECT COUNT(*) FROM cluster_instances WHERE heartbeat_ms > ?",
                                              [.int(now - leaseMilliseconds)]) ?? 1))
            let share = (partitions + live - 1) / live
            let mine = Int(try db.int("SELECT COUNT(*) FROM cluster_partitions WHERE owner = ?", [.text(instance)]) ?? 0)
            if mine > share {
                // The highest first, so every instance gives back from the same end.
                let surplus = try db.rows("SELECT id FROM cluster_partitions WHERE owner = ? ORDER BY id DESC", [.text(instance)])
                    .map { $0.int("id") }.filter(releasable.contains).prefix(mine - share)
                for id in surplus {
                    try db.execute("UPDATE cluster_partitions SET owner = NULL, expires_ms = 0 WHERE id = ? AND owner = ?",
                                   [.int(id), .text(instance)])
                }
            } else if mine < share {
                try db.execute("""
                    UPDATE cluster_partitions SET owner = ?, expires_ms = ?, epoch = epoch + 1
                    WHERE id IN (SELECT id FROM cluster_partitions WHERE owner IS NULL OR expires_ms < ?
                                 ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                    """, [.text(instance), .int(now + leaseMilliseconds), .int(now), .int(share - mine)])
            }
            return ClusterView(partitions: try Self.partitionStates(db), liveInstances: live)
        }
    }

    /// The live instances (heartbeat within `leaseMilliseconds`) other than `instance` that run
    /// rules other than `rulesVersion`, with the version each runs.
    package func instancesWithOtherRules(than rulesVersion: String, besides instance: String,
                                         leaseMilliseconds: Int64) throws -> [(id: String, rulesVersion: String)] {
        try database.read { db in
            try db.rows("""
                SELECT id, rules_version FROM cluster_instances
                WHERE id <> ? AND rules_version <> ? AND heartbeat_ms > \(Self.databaseNow) - ?
                ORDER BY id
                """, [.text(instance), .text(rulesVersion), .int(leaseMilliseconds)]).map { ($0.text("id"), $0.text("rules_version")) }
        }
    }

    /// Says that `instance` stops: its partitions are free at once (after its last flush).
    package func leave(instance: String) throws {
        try database.write { db in
            try db.execute("UPDATE cluster_partitions SET owner = NULL, expires_ms = 0 WHERE owner = ?", [.text(instance)])
            try db.execute("DELETE FROM cluster_instances WHERE id = ?", [.text(instance)])
        }
    }

    // MARK: Handing on a partition's actions

    /// One owned partition's work to hand on: up to row `upTo`, under lease `epoch`.
    package struct HandOn: Sendable {
        package var partition: Int
        package var epoch: Int64
        package var upTo: Int64
        package var entries: [JournalEntry]
        package var deliveries: [Delivery]

        package init(partition: Int, epoch: Int64, upTo: Int64, entries: [JournalEntry], deliveries: [Delivery]) {
            self.partition = partition
            self.epoch = epoch
            self.upTo = upTo
            self.entries = entries
            self.deliveries = deliveries
        }
    }

    /// Hands on owned partitions' work in one transaction: their actions join the audit log,
    /// their deliveries are queued, the figures are added up, and each partition's
    /// `emitted_seq` moves, all at once. A partition whose lease `epoch` is no longer the
    /// current one (another instance took it over) is skipped, writing nothing of it; returns
    /// the partitions handed on.
    package func handOn(_ work: [HandOn], owner: String) throws -> Set<Int> {
        guard !work.isEmpty else { return [] }
        return try database.write { db -> Set<Int> in
            var held: Set<Int> = []
            // First, so the rows stay locked until the end: a takeover waits for this transaction.
            for part in work.sorted(by: { $0.partition < $1.partition }) {
                let changed = try db.execute("""
                    UPDATE cluster_partitions SET emitted_seq = ? WHERE id = ? AND owner = ? AND epoch = ? AND emitted_seq <= ?
                    """, [.int(part.upTo), .int(part.partition), .text(owner), .int(part.epoch), .int(part.upTo)])
                if changed > 0 { held.insert(part.partition) }
            }
            var outbox = BatchCoding.Packer()
            var figures = WorkFigures()
            var deliveries: [Delivery] = []
            for part in work where held.contains(part.partition) {
                deliveries += part.deliveries
                for entry in part.entries {
                    figures.add(entry)
                    for action in entry.actions { outbox.append(action: action) }
                }
            }
            if !outbox.isEmpty, let seq = try db.int("INSERT INTO outbox (actions) VALUES (?) RETURNING seq", [.blob(outbox.deflated)]) {
                try db.execute("UPDATE meta SET value = ? WHERE key = 'emitted_seq' AND value < ?", [.int(seq), .int(seq)])
            }
            try figures.write(to: db)
            try SQLDeliveryLedger.insert(deliveries, into: db)
            return held
        }
    }

    /// What the cluster looks like now, for `groupbot cluster status`.
    package struct Status: Sendable {
        package var partitions: [PartitionState]
        /// Each instance seen: its name, milliseconds since its last heartbeat, the last row it ran.
        package var instances: [(id: String, silentMilliseconds: Int64, processedSeq: Int64)]
        /// The last row of the log.
        package var lastSeq: Int64
    }

    /// Reads the partitions, the instances and the end of the log without touching them.
    package func status() throws -> Status {
        try database.read { db in
            let now = try db.int("SELECT \(Self.databaseNow)") ?? 0
            let partitions = try Self.partitionStates(db)
            let instances = try db.rows("SELECT id, heartbeat_ms, processed_seq FROM cluster_instances ORDER BY id").map { row in
                (id: row.text("id"), silentMilliseconds: now - row.int64("heartbeat_ms"), processedSeq: row.int64("processed_seq"))
            }
            let last = try db.int("SELECT COALESCE(MAX(seq), 0) FROM cluster_log") ?? 0
            return Status(partitions: partitions, instances: instances, lastSeq: last)
        }
    }

    // MARK: Snapshots

    /// Saves the engine's state as it was after row `seq`.
    package func saveSnapshot(_ snapshot: EngineSnapshot, at seq: Int64) throws {
        let (data, texts) = try SnapshotCoding.encode(snapshot)
        try database.write { db in
            try db.execute("""
                INSERT INTO cluster_snapshots (seq, version, data, texts) VALUES (?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING
                """, [.int(seq), .int(snapshot.version), .blob(data), .blob(texts)])
        }
    }

    /// The newest snapshot at or before row `seq` (nil: none; start from the log's beginning).
    package func snapshot(atOrBefore seq: Int64) throws -> (seq: Int64, snapshot: EngineSnapshot)? {
        try database.read { db in
            guard let row = try db.rows("SELECT seq, version, data, texts FROM cluster_snapshots WHERE seq <= ? ORDER BY seq DESC LIMIT 1",
                                        [.int(seq)]).first else { return nil }
            return (row.int64("seq"), try SnapshotCoding.decode(row, location: database.location))
        }
    }

    /// The lowest `emitted_seq` of all partitions: a starting instance must run the log from a
    /// snapshot at or before it, to have every partition's actions that are not handed on yet.
    package func lowestEmittedSeq() throws -> Int64 {
        try database.read(Self.lowestEmittedSeq)
    }

    private static func lowestEmittedSeq(_ db: any SQLRunner) throws -> Int64 {
        try db.int("SELECT COALESCE(MIN(emitted_seq), 0) FROM cluster_partitions") ?? 0
    }

    /// Every partition, by id.
    private static func partitionStates(_ db: any SQLRunner) throws -> [PartitionState] {
        try db.rows("SELECT id, owner, epoch, emitted_seq FROM cluster_partitions ORDER BY id").map { row in
            PartitionState(id: row.int("id"), owner: row.optionalText("owner"), epoch: row.int64("epoch"), emittedSeq: row.int64("emitted_seq"))
        }
    }

    /// Deletes the snapshots and log rows no instance can need any more: everything before
    /// the newest snapshot at or before the lowest `emitted_seq`; folds past days' active
    /// members into their counts, as a state's retention does.
    package func prune() throws {
        try database.write { db in
            if let newest = try db.int("SELECT MAX(time_ms) FROM cluster_log") {
                try DailyStats.foldActiveMembers(db, now: Int64(newest))
            }
            // Not past what a live instance has still to run (one that stopped heartbeating a
            // minute ago no longer holds it back: it will start from a snapshot).
            let emitted = try Self.lowestEmittedSeq(db)
            let running = try db.int("SELECT MIN(processed_seq) FROM cluster_instances WHERE heartbeat_ms > \(Self.databaseNow) - 60000")
            let lowest = min(emitted, running ?? emitted)
            guard let kept = try db.int("SELECT MAX(seq) FROM cluster_snapshots WHERE seq <= ?", [.int(lowest)]) else { return }
            try db.execute("DELETE FROM cluster_snapshots WHERE seq < ?", [.int(kept)])
            try db.execute("DELETE FROM cluster_log WHERE seq <= ?", [.int(kept)])
        }
    }
}
