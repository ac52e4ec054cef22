import Foundation
import PostgresNIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The one process that acts on a state file: `run` and `serve` take it before they start,
/// so a second one on the same file stops with a clear reason instead of acting on every
/// event a second time. A `flock` on `<state>.lock`, released by the system when the process
/// ends (a crash included); readers (`stats`, `log`, `deliveries`) do not take it.
package final class WriterLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock of the state file at `path`, or throws naming the process that holds it.
    package init(statePath path: String) throws(StoreError) {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(path: path, reason: "cannot open \(lockPath): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var holder = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &holder, holder.count, 0)
            let pid = count > 0 ? String(decoding: holder[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            close(descriptor)
            throw StoreError(path: path, reason: "another groupbot (run or serve\(pid.isEmpty ? "" : ", pid \(pid)")) is using it; "
                + "two processes on one state file would both act on every event. Stop it, or give this one its own --state")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        self.descriptor = descriptor
    }

    deinit {
        // Unlock before closing: a child forked by this process (a test's or a hook's
        // subprocess between fork and exec) shares the open file, and a plain close would
        // leave the lock held until that child execs.
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// ``WriterLock`` for a PostgreSQL state: a session advisory lock held on a connection of its
/// own for as long as the store acts on the database; PostgreSQL releases it when that
/// connection ends (the process stopped or died).
final class PostgresWriterLock: Sendable {
    /// "groupbot writer" in ASCII, shortened: the lock's key, the same for every process.
    static let key: Int64 = 0x67_62_77_72_69_74_65_72
    private let connection: PostgresConnection

    init(_ database: PostgreSQLDatabase) throws(StoreError) {
        do {
            connection = try database.dedicatedConnection()
        } catch {
            throw StoreError(path: database.location, reason: "cannot connect: \(PostgreSQLDatabase.describe(error))")
        }
        let taken: Bool
        do {
            taken = try database.runner(on: connection).int("SELECT CAST(pg_try_advisory_lock(?) AS INT)", [.int(Self.key)]) == 1
        } catch {
            connection.closeQuietly()
            throw StoreError(path: database.location, reason: "writer lock: \(error)")
        }
        guard taken else {
            connection.closeQuietly()
            throw StoreError(path: database.location, reason: "another groupbot (run or serve) is using it; "
                + "two processes on one state would both act on every event. Stop it, or give this one its own --state")
        }
    }

    deinit {
        connection.closeQuietly()
    }
}
