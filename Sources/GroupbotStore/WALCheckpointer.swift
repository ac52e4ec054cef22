import Dispatch
import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file on a background thread.
///
/// SQLite normally checkpoints inside the commit that fills the log past its limit,
/// and a checkpoint syncs the file to disk: that commit then takes tens of
/// milliseconds. A server answering each request after its commit cannot afford
/// that, so it turns the automatic checkpoint off and lets this class run a
/// `PASSIVE` checkpoint every second from its own connection: it never waits for
/// the writer, and the writer never waits for it.
///
/// Under a steady stream of commits a passive checkpoint never copies the *whole* log:
/// the writer appends while it copies. SQLite only starts the log over from its
/// beginning when a transaction begins with every frame copied, so the file would grow
/// without end (3.4 GB in five minutes of `serve` at 8,000 requests/s, 390 MB over a
/// replay of a million events). Two remedies:
/// - When a tick finds more than ``restartAboveFrames`` frames in the log, it raises
///   a flag (``takeRestartRequest()``); the writer then runs a passive checkpoint itself right after
///   its next commit (``StateStore/commit(_:)``). With no writer running, that one copies
///   the rest (about a second's worth, since the ticks copied the bulk), and the next
///   transaction starts the log over: the file stays near that size.
/// - A run that never pauses (`groupbot run` on a file) may also give a size above which
///   the tick runs a `TRUNCATE` checkpoint, which waits for the transaction under way,
///   holds the next one back while it copies, and empties the file.
final class WALCheckpointer: @unchecked Sendable {
    /// Frames (pages) in the log above which the writer is asked to help: 64 MB of 4 KB pages.
    static let restartAboveFrames = 16_384

    // Only touched on `queue` (and in `deinit`, when nothing else can).
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "groupbot.wal-checkpoint", qos: .utility)
    private let timer: any DispatchSourceTimer
    private let restartFlag = RestartFlag()

    init(path: String, intervalMilliseconds: Int, truncateAboveBytes: Int?) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(2)  // a TRUNCATE checkpoint waits for the writer's transaction
        connection = try DatabaseQueue(path: path, configuration: configuration)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(intervalMilliseconds), repeating: .milliseconds(intervalMilliseconds))
        let log = path + "-wal"
        timer.setEventHandler { [connection, restartFlag] in
            let size = (try? FileManager.default.attributesOfItem(atPath: log)[.size] as? Int) ?? 0
            // A failure (the file busy for longer than the busy timeout) is harmless: the next tick tries again.
            if let frames = try? Self.checkpoint(connection, truncating: truncateAboveBytes.map { size > $0 } ?? false) {
                restartFlag.value.store(frames > Self.restartAboveFrames, ordering: .relaxed)
            }
        }
        timer.resume()
    }

    /// Whether the log has grown past its limit without starting over; reading it clears
    /// it. The writer then checkpoints once itself.
    func takeRestartRequest() -> Bool {
        restartFlag.value.exchange(false, ordering: .relaxed)
    }

    /// Asks the writer to checkpoint after its next commit, as a tick does (tests).
    func requestRestart() {
        restartFlag.value.store(true, ordering: .relaxed)
    }

    /// Runs a checkpoint; returns the number of frames in the log.
    private static func checkpoint(_ connection: DatabaseQueue, truncating: Bool) throws -> Int {
        try connection.writeWithoutTransaction { db in
            // Columns: 1 when the checkpoint could not finish (a reader or the writer held on),
            // the frames in the log, the frames copied.
            let row = try Row.fetchOne(db, sql: truncating ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)")
            let busy: Int = row?[0] ?? 0
            if truncating, busy == 1 { throw CheckpointBusy() }
            return row?[1] ?? 0
        }
    }

    /// Shared by the timer (which raises it) and the writer (which clears it).
    private final class RestartFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    /// A checkpoint that could not copy the whole log: another connection kept it busy.
    struct CheckpointBusy: Error, CustomStringConvertible {
        var description: String { "the log could not be emptied: another connection kept the file busy" }
    }

    /// Copies the whole log into the database and empties it, now (at the end of a run).
    func truncateNow() throws {
        try queue.sync { _ = try Self.checkpoint(connection, truncating: true) }
    }

    deinit {
        timer.cancel()
    }
}

extension StateStore {
    /// Moves checkpoints off the commit path (see ``WALCheckpointer``): for `serve`, where
    /// every request waits for its commit.
    /// - Parameter truncateAboveBytes: for a writer that never pauses, the log size above which a
    ///   checkpoint empties the log, holding the writer back meanwhile; nil: passive checkpoints only.
    /// Nothing to do on PostgreSQL, which checkpoints by itself.
    package func checkpointInBackground(intervalMilliseconds: Int = 1_000, truncateAboveBytes: Int? = nil) throws(StoreError) {
        guard let pool else { return }
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
    package func finishCheckpoints() throws(StoreError) {
        do {
            try checkpointer?.truncateNow()
        } catch {
            throw StoreError(path: path, reason: "checkpoint: \(error)")
        }
    }
}
