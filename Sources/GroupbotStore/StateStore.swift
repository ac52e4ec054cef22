import Foundation
import GRDB
import GroupbotCore
import GroupbotRuntime
import Synchronization

/// The durable store: a SQLite file in WAL mode (the embedded default), or a PostgreSQL
/// database (`postgres://…`, for deployments that keep their state on a server).
///
/// Tables (see ``StoreMigrations`` and ``PostgresMigrations``): `journal` (processed events and
/// timer firings since the last snapshot), `processed` (the ids of processed events, for
/// de-duplication), `outbox` (every action, with whether it was emitted — also the audit log),
/// `snapshots`, the daily statistics and the deliveries. Both databases run the same
/// statements (``SQLDatabase``); what differs is how they are opened, and SQLite's file-only
/// cares (checkpoints, `synchronous`, a lock file).
/// Writes are batched: one transaction per batch. On SQLite there is no fsync per event
/// (`synchronous = NORMAL`), which WAL makes crash-safe for the database itself; the last
/// batch before a power cut may be lost, never half-written.
package final class StateStore: EngineStore, SnapshotPolicy {
    let database: any SQLDatabase
    /// The SQLite pool of a state file (nil on PostgreSQL): checkpoints and sync settings.
    let pool: DatabasePool?
    /// The file's path or the database's address (without its password), for messages.
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
    /// A snapshot is taken after this many journal entries (and at shutdown). Recovery runs
    /// at most this many entries again, which the engine does in a second or two.
    package var snapshotInterval = 250_000
    /// ... but not sooner than this many seconds after the last: a snapshot encodes the whole
    /// state and writes the figures of every group and day touched since the last (on a fast
    /// `run` through a log, a few hundred thousand rows each time), so a fast run spaces them
    /// out; recovery then runs at most this long a stretch of work again.
    package var snapshotSpacing: TimeInterval = 10
    /// ... and not sooner than this many times what the last one took to encode and write, so
    /// snapshots take at most about a tenth of a run however large the state grows (a brand's
    /// 1,000 groups: two to three seconds each, every four seconds at 250,000 entries).
    static let snapshotCostFactor: TimeInterval = 10
    private(set) var entriesSinceSnapshot = 0
    /// A snapshot is also taken when this many seconds passed since the last one (and work was done),
    /// so the daily figures, written with each snapshot, stay current.
    package var snapshotSeconds: TimeInterval = 60
    private var lastSnapshot = Date()
    private var pendingFigures = WorkFigures()
    /// Runs checkpoints off the commit path, once switched on.
    var checkpointer: WALCheckpointer?
    /// Where snapshots are encoded and written, once switched on; nil: in `save` itself.
    private var snapshotQueue: DispatchQueue?
    private let background = BackgroundSnapshots()
    /// The journal's last row: what a snapshot taken now covers.
    private var journalSeq: Int64 = 0
    /// The engine's time of the newest work committed (what retention counts back from).
    private var newestWork: Int64 = 0
    /// What the file keeps of its history (the audit log's days, the processed ids).
    package var retention = Retention()
    /// The outbox's last row: ``committedMark``. Read by `serve`'s actor, written by commits.
    private let outboxSeq = Mutex<Int64>(0)
    /// Held while this store acts on the state (``takeWriterLock()``).
    private var writerLock: (any Sendable)?

    /// Makes this the one process acting on the state (`run`, `serve`); a second one throws.
    /// A state file is locked with a lock file; a PostgreSQL state with a session advisory lock.
    package func takeWriterLock() throws(StoreError) {
        guard writerLock == nil else { return }
        if let postgres = database as? PostgreSQLDatabase {
            writerLock = try PostgresWriterLock(postgres)
        } else {
            writerLock = try WriterLock(statePath: path)
        }
    }

    /// The PostgreSQL database the state is in (nil for a file).
    package var postgres: PostgreSQLDatabase? { database as? PostgreSQLDatabase }

    /// Opens the state named by `location`: a `postgres://` address, or a SQLite file's path.
    package static func open(_ location: String) throws(StoreError) -> StateStore {
        PostgresAddress.names(location) ? try StateStore(postgres: location) : try StateStore(path: location)
    }

    /// Opens (creating and migrating when needed) the SQLite state file at `path`.
    package convenience init(path: String) throws(StoreError) {
        let pool: DatabasePool
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
            try SQLiteDatabase.enableIncrementalVacuum(pool)
            try StoreMigrations.migrator.migrate(pool)
        } catch {
            throw StoreError(path: path, reason: "\(error)")
        }
        try self.init(database: SQLiteDatabase(pool: pool, location: path), pool: pool)
    }

    /// Opens (creating the tables when needed) the PostgreSQL state at `url`.
    package convenience init(postgres url: String) throws(StoreError) {
        let database = try PostgreSQLDatabase(url: url)
        do {
            try PostgresMigrations.migrate(database)
        } catch {
            throw StoreError(path: database.location, reason: "migrating: \(error)")
        }
        try self.init(database: database, pool: nil)
    }

    private init(database: any SQLDatabase, pool: DatabasePool?) throws(StoreError) {
        self.database = database
        self.pool = pool
        path = database.location
        do {
            let (batches, journal, outbox) = try database.read { db in
                (try db.rows("SELECT hashes FROM processed ORDER BY seq DESC").compactMap { $0.blob("hashes") },
                 // Journal rows go with each snapshot; the snapshot keeps the last row it covers.
                 try db.int("SELECT MAX(seq) FROM (SELECT MAX(seq) AS seq FROM journal UNION ALL SELECT MAX(journal_seq) FROM snapshots) AS s") ?? 0,
                 try db.int("SELECT COALESCE(MAX(seq), 0) FROM outbox") ?? 0)
            }
            processed = Mutex(RecentIDSet(capacity: Self.processedMemory,
                                          loaded: Self.hashes(in: batches, limit: Self.processedMemory / 2)))
            journalSeq = journal
            outboxSeq.withLock { $0 = outbox }
        } catch {
            throw StoreError(path: path, reason: "\(error)")
        }
    }

    /// Syncs the file at every commit from now on (`synchronous = FULL`): a power cut then loses
    /// no committed batch, at the price of a sync per commit (one per batch, not per event).
    /// PostgreSQL syncs every commit already (its `synchronous_commit`).
    package func syncEveryCommit() throws(StoreError) {
        do {
            try pool?.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StoreError(path: path, reason: "synchronous commits: \(error)")
        }
    }

    /// Whether commits sync the file (see ``syncEveryCommit()``).
    package var syncsEveryCommit: Bool {
        guard let pool else { return true }
        return (try? pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }) == 2
    }

    package func recover() throws -> Recovery? {
        try database.read { db -> Recovery? in
            let snapshotRow = try db.rows("SELECT journal_seq, version, data, texts FROM snapshots ORDER BY journal_seq DESC LIMIT 1").first
            var snapshot: EngineSnapshot?
            var after: Int64 = 0
            if let snapshotRow {
                snapshot = try SnapshotCoding.decode(snapshotRow, location: path)
                after = snapshotRow.int64("journal_seq")
            }
            let tail = try db.rows("SELECT entries FROM journal WHERE seq > ? ORDER BY seq", [.int(after)])
                .flatMap { try BatchCoding.unpack($0.blob("entries") ?? Data()).map(BatchCoding.decodeEntry) }
            let unemitted = try db.rows("""
                SELECT actions FROM outbox WHERE seq > (SELECT value FROM meta WHERE key = 'emitted_seq') ORDER BY seq
                """).flatMap { try BatchCoding.unpack(actions: $0.blob("actions") ?? Data()).map(RecordCoding.decodeAction) }
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
            if let id = entry.event?.id { ids.append(StableHash.of(id: id)) }
            for action in entry.actions { outbox.append(action: action) }
        }
        recount(entries)
        // The outbox is also the audit log, kept for days: deflated (the journal goes with the next snapshot).
        let actions = outbox.isEmpty ? nil : outbox.deflated
        let (journalRow, outboxRow) = try database.write { db -> (Int64, Int64?) in
            let journalRow = try db.int("INSERT INTO journal (entries) VALUES (?) RETURNING seq", [.blob(journal.data)]) ?? 0
            if !ids.isEmpty { try db.execute("INSERT INTO processed (hashes) VALUES (?)", [.blob(HashBlob.encode(ids))]) }
            guard let actions else { return (journalRow, nil) }
            return (journalRow, try db.int("INSERT INTO outbox (actions) VALUES (?) RETURNING seq", [.blob(actions)]))
        }
        journalSeq = journalRow
        if let outboxRow { outboxSeq.withLock { $0 = outboxRow } }
        processed.withLock { set in for id in ids { set.insert(id) } }
        entriesSinceSnapshot += entries.count
        if checkpointer?.takeRestartRequest() == true {
            // The background checkpoints never catch the last frames of a busy writer; copied
            // from here, between two transactions, the log starts over (see WALCheckpointer).
            // The batch is committed already: a failure here must not report it as lost, and the
            // next tick asks again.
            try? pool?.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    package func markEmitted() throws {
        try database.write { db in
            try db.execute("UPDATE meta SET value = (SELECT COALESCE(MAX(seq), 0) FROM outbox) WHERE key = 'emitted_seq'")
        }
    }

    package var committedMark: Int64 { outboxSeq.withLock { $0 } }

    package func markEmitted(through mark: Int64) throws {
        try database.write { db in
            try db.execute("UPDATE meta SET value = ? WHERE key = 'emitted_seq' AND value < ?", [.int(mark), .int(mark)])
        }
    }

    /// Adds work to the figures written with the next snapshot.
    package func recount(_ entries: [JournalEntry]) {
        for entry in entries { pendingFigures.add(entry) }
    }

    package func save(_ snapshot: EngineSnapshot) throws {
        // A background write that failed is reported before anything is reset, so the figures
        // counted since then go with the next snapshot instead of being dropped.
        if let failure = background.take() { throw failure }
        // Everything committed so far is covered: the journal up to its last row, the figures counted.
        let captured = CapturedSnapshot(snapshot: snapshot, journalSeq: journalSeq, figures: pendingFigures,
                                        retention: retention, newestWork: newestWork)
        entriesSinceSnapshot = 0
        lastSnapshot = Date()
        pendingFigures = WorkFigures()
        guard let queue = snapshotQueue else {
            try Self.store(captured, in: database, timedBy: background, rowsPerTransaction: nil)
            return
        }
        background.started()
        queue.async { [database, path, background] in
            defer { background.finished() }
            do {
                // In short transactions, so the commits waiting for the writer slip in between.
                try Self.store(captured, in: database, timedBy: background, rowsPerTransaction: 32)
            } catch {
                background.set(StoreError(path: path, reason: "snapshot: \(error)"))
            }
        }
    }

    /// Writes the snapshot (noting what it took, for the spacing of the next), then drops what
    /// it made unnecessary and what is past keeping, and gives the freed pages back.
    private static func store(_ captured: CapturedSnapshot, in database: any SQLDatabase, timedBy background: BackgroundSnapshots,
                              rowsPerTransaction: Int?) throws {
        let began = Date()
        try write(captured, to: database)
        background.cost = Date().timeIntervalSince(began)
        try pruneJournal(upTo: captured.journalSeq, in: database, rowsPerTransaction: rowsPerTransaction)
        try captured.retention.prune(database, now: captured.newestWork)
        try database.releaseFreePages()
    }

    /// Encodes and writes a snapshot with the figures counted up to it.
    private static func write(_ captured: CapturedSnapshot, to database: any SQLDatabase) throws {
        let snapshot = captured.snapshot
        let (data, texts) = try SnapshotCoding.encode(snapshot)
        try database.write { db in
            // Daily figures and the group registry go with the snapshot: after a crash, the
            // journal since this snapshot is run again and counted again, never twice.
            try captured.figures.write(to: db)
            // The old snapshot goes first, in the same transaction: its pages are free for the new
            // one, so the file holds one snapshot's worth, not two (a crash keeps the old one).
            try db.execute("DELETE FROM snapshots")
            try db.execute("INSERT INTO snapshots (journal_seq, version, data, texts) VALUES (?, ?, ?, ?)",
                           [.int(captured.journalSeq), .int(snapshot.version), .blob(data), .blob(texts)])
        }
    }

    /// Deletes the journal a snapshot made unnecessary (the outbox stays as the audit log).
    /// Recovery only reads the journal after the newest snapshot, so rows left behind by a
    /// crash halfway are harmless and go with the next snapshot.
    private static func pruneJournal(upTo seq: Int64, in database: any SQLDatabase, rowsPerTransaction: Int?) throws {
        guard let rows = rowsPerTransaction else {
            try database.write { db in try db.execute("DELETE FROM journal WHERE seq <= ?", [.int(seq)]) }
            return
        }
        while try database.write({ db -> Bool in
            try db.execute("DELETE FROM journal WHERE seq IN (SELECT seq FROM journal WHERE seq <= ? ORDER BY seq LIMIT ?)",
                           [.int(seq), .int(rows)]) > 0
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
        if let failure = background.take() { throw failure }
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

    /// Seconds the last snapshot took to encode and write (0 before the first).
    var lastSnapshotCost: TimeInterval {
        get { background.cost }
        set { background.cost = newValue }
    }

    /// Whether enough has been committed since the last snapshot to take another.
    package var wantsSnapshot: Bool {
        // One at a time: each snapshot under way holds its own copy of the engine's state (the
        // engine changes it meanwhile), so a fast run queueing them would hold several at once.
        guard !background.isBusy else { return false }
        let sinceLast = Date().timeIntervalSince(lastSnapshot)
        let spacing = max(snapshotSpacing, Self.snapshotCostFactor * lastSnapshotCost)
        return (entriesSinceSnapshot >= snapshotInterval && sinceLast >= spacing)
            || (entriesSinceSnapshot > 0 && sinceLast >= snapshotSeconds)
    }
}

/// A state (file or database) that cannot be opened or read.
package struct StoreError: Error, CustomStringConvertible, Sendable {
    package let path: String
    package let reason: String

    package var description: String { "\(StateLocation.isDatabase(path) ? "state" : "state file") \(path): \(reason)" }
}

/// A snapshot with what it covers, taken at one moment.
private struct CapturedSnapshot: @unchecked Sendable {
    // The snapshot is a value of its own (see `Engine.snapshot()`): nothing else touches it.
    let snapshot: EngineSnapshot
    let journalSeq: Int64
    let figures: WorkFigures
    let retention: Retention
    let newestWork: Int64
}

/// What the snapshot queue reports back: how many snapshots are under way, and the last failure.
private final class BackgroundSnapshots: Sendable {
    private let failure = Mutex<StoreError?>(nil)
    private let underWay = Atomic<Int>(0)
    private let lastCost = Mutex<TimeInterval>(0)

    /// Seconds the last snapshot took to encode and write (its figures included).
    var cost: TimeInterval {
        get { lastCost.withLock { $0 } }
        set { lastCost.withLock { $0 = newValue } }
    }

    func started() { underWay.add(1, ordering: .relaxed) }

    func finished() { underWay.subtract(1, ordering: .relaxed) }

    /// Whether a snapshot is being encoded or written.
    var isBusy: Bool { underWay.load(ordering: .relaxed) > 0 }

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
