import ArgumentParser
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotTransports

/// The `--state` option's value: a SQLite file, a PostgreSQL database (`postgres://…`), or
/// `memory` for none.
enum StateOption {
    static func open(_ value: String) throws -> (any EngineStore)? {
        guard value != "memory" else { return nil }
        do {
            return try StateStore.open(value)
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode(1)
        }
    }

    /// ``open(_:)`` for a command that writes the state file: it also takes the file's writer
    /// lock, before any recovery, so a second process exits with the holder's pid instead of
    /// acting on what the first has pending.
    static func openOwned(_ value: String) throws -> (any EngineStore)? {
        let store = try open(value)
        do {
            try (store as? StateStore)?.takeWriterLock()
        } catch {
            FileOutput.standardError().writeLine(error.description)
            throw ExitCode(1)
        }
        return store
    }
}
