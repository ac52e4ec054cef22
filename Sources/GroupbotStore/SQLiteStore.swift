import Foundation
import GRDB
import GroupbotCore

/// The default durable store: one SQLite file in WAL mode.
///
/// Tables (see ``StoreMigrations``): `journal` (processed events and timer
/// firings since the last snapshot), `processed` (every event id ever
/// processed, for de-duplication), `outbox` (every action, with whether it was
/// emitted — also the audit log), `snapshots`, and the daily statistics.
/// Writes are batched: one transaction per batch, and no fsync per event
/// (`synchronous = NORMAL`), which WAL makes crash-safe for the database
/// itself; the last batch before a power cut may be lost, never half-written.
public final class SQLiteStore: EngineStore, SnapshotPolicy {
    let pool: DatabasePool
    let path: String
    /// Hashes of the ids of processed events (the most recent ``processedMemory`` of them are
    /// loaded at start), so checking for a repeated event costs no database read.
    private var processed: Set<UInt64> = []
    /// How many processed ids are kept in memory for de-duplication.
    public static let processedMemory = 5_000_000
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()
    /// A snapshot is taken after this many journal entries (and at shutdown). Recovery runs
    /// at most this many entries again, which the engine does in a second or two.
    public var snapshotInterval = 250_000
    private(set) var entriesSinceSnapshot = 0

    /// Opens (creating and migrating when needed) the store at `path`.
    public init(path: String) throws(StoreError) {
        do {
            var configuration = Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try StoreMigrations.migrator.migrate(pool)
            self.path = path
            processed = Set(try pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT event_hash FROM processed LIMIT ?", arguments: [Self.processedMemory])
            }.map { UInt64(bitPattern: $0) })
        } catch {
            throw StoreError(path: path, reason: "\(error)")
        }
        encoder.outputFormatting = [.sortedKeys]
    }

    public func recover() throws -> Recovery? {
        try pool.read { db -> Recovery? in
            let snapshotRow = try Row.fetchOne(db, sql: "SELECT journal_seq, version, data FROM snapshots ORDER BY journal_seq DESC LIMIT 1")
            var snapshot: EngineSnapshot?
            var after: Int64 = 0
            if let snapshotRow {
                let version: Int = snapshotRow["version"]
                guard version <= EngineSnapshot.currentVersion else {
                    throw StoreError(path: path, reason: "the state was written by a newer groupbot (snapshot version \(version))")
                }
                snapshot = try decoder.decode(EngineSnapshot.self, from: snapshotRow["data"] as Data)
                after = snapshotRow["journal_seq"]
            }
            let tail = try Row.fetchAll(db, sql: "SELECT at_ms, event FROM journal WHERE seq > ? ORDER BY seq", arguments: [after])
                .map { row -> JournalEntry in
                    let data: Data? = row["event"]
                    return JournalEntry(event: try data.map(RecordCoding.decodeEvent), time: Instant(milliseconds: row["at_ms"]),
                                        actions: [])
                }
            let unemitted = try Row.fetchAll(db, sql: """
                SELECT line FROM outbox WHERE seq > (SELECT value FROM meta WHERE key = 'emitted_seq') ORDER BY seq
                """).map { try RecordCoding.decodeAction($0["line"] as Data) }
            if snapshot == nil && tail.isEmpty && unemitted.isEmpty { return nil }
            return Recovery(snapshot: snapshot, tail: tail, unemitted: unemitted)
        }
    }

    public func contains(eventID: String) throws -> Bool {
        processed.contains(StableHashing.of(eventID))
    }

    public func commit(_ entries: [JournalEntry]) throws {
        guard !entries.isEmpty else { return }
        var stats = DailyStats()
        try pool.write { db in
            let journal = try db.cachedStatement(sql: "INSERT INTO journal (at_ms, event) VALUES (?, ?)")
            let processed = try db.cachedStatement(sql: "INSERT OR IGNORE INTO processed (event_hash) VALUES (?)")
            let outbox = try db.cachedStatement(sql: """
                INSERT INTO outbox (action_id, kind, group_id, user_id, rule, cause, due_ms, line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var registry = GroupRegistry()
            for entry in entries {
                try journal.execute(arguments: [entry.time.milliseconds, entry.event.map(RecordCoding.encode)])
                if let event = entry.event {
                    try processed.execute(arguments: [Int64(bitPattern: StableHashing.of(event.id))])
                    stats.add(event: event)
                    registry.add(event: event, type: entry.groupType)
                }
                for action in entry.actions {
                    try outbox.execute(arguments: [action.id, action.kind.rawValue, action.group, action.user, action.rule,
                                                   action.cause, action.due.milliseconds, RecordCoding.encode(action)])
                    stats.add(action: action)
                }
            }
            try stats.write(to: db)
            try registry.write(to: db)
        }
        for entry in entries { if let id = entry.event?.id { self.processed.insert(StableHashing.of(id)) } }
        entriesSinceSnapshot += entries.count
    }

    public func markEmitted() throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE meta SET value = (SELECT COALESCE(MAX(seq), 0) FROM outbox) WHERE key = 'emitted_seq'")
        }
    }

    public func save(_ snapshot: EngineSnapshot) throws {
        let data = try encoder.encode(snapshot)
        try pool.write { db in
            let last = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM journal") ?? 0
            try db.execute(sql: "INSERT OR REPLACE INTO snapshots (journal_seq, version, data) VALUES (?, ?, ?)",
                           arguments: [last, snapshot.version, data])
            // The journal before the snapshot is not needed to recover; the outbox stays as the audit log.
            try db.execute(sql: "DELETE FROM journal WHERE seq <= ?", arguments: [last])
            try db.execute(sql: "DELETE FROM snapshots WHERE journal_seq < ?", arguments: [last])
        }
        entriesSinceSnapshot = 0
    }

    /// Whether enough has been committed since the last snapshot to take another.
    public var wantsSnapshot: Bool { entriesSinceSnapshot >= snapshotInterval }
}

/// A state file that cannot be opened or read.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String

    public var description: String { "state file \(path): \(reason)" }
}
