import Foundation
@testable import GroupbotStore
import Testing

/// Where the store suites run: a SQLite file always, and a PostgreSQL database when
/// `GROUPBOT_TEST_POSTGRES` names a server (`make test` starts one under CI; see
/// Tests/postgres/start.sh). Each test gets a new, empty file or database.
enum StoreBackend: CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres(server: String)

    static var all: [StoreBackend] {
        [.sqlite] + (postgresServer.map { [.postgres(server: $0)] } ?? [])
    }

    /// The PostgreSQL server the tests may create databases on, if any.
    static var postgresServer: String? {
        ProcessInfo.processInfo.environment["GROUPBOT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// A new, empty state: a file path, or the address of a database created for the test.
    func newLocation() throws -> String {
        switch self {
        case .sqlite:
            return NSTemporaryDirectory() + "groupbot-store-\(UUID().uuidString).sqlite"
        case .postgres(let server):
            return try Self.newDatabase(on: server)
        }
    }

    /// Creates an empty database on `server` (whose role may create databases) and returns its address.
    static func newDatabase(on server: String) throws -> String {
        let name = "groupbot_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let admin = try PostgreSQLDatabase(url: server)
        let connection = try admin.dedicatedConnection()
        defer { connection.closeQuietly() }
        try admin.runner(on: connection).execute("CREATE DATABASE \(name)")
        guard let slash = server.lastIndex(of: "/") else { return server }
        return String(server[..<slash]) + "/" + name
    }
}
