import ArgumentParser
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotTransports

/// The `--state` option's value: a SQLite file, or `memory` for none.
enum StateOption {
    static func open(_ value: String) throws -> (any EngineStore)? {
        guard value != "memory" else { return nil }
        do {
            return try SQLiteStore(path: value)
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode(1)
        }
    }
}
