import Foundation

/// A value bound to or read from SQL: what SQLite and PostgreSQL share of their types.
/// Booleans are integers (0 or 1) on both sides; blobs are `BLOB` in SQLite and `BYTEA`
/// in PostgreSQL, held as `Data` on the way in and out: a snapshot's tens of megabytes are
/// bound as they were encoded (SQLite still copies them once), not copied to and fro.
package enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)
    case blob(Data)

    /// `value`, or `.null` when it is nil.
    static func int(_ value: Int?) -> SQLValue { value.map { .int(Int64($0)) } ?? .null }
    static func int(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
    static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    static func bool(_ value: Bool) -> SQLValue { .int(value ? 1 : 0) }
}

/// One row of a result, read by column name.
package struct SQLRow: Sendable {
    let names: [String: Int]
    let values: [SQLValue]

    subscript(_ column: String) -> SQLValue {
        names[column].map { values[$0] } ?? .null
    }

    func int(_ column: String) -> Int { optionalInt(column) ?? 0 }

    func int64(_ column: String) -> Int64 {
        if case .int(let value) = self[column] { return value }
        return 0
    }

    func optionalInt(_ column: String) -> Int? {
        if case .int(let value) = self[column] { return Int(value) }
        return nil
    }

    func text(_ column: String) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: String) -> String? {
        if case .text(let value) = self[column] { return value }
        return nil
    }

    func bool(_ column: String) -> Bool { int(column) != 0 }

    func blob(_ column: String) -> Data? {
        if case .blob(let data) = self[column] { return data }
        return nil
    }
}

/// What runs SQL inside one transaction. The statements use `?` placeholders and the SQL
/// both databases speak (`ON CONFLICT … DO UPDATE`, `CAST(… AS BIGINT)` around sums, no
/// `INSERT OR REPLACE`, no aliases in `HAVING`): the figures, the audit log, the deliveries
/// and retention are written once, for SQLite and PostgreSQL alike.
package protocol SQLRunner {
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    /// Runs a query and returns its rows.
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLRunner {
    @discardableResult
    func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }

    /// The first row's first column as an integer (nil: no row, or NULL).
    func int(_ sql: String, _ arguments: [SQLValue] = []) throws -> Int64? {
        guard let row = try rows(sql, arguments).first, case .int(let value) = row.values.first else { return nil }
        return value
    }

    /// The first row's first column as text (nil: no row, or NULL).
    func text(_ sql: String, _ arguments: [SQLValue] = []) throws -> String? {
        guard let row = try rows(sql, arguments).first, case .text(let value) = row.values.first else { return nil }
        return value
    }
}

/// A database the store's shared parts read and write: transactions on a pool of
/// connections. Safe to use from any thread.
package protocol SQLDatabase: Sendable {
    /// Where it is, for error messages: a file path, or a PostgreSQL address without its password.
    var location: String { get }
    /// Runs `body` in a read-only transaction (a consistent view).
    func read<T>(_ body: (any SQLRunner) throws -> T) throws -> T
    /// Runs `body` in a write transaction, committed when it returns, rolled back when it throws.
    @discardableResult
    func write<T>(_ body: (any SQLRunner) throws -> T) throws -> T
    /// Gives the pages that deleted rows left free back to the file system, after retention
    /// pruned (SQLite; PostgreSQL's autovacuum does its own).
    func releaseFreePages() throws
}
