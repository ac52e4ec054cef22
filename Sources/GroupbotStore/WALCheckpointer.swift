import Dispatch
import GRDB

/// Copies the write-ahead log into the database file on a background thread.
///
/// SQLite normally checkpoints inside the commit that fills the log past its limit,
/// and a checkpoint syncs the file to disk: that commit then takes tens of
/// milliseconds. A server answering each request after its commit cannot afford
/// that, so it turns the automatic checkpoint off and lets this class run a
/// `PASSIVE` checkpoint every second from its own connection: it never waits for
/// the writer, and the writer never waits for it.
final class WALCheckpointer: @unchecked Sendable {
    // Only touched on `queue` (and in `deinit`, when nothing else can).
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "groupbot.wal-checkpoint", qos: .utility)
    private let timer: any DispatchSourceTimer

    init(path: String, intervalMilliseconds: Int) throws {
        connection = try DatabaseQueue(path: path)
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(intervalMilliseconds), repeating: .milliseconds(intervalMilliseconds))
        timer.setEventHandler { [connection] in
            // A failure (the file busy for longer than the busy timeout) is harmless: the next tick tries again.
            try? connection.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
        timer.resume()
    }

    deinit {
        timer.cancel()
    }
}

extension SQLiteStore {
    /// Moves checkpoints off the commit path (see ``WALCheckpointer``): for `serve`, where
    /// every request waits for its commit.
    public func checkpointInBackground(intervalMilliseconds: Int = 1_000) throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            checkpointer = try WALCheckpointer(path: path, intervalMilliseconds: intervalMilliseconds)
        } catch {
            throw StoreError(path: path, reason: "background checkpoints: \(error)")
        }
    }
}
