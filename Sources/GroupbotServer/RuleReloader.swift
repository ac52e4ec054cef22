import Dispatch
import Foundation
import GroupbotCore
import GroupbotRules
import Synchronization

/// Reloads the rules of a running engine on SIGHUP and when a file in the
/// rules directory changes. The new set is compiled and checked first; a bad
/// file keeps the old rules running and the error is logged with file:line:column.
public final class RuleReloader {
    private let directory: String
    private let engine: Engine
    private let log: (String) -> Void
    private var fingerprint: [String: String]
    private var lastLook = Date.distantPast
    private let signalSource: any DispatchSourceSignal
    /// Set from the signal handler's queue, read by the run loop.
    private static let hangUp = Atomic<Bool>(false)

    /// Starts watching `directory` for `engine`; `log` receives one line per reload or failure.
    public init(directory: String, engine: Engine, log: @escaping (String) -> Void) {
        self.directory = directory
        self.engine = engine
        self.log = log
        fingerprint = Self.fingerprint(of: directory)
        signal(SIGHUP, SIG_IGN)
        signalSource = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        signalSource.setEventHandler { RuleReloader.hangUp.store(true, ordering: .relaxed) }
        signalSource.resume()
    }

    deinit {
        signalSource.cancel()
    }

    /// Called by the run loop between reads: reloads when asked to or when the files changed.
    /// Returns whether new rules are now running (the caller then takes a snapshot, so that a
    /// recovery never runs the work done under the old rules again under the new ones).
    @discardableResult
    public func check() -> Bool {
        let asked = Self.hangUp.exchange(false, ordering: .relaxed)
        // Looking at the files costs a few system calls: at most once a second unless asked.
        guard asked || Date().timeIntervalSince(lastLook) >= 1 else { return false }
        lastLook = Date()
        let current = Self.fingerprint(of: directory)
        guard asked || current != fingerprint else { return false }
        fingerprint = current
        do {
            let book = try RuleBookLoader.load(directory: directory)
            engine.replaceBook(book)
            log("rules reloaded from \(directory)\(asked ? " (SIGHUP)" : ""): \(book.types.count) group types, \(book.ruleCount) rules")
            return true
        } catch {
            log("rules in \(directory) not reloaded, the old rules keep running:\n\(error.description)")
            return false
        }
    }

    /// Name, size and modification time of every rule file.
    private static func fingerprint(of directory: String) -> [String: String] {
        let manager = FileManager.default
        var result: [String: String] = [:]
        for name in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let attributes = try? manager.attributesOfItem(atPath: (directory as NSString).appendingPathComponent(name))
            let size = attributes?[.size] as? Int ?? -1
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            result[name] = "\(size)@\(modified)"
        }
        return result
    }
}
