import Dispatch
import Foundation
import GRDB

/// Copies the write-ahead log into the database file on a background thread.
///
/// SQLite normally checkpoints inside the commit that fills the log past its limit,
/// and a checkpoint syncs the file to disk: that commit then takes tens of
/// milliseconds. A server answering each request after its commit cannot afford
/// that, so it turns the automatic checkpoint off and lets this class run a
/// `PASSIVE` checkpoint every second from its own connection: it never waits for
/// the writer, and the writer never waits for it.
///
/// Under a steady stream of commits a passive checkpoint may never catch up with the
/// writer, and the log would grow without end (390 MB over a replay of a million events).
/// So a run that never pauses (`groupbot run` on a file) gives a size: above it, the
/// tick runs a `TRUNCATE` checkpoint instead, which waits for the transaction under way,
/// holds the next one back while it copies, and empties the log. A server, which
/// answers each request after its commit, passes none and pays that wait only when it stops.
final class WALCheckpointer: @unchecked Sendable {
    // Only touched on `queue` (and in `deinit`, when nothing else can).
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "groupbot.wal-checkpoint", qos: .utility)
    private let timer: any DispatchSourceTimer

    init(path: String, intervalMilliseconds: Int, truncateAboveBytes: Int?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)  // a TRUNCATE checkpoint waits for the writer's transaction
        connection = try DatabaseQueue(path: path, configuration: configuration)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(intervalMilliseconds), repeating: .milliseconds(intervalMilliseconds))
        let log = path + "-wal"
        timer.setEventHandler { [connection] in
            let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
            // A failure (the file busy for longer than the busy timeout) is harmless: the next tick tries again.
            try? Self.checkpoint(connection, truncating: truncateAboveBytes.map { size > $0 } ?? false)
        }
        timer.resume()
    }

    private static func checkpoint(_ connection: DatabaseQueue, truncating: Bool) throws {
        try connection.writeWithoutTransaction { db in
            // The first column is 1 when the checkpoint could not finish (a reader or the writer held on).
            let busy = try Int.fetchOne(db, sql: truncating ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
            if truncating, busy == 1 { throw CheckpointBusy() }
        }
    }

    /// A checkpoint that could not copy the whole log: another connection kept it busy.
    struct CheckpointBusy: Error, CustomStringConvertible {
        var description: String { "the log could not be emptied: another connection kept the file busy" }
    }

    /// Copies the whole log into the database and empties it, now (at the end of a run).
    func truncateNow() throws {
        try queue.sync { try Self.checkpoint(connection, truncating: true) }
    }

    deinit {
        timer.cancel()
    }
}

extension SQLiteStore {
    /// Moves checkpoints off the commit path (see ``WALCheckpointer``): for `serve`, where
    /// every request waits for its commit.
    /// - Parameter truncateAboveBytes: for a writer that never pauses, the log size above which a
    ///   checkpoint empties the log, holding the writer back meanwhile; nil: passive checkpoints only.
    public func checkpointInBackground(intervalMilliseconds: Int = 1_000, truncateAboveBytes: Int? = nil) throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            checkpointer = try WALCheckpointer(path: path, intervalMilliseconds: intervalMilliseconds,
                                               truncateAboveBytes: truncateAboveBytes)
        } catch {
            throw StoreError(path: path, reason: "background checkpoints: \(error)")
        }
    }

    /// Empties the write-ahead log into the database file (when checkpoints run in the
    /// background): at the end of a run, so the log does not stay behind at its largest.
    public func finishCheckpoints() throws(StoreError) {
        do {
            try checkpointer?.truncateNow()
        } catch {
            throw StoreError(path: path, reason: "checkpoint: \(error)")
        }
    }
}
