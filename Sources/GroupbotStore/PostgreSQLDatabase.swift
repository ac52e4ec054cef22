import Foundation
import Logging
import NIOSSL
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The shared SQL seam over PostgreSQL (postgres-nio): a small pool of connections, each
/// used by one transaction at a time.
///
/// The store's callers are synchronous (the pipeline's writer thread, the command-line
/// tools), so this side waits on postgres-nio's futures, which run on NIO's event loops and
/// never on the caller's thread: a caller on a Swift concurrency thread blocks only itself.
/// That is also why the pool is this small list of idle connections and not postgres-nio's
/// `PostgresClient`: its API is async only, and waiting on it from a synchronous caller would
/// hold a Swift concurrency thread while another must run the query (two cores, two threads).
package final class PostgreSQLDatabase: SQLDatabase {
    package let location: String
    private let configuration: PostgresConnection.Configuration
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    /// Idle connections kept for the next transaction; more may be open while busy.
    private let keepIdle: Int
    private let logger: Logger
    private let statements = StatementCache()

    /// Connects to the database at `url` (`postgres://user:password@host:port/database`,
    /// `?sslmode=require` for TLS) and checks that it answers.
    package init(url: String, keepIdle: Int = 4) throws(StoreError) {
        let parsed = try PostgresAddress(url)
        location = parsed.redacted
        configuration = parsed.configuration
        self.keepIdle = keepIdle
        var logger = Logger(label: "groupbot.postgres")
        logger.logLevel = .warning
        self.logger = logger
        do {
            try withConnection { connection in
                _ = try connection.query(PostgresQuery(unsafeSQL: "SELECT 1"), logger: logger).wait()
            }
        } catch {
            throw StoreError(path: location, reason: "cannot connect: \(Self.describe(error))")
        }
    }

    deinit {
        for connection in idle.withLock({ $0 }) { connection.closeQuietly() }
    }

    package func read<T>(_ body: (any SQLRunner) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    @discardableResult
    package func write<T>(_ body: (any SQLRunner) throws -> T) throws -> T {
        try transaction("BEGIN", body)
    }

    /// Nothing to do: PostgreSQL's autovacuum makes deleted rows' room reusable on its own.
    package func releaseFreePages() throws {}

    /// A connection of its own, outside the pool, for the caller to keep and close (a
    /// session-level advisory lock lives as long as it).
    package func dedicatedConnection() throws -> PostgresConnection {
        try connect()
    }

    /// A runner on `connection` (statements without a transaction of their own).
    package func runner(on connection: PostgresConnection) -> any SQLRunner {
        PostgresRunner(connection: connection, logger: logger, statements: statements)
    }

    private func transaction<T>(_ begin: String, _ body: (any SQLRunner) throws -> T) throws -> T {
        try withConnection { connection in
            let runner = runner(on: connection)
            try runner.execute(begin)
            do {
                let result = try body(runner)
                try runner.execute("COMMIT")
                return result
            } catch {
                _ = try? runner.execute("ROLLBACK")
                throw error
            }
        }
    }

    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try idle.withLock { $0.popLast() } ?? connect()
        defer {
            let kept = !connection.isClosed && idle.withLock { connections in
                guard connections.count < keepIdle else { return false }
                connections.append(connection)
                return true
            }
            if !kept { connection.closeQuietly() }
        }
        return try body(connection)
    }

    private func connect() throws -> PostgresConnection {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                              id: id, logger: logger).wait()
    }

    /// postgres-nio's errors print little by default; the server's message says what went wrong.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}

/// Statements as PostgreSQL takes them (`$1`, `$2` for `?`), converted once each.
private final class StatementCache: Sendable {
    private let converted = Mutex<[String: String]>([:])

    func postgres(_ sql: String) -> String {
        if let known = converted.withLock({ $0[sql] }) { return known }
        var result = ""
        var number = 0
        var quoted = false, comment = false
        var previous: Character = " "
        for character in sql {
            // A `?` in a quoted literal or a `--` comment (whose apostrophes are not quotes) stays.
            if comment {
                if character == "\n" { comment = false }
            } else if character == "'" {
                quoted.toggle()
            } else if !quoted && character == "-" && previous == "-" {
                comment = true
            }
            if character == "?" && !quoted && !comment {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
            previous = character
        }
        converted.withLock { $0[sql] = result }
        return result
    }
}

private struct PostgresRunner: SQLRunner {
    let connection: PostgresConnection
    let logger: Logger
    let statements: StatementCache

    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let result = try run(sql, arguments)
        guard let first = result.rows.first else { return [] }
        let names = Dictionary(first.map { ($0.columnName, $0.columnIndex) }, uniquingKeysWith: { first, _ in first })
        return try result.rows.map { row in SQLRow(names: names, values: try row.map(Self.value)) }
    }

    private func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .int(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .blob(let data): binds.append(ByteBuffer(bytes: data))
            }
        }
        do {
            return try connection.query(PostgresQuery(unsafeSQL: statements.postgres(sql), binds: binds), logger: logger).wait()
        } catch {
            throw PostgresStatementError(reason: PostgreSQLDatabase.describe(error))
        }
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: return .blob(try cell.decode(ByteBuffer.self).withUnsafeReadableBytes { Data($0) })
        case .text, .varchar, .name, .bpchar: return .text(try cell.decode(String.self))
        default:
            throw PostgresStatementError(reason: "column \(cell.columnName) has type \(cell.dataType), which the store does not read")
        }
    }
}

/// A statement PostgreSQL refused, with the server's reason.
struct PostgresStatementError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// A `postgres://` address: what to connect to, and how to name it without its password.
struct PostgresAddress {
    let configuration: PostgresConnection.Configuration
    let redacted: String

    /// Whether `value` names a PostgreSQL database rather than a file.
    static func names(_ value: String) -> Bool {
        value.hasPrefix("postgres://") || value.hasPrefix("postgresql://")
    }

    init(_ url: String) throws(StoreError) {
        guard Self.names(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw StoreError(path: url, reason: "not a PostgreSQL address; expected postgres://user:password@host:port/database")
        }
        let user = components.user ?? "postgres"
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let port = components.port ?? 5432
        redacted = "postgres://\(user)@\(host):\(port)/\(database)"
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        var tls = PostgresConnection.Configuration.TLS.disable
        switch query["sslmode"] {
        case nil, "disable": break
        case "require":
            do {
                tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            } catch {
                throw StoreError(path: redacted, reason: "TLS: \(error)")
            }
        case let other?:
            throw StoreError(path: redacted, reason: "sslmode \(other) is not supported; expected disable or require")
        }
        configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: components.password, database: database.isEmpty ? nil : database, tls: tls)
    }
}

/// What a `--state` value names, for the commands that check a file exists before reading it.
package enum StateLocation {
    /// Whether `value` is a PostgreSQL address rather than a file's path.
    package static func isDatabase(_ value: String) -> Bool { PostgresAddress.names(value) }
}

extension PostgresConnection {
    /// Closes the connection and waits until it is closed (postgres-nio asserts that a
    /// connection is closed before it goes); a failure to close is of no interest then.
    package func closeQuietly() {
        let closing: EventLoopFuture<Void> = close()
        try? closing.wait()
    }
}
