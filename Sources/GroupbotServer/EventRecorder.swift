import Foundation
import GroupbotCore
import GroupbotWire
import Logging
import Synchronization

/// Appends every event `serve` runs to a file (`record:`), as received and enriched with
/// the platform's info: a log that `groupbot replay` runs to the same actions, so what a
/// live group did can be replayed against changed rules.
package final class EventRecorder: Sendable {
    private let handle: Mutex<FileHandle>
    private let path: String
    private let logger: Logger

    /// Opens `path` for appending, creating it when missing.
    package init(path: String, logger: Logger) throws(ServeError) {
        if !FileManager.default.fileExists(atPath: path), !FileManager.default.createFile(atPath: path, contents: nil) {
            throw ServeError(reason: "record: cannot create \(path)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ServeError(reason: "record: cannot open \(path) for writing") }
        handle.seekToEndOfFile()
        self.handle = Mutex(handle)
        self.path = path
        self.logger = logger
    }

    /// Appends `events`, one line each.
    package func append(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let text = events.map { EventEncoder.line(for: $0) + "\n" }.joined()
        handle.withLock { handle in
            do {
                try handle.write(contentsOf: Data(text.utf8))
            } catch {
                logger.error("record: \(path): \(error)")
            }
        }
    }
}
