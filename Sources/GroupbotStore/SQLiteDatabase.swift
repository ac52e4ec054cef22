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
}

extension Database: SQLRunner {
    // Cached statements: the same SQL is parsed once per connection.
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments.map(\.databaseValue)))
        return changesCount
    }

    package func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try cachedStatement(sql: sql)
        let names = Dictionary(statement.columnNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return try Row.fetchAll(statement, arguments: StatementArguments(arguments.map(\.databaseValue))).map { row in
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
