import Foundation
import GRDB
import GroupbotCore
import GroupbotRuntime
import Synchronization

/// The default durable store: one SQLite file in WAL mode.
///
/// Tables (see ``StoreMigrations``): `journal` (processed events and timer
/// firings since the last snapshot), `processed` (every event id ever
/// processed, for de-duplication), `outbox` (every action, with whether it was
/// emitted — also the audit log), `snapshots`, and the daily statistics.
/// Writes are batched: one transaction per batch, and no fsync per event
/// (`synchronous = NORMAL`), which WAL makes crash-safe for the database
/// itself; the last batch before a power cut may be lost, never half-written.
package final class SQLiteStore: EngineStore, SnapshotPolicy {
    let pool: DatabasePool
    let path: String
    /// Hashes of the ids of recently processed events (the most recent half of
    /// ``processedMemory`` are loaded at start), so checking for a repeated event costs no
    /// database read. Behind a mutex: with a background writer (`EventPipeline.commitInBackground`)
    /// ids are checked on the engine's thread and remembered on the writer's.
    private let processed: Mutex<RecentIDSet>
    /// How many processed ids are kept in memory for de-duplication at most (at least half of
    /// them, the most recent, always): an event delivered again within the last million
    /// events acts once.
    package static let processedMemory = 2_000_000
    private let decoder = JSONDecoder()
    /// A snapshot is taken after this many journal entries (and at shutdown). Recovery runs
    /// at most this many entries again, which the engine does in a second or two.
    package var snapshotInterval = 250_000
    private(set) var entriesSinceSnapshot = 0
    /// A snapshot is also taken when this many seconds passed since the last one (and work was done),
    /// so the daily figures, written with each snapshot, stay current.
    package var snapshotSeconds: TimeInterval = 60
    private var lastSnapshot = Date()
    private var pendingStats = DailyStats()
    private var pendingRegistry = GroupRegistry()
    /// Runs checkpoints off the commit path, once switched on.
    var checkpointer: WALCheckpointer?
    /// Where snapshots are encoded and written, once switched on; nil: in `save` itself.
    private var snapshotQueue: DispatchQueue?
    private let backgroundFailure = FailureSlot()
    /// The journal's last row: what a snapshot taken now covers.
    private var journalSeq: Int64 = 0
    /// The engine's time of the newest work committed (what retention counts back from).
    private var newestWork: Int64 = 0
    /// What the file keeps of its history (the audit log's days, the processed ids).
    package var retention = Retention()
    /// The outbox's last row: ``committedMark``. Read by `serve`'s actor, written by commits.
    private let outboxSeq = Mutex<Int64>(0)
    /// Held while this store acts on the file (``takeWriterLock()``).
    private var writerLock: WriterLock?

    /// Makes this the one process acting on the file (`run`, `serve`); a second one throws.
    package func takeWriterLock() throws(StoreError) {
        if writerLock == nil { writerLock = try WriterLock(statePath: path) }
    }

    /// Opens (creating and migrating when needed) the store at `path`.
    package init(path: String) throws(StoreError) {
        do {
            var configuration = Configuration()
            // Another connection may hold the write lock for a while: `deliveries retry`, or a
            // checkpoint emptying a large log (`run` on a file); wait rather than fail the commit.
            configuration.busyMode = .timeout(30)
            configuration.prepareDatabase { db in
                // WAL with NORMAL: no fsync per commit, only at checkpoints, which a larger
                // auto-checkpoint makes rarer; a bigger page cache keeps the indexes in memory.
                try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 10000; PRAGMA cache_size = -32000")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreMigrations.migrator.migrate(pool)
            self.path = path
            let batches = try pool.read { db in try Data.fetchAll(db, sql: "SELECT hashes FROM processed ORDER BY seq DESC") }
            processed = Mutex(RecentIDSet(capacity: Self.processedMemory,
                                          loaded: Self.hashes(in: batches, limit: Self.processedMemory / 2)))
            // The AUTOINCREMENT counter survives the journal rows being deleted.
            journalSeq = try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'journal'") ?? 0
            }
            let lastOutbox = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM outbox") ?? 0 }
            outboxSeq.withLock { $0 = lastOutbox }
        } catch {
            throw StoreError(path: path, reason: "\(error)")
        }
    }

    /// Syncs the file at every commit from now on (`synchronous = FULL`): a power cut then loses
    /// no committed batch, at the price of a sync per commit (one per batch, not per event).
    package func syncEveryCommit() throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StoreError(path: path, reason: "synchronous commits: \(error)")
        }
    }

    /// Whether commits sync the file (see ``syncEveryCommit()``).
    package var syncsEveryCommit: Bool {
        (try? pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }) == 2
    }

    package func recover() throws -> Recovery? {
        try pool.read { db -> Recovery? in
            let snapshotRow = try Row.fetchOne(db, sql: "SELECT journal_seq, version, data, texts FROM snapshots ORDER BY journal_seq DESC LIMIT 1")
            var snapshot: EngineSnapshot?
            var after: Int64 = 0
            if let snapshotRow {
                let version: Int = snapshotRow["version"]
                guard version <= EngineSnapshot.currentVersion else {
                    throw StoreError(path: path, reason: "the state was written by a newer groupbot (snapshot version \(version))")
                }
                var decoded = try decoder.decode(EngineSnapshot.self, from: snapshotRow["data"] as Data)
                if let texts = snapshotRow["texts"] as Data? { try decoded.putRecentTexts([UInt8](texts)) }
                snapshot = decoded
                after = snapshotRow["journal_seq"]
            }
            let tail = try Row.fetchAll(db, sql: "SELECT entries FROM journal WHERE seq > ? ORDER BY seq", arguments: [after])
                .flatMap { try BatchCoding.unpack($0["entries"] as Data).map(BatchCoding.decodeEntry) }
            let unemitted = try Row.fetchAll(db, sql: """
                SELECT actions FROM outbox WHERE seq > (SELECT value FROM meta WHERE key = 'emitted_seq') ORDER BY seq
                """).flatMap { try BatchCoding.unpack($0["actions"] as Data).map(RecordCoding.decodeAction) }
            if snapshot == nil && tail.isEmpty && unemitted.isEmpty { return nil }
            return Recovery(snapshot: snapshot, tail: tail, unemitted: unemitted)
        }
    }

    package func contains(eventIDHash: UInt64) throws -> Bool {
        processed.withLock { $0.contains(eventIDHash) }
    }

    package func commit(_ entries: [JournalEntry]) throws {
        guard !entries.isEmpty else { return }
        var ids: [UInt64] = []
        ids.reserveCapacity(entries.count)
        var journal = BatchCoding.Packer(), outbox = BatchCoding.Packer()
        for entry in entries {
            newestWork = max(newestWork, entry.time.milliseconds)
            journal.append(entry: entry)
            if let event = entry.event { ids.append(StableHash.of(id: event.id)) }
            for action in entry.actions { outbox.append(action: action) }
        }
        recount(entries)
        try pool.write { db in
            // Cached statements: parsing the SQL again for every commit shows up in a busy server.
            try db.cachedStatement(sql: "INSERT INTO journal (entries) VALUES (?)").execute(arguments: [journal.data])
            journalSeq = db.lastInsertedRowID
            if !ids.isEmpty {
                try db.cachedStatement(sql: "INSERT INTO processed (hashes) VALUES (?)").execute(arguments: [HashBlob.encode(ids)])
            }
            if !outbox.isEmpty {
                try db.cachedStatement(sql: "INSERT INTO outbox (actions) VALUES (?)").execute(arguments: [outbox.data])
                let seq = db.lastInsertedRowID
                outboxSeq.withLock { $0 = seq }
            }
        }
        processed.withLock { set in for id in ids { set.insert(id) } }
        entriesSinceSnapshot += entries.count
        if checkpointer?.takeRestartRequest() == true {
            // The background checkpoints never catch the last frames of a busy writer; copied
            // from here, between two transactions, the log starts over (see WALCheckpointer).
            // The batch is committed already: a failure here must not report it as lost, and the
            // next tick asks again.
            try? pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    package func markEmitted() throws {
        try pool.write { db in
            try db.cachedStatement(sql: "UPDATE meta SET value = (SELECT COALESCE(MAX(seq), 0) FROM outbox) WHERE key = 'emitted_seq'")
                .execute()
        }
    }

    package var committedMark: Int64 { outboxSeq.withLock { $0 } }

    package func markEmitted(through mark: Int64) throws {
        try pool.write { db in
            try db.cachedStatement(sql: "UPDATE meta SET value = MAX(value, ?) WHERE key = 'emitted_seq'").execute(arguments: [mark])
        }
    }

    /// Adds work to the figures written with the next snapshot.
    package func recount(_ entries: [JournalEntry]) {
        for entry in entries {
            let offset = entry.typeUTCOffsetSeconds
            if let event = entry.event {
                pendingStats.add(event: event, utcOffsetSeconds: offset ?? event.utcOffsetSeconds)
                pendingRegistry.add(event: event, type: entry.groupType)
            }
            for action in entry.actions {
                let groupOffset = action.group == entry.event?.group ? offset : nil
                pendingStats.add(action: action, utcOffsetSeconds: groupOffset ?? action.utcOffsetSeconds)
            }
        }
    }

    package func save(_ snapshot: EngineSnapshot) throws {
        // A background write that failed is reported before anything is reset, so the figures
        // counted since then go with the next snapshot instead of being dropped.
        if let failure = backgroundFailure.take() { throw failure }
        // Everything committed so far is covered: the journal up to its last row, the figures counted.
        let captured = CapturedSnapshot(snapshot: snapshot, journalSeq: journalSeq, stats: pendingStats, registry: pendingRegistry,
                                        retention: retention, newestWork: newestWork)
        entriesSinceSnapshot = 0
        lastSnapshot = Date()
        pendingStats = DailyStats()
        pendingRegistry = GroupRegistry()
        guard let background = snapshotQueue else {
            try Self.write(captured, to: pool)
            try Self.pruneJournal(upTo: captured.journalSeq, in: pool, rowsPerTransaction: nil)
            try captured.retention.prune(pool, now: captured.newestWork)
            return
        }
        background.async { [pool, path, backgroundFailure] in
            do {
                try Self.write(captured, to: pool)
                // In short transactions, so the commits waiting for the writer slip in between.
                try Self.pruneJournal(upTo: captured.journalSeq, in: pool, rowsPerTransaction: 32)
                try captured.retention.prune(pool, now: captured.newestWork)
            } catch {
                backgroundFailure.set(StoreError(path: path, reason: "snapshot: \(error)"))
            }
        }
    }

    /// Encodes and writes a snapshot with the figures counted up to it.
    private static func write(_ captured: CapturedSnapshot, to pool: DatabasePool) throws {
        var snapshot = captured.snapshot
        let texts = Data(snapshot.takeRecentTexts())
        let data = try JSONEncoder.sortedKeys.encode(snapshot)
        try pool.write { db in
            // Daily figures and the group registry go with the snapshot: after a crash, the
            // journal since this snapshot is run again and counted again, never twice.
            try captured.stats.write(to: db)
            try captured.registry.write(to: db)
            try db.execute(sql: "INSERT OR REPLACE INTO snapshots (journal_seq, version, data, texts) VALUES (?, ?, ?, ?)",
                           arguments: [captured.journalSeq, snapshot.version, data, texts])
            try db.execute(sql: "DELETE FROM snapshots WHERE journal_seq < ?", arguments: [captured.journalSeq])
        }
    }

    /// Deletes the journal a snapshot made unnecessary (the outbox stays as the audit log).
    /// Recovery only reads the journal after the newest snapshot, so rows left behind by a
    /// crash halfway are harmless and go with the next snapshot.
    private static func pruneJournal(upTo seq: Int64, in pool: DatabasePool, rowsPerTransaction: Int?) throws {
        guard let rows = rowsPerTransaction else {
            try pool.write { db in try db.execute(sql: "DELETE FROM journal WHERE seq <= ?", arguments: [seq]) }
            return
        }
        while try pool.write({ db -> Bool in
            try db.execute(sql: "DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE seq <= ? ORDER BY seq LIMIT ?)",
                           arguments: [seq, rows])
            return db.changesCount > 0
        }) {}
    }

    /// Encodes and writes snapshots on a background queue from now on, so the work that
    /// commits (a server answering requests) does not wait for a large state to be encoded.
    /// ``waitForSnapshots()`` waits for the ones under way.
    package func snapshotInBackground() {
        snapshotQueue = snapshotQueue ?? DispatchQueue(label: "groupbot.snapshots", qos: .utility)
    }

    /// Waits for the snapshots under way, then checkpoints the log into the file.
    package func close() throws {
        try waitForSnapshots()
        try finishCheckpoints()
    }

    /// Waits until the snapshots handed to the background are written; throws the last failure.
    package func waitForSnapshots() throws {
        snapshotQueue?.sync {}
        if let failure = backgroundFailure.take() { throw failure }
    }

    /// The processed-id hashes of the newest batches first, up to `limit` of them.
    private static func hashes(in batches: [Data], limit: Int) -> Set<UInt64> {
        var result: Set<UInt64> = []
        for data in batches {
            HashBlob.decode(data, into: &result)
            if result.count >= limit { break }
        }
        return result
    }

    /// Whether enough has been committed since the last snapshot to take another.
    package var wantsSnapshot: Bool {
        entriesSinceSnapshot >= snapshotInterval
            || (entriesSinceSnapshot > 0 && Date().timeIntervalSince(lastSnapshot) >= snapshotSeconds)
    }
}

/// A state file that cannot be opened or read.
package struct StoreError: Error, CustomStringConvertible, Sendable {
    package let path: String
    package let reason: String

    package var description: String { "state file \(path): \(reason)" }
}

/// A snapshot with what it covers, taken at one moment.
private struct CapturedSnapshot: @unchecked Sendable {
    // The snapshot is a value of its own (see `Engine.snapshot()`): nothing else touches it.
    let snapshot: EngineSnapshot
    let journalSeq: Int64
    let stats: DailyStats
    let registry: GroupRegistry
    let retention: Retention
    let newestWork: Int64
}

extension JSONEncoder {
    /// Sorted keys: the same state always gives the same bytes.
    static var sortedKeys: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// The last failure of background work, kept until someone asks.
private final class FailureSlot: Sendable {
    private let failure = Mutex<StoreError?>(nil)

    func set(_ error: StoreError) {
        failure.withLock { $0 = error }
    }

    func take() -> StoreError? {
        failure.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }
}
