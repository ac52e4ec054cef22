import Foundation
import GRDB

/// The shared SQL seam over a GRDB pool: a SQLite file in WAL mode.
struct SQLiteDatabase: SQLDatabase {
    let pool: DatabasePool
    let location: String

    func read<T>(_ body: (any SQLRunner) throws -> T) throws -> T {
        try pool.read { db in try body(db) }
    }

    func write<T>(_ body: (any SQLRunner) throws -> T) throws -> T {
        try pool.write { db in try body(db) }
    }

    /// Pages a run frees (the journal after each snapshot, the audit log past its days) are
    /// otherwise kept in the file for reuse, and a busy stretch's high mark stays for good: a file
    /// made with `auto_vacuum = INCREMENTAL` (every new state file, see `enableIncrementalVacuum`)
    /// truncates them away here, `pagesPerTransaction` at a time so the writer's commits slip in
    /// between. A file made before that keeps its free pages (`auto_vacuum` is then 0); running
    /// `PRAGMA auto_vacuum = INCREMENTAL; VACUUM` on it once, groupbot stopped, converts it.
    func releaseFreePages() throws {
        guard try pool.read({ db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") }) == 2 else { return }
        var free = Int.max
        // Until none is left, or a round frees nothing more (then the next snapshot tries again).
        while free > 0 {
            let left = try pool.write { db in
                try db.execute(sql: "PRAGMA incremental_vacuum(\(Self.pagesPerTransaction))")
                return try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            }
            guard left < free else { return }
            free = left
        }
    }

    /// 2,048 pages: 8 MB moved or dropped per transaction.
    static let pagesPerTransaction = 2_048

    /// Makes a new, empty file one whose free pages can be given back (`releaseFreePages`). The
    /// setting only takes on a file without tables, and WAL mode has written the header
    /// already, so it goes with a `VACUUM` (instant on an empty file). A file with tables is left
    /// as it is.
    static func enableIncrementalVacuum(_ pool: DatabasePool) throws {
        try pool.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 0,
                  try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0 else { return }
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL; VACUUM")
        }
    }
}

extension Database: SQLRunner {
    /// The values as GRDB binds them. Through `StatementArguments`' initialiser for optional
    /// existentials: its generic one maps with a key path that is built at run time on every call
    /// (a tenth of a snapshot's figures' writing, which binds a few hundred thousand rows).
    private static func bound(_ arguments: [SQLValue]) -> StatementArguments {
        StatementArguments(arguments.map { value -> (any DatabaseValueConvertible)? in value.databaseValue })
    }

    // Cached statements: the same SQL is parsed once per connection.
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try cachedStatement(sql: sql).execute(arguments: Self.bound(arguments))
        return changesCount
    }

    package func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try cachedStatement(sql: sql)
        let names = Dictionary(statement.columnNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return try Row.fetchAll(statement, arguments: Self.bound(arguments)).map { row in
            SQLRow(names: names, values: row.databaseValues.map(SQLValue.init))
        }
    }
}

extension SQLValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .int(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let data): data.databaseValue
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let value): self = .int(value)
        case .double(let value): self = .int(Int64(value))
        case .string(let value): self = .text(value)
        case .blob(let data): self = .blob(data)
        }
    }
}
