import Dispatch
import Foundation
import GroupbotCore
import GroupbotRules
import Synchronization

/// Reloads the rules of a running engine on SIGHUP and when a file in the
/// rules directory changes. The new set is compiled and checked first; a bad
/// file keeps the old rules running and the error is logged with file:line:column.
package final class RuleReloader {
    private let directory: String
    private let engine: Engine
    private let log: (String) -> Void
    private var fingerprint: [String: String]
    /// The last reload that failed, with its errors (nil once a reload succeeds).
    package private(set) var lastError: String?
    /// When the rules now running were loaded.
    package private(set) var loadedAt = Date()
    /// A short hash of the rule files now running (``version(ofDirectory:)``).
    package private(set) var version: String
    private var lastLook = Date.distantPast
    private let now: () -> Date
    private let signalSource: (any DispatchSourceSignal)?
    /// Set by ``requestReload()`` (from the SIGHUP handler's queue), read by the run loop.
    private let asked = Atomic<Bool>(false)

    /// Starts watching `directory` for `engine`; `log` receives one line per reload or failure.
    /// - Parameters:
    ///   - reloadsOnHangUp: whether SIGHUP asks for a reload (the commands); tests ask with
    ///     ``requestReload()`` instead.
    ///   - now: the clock that spaces the looks at the files (a second apart).
    package init(directory: String, engine: Engine, log: @escaping (String) -> Void, reloadsOnHangUp: Bool = true,
                now: @escaping () -> Date = Date.init) {
        self.directory = directory
        self.engine = engine
        self.log = log
        self.now = now
        fingerprint = Self.fingerprint(of: directory)
        version = Self.version(ofDirectory: directory)
        guard reloadsOnHangUp else {
            signalSource = nil
            return
        }
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        signalSource = source
        source.resume()
        source.setEventHandler { [weak self] in self?.requestReload() }
    }

    deinit {
        signalSource?.cancel()
    }

    /// Asks for a reload at the next ``check()``, whether or not the files changed (SIGHUP).
    package func requestReload() {
        asked.store(true, ordering: .relaxed)
    }

    /// Called by the run loop between reads: reloads when asked to or when the files changed.
    /// Returns whether new rules are now running (the caller then takes a snapshot, so that a
    /// recovery never runs the work done under the old rules again under the new ones).
    @discardableResult
    package func check() -> Bool {
        let asked = asked.exchange(false, ordering: .relaxed)
        // Looking at the files costs a few system calls: at most once a second unless asked.
        let now = now()
        guard asked || now.timeIntervalSince(lastLook) >= 1 else { return false }
        lastLook = now
        let current = Self.fingerprint(of: directory)
        guard asked || current != fingerprint else { return false }
        fingerprint = current
        do {
            let book = try RuleBookLoader.load(directory: directory)
            engine.replaceBook(book)
            lastError = nil
            loadedAt = now
            version = Self.version(ofDirectory: directory)
            log("rules reloaded from \(directory)\(asked ? " (SIGHUP)" : ""): \(book.groupTypeNames.count) group types, \(book.ruleCount) rules")
            return true
        } catch {
            lastError = error.description
            log("rules in \(directory) not reloaded, the old rules keep running:\n\(error.description)")
            return false
        }
    }

    /// Name, size and modification time of every rule file.
    /// 12 hex digits of FNV-1a over the rule files' names and contents, in name order: the
    /// same files give the same version on every machine (the console shows it).
    package static func version(ofDirectory directory: String) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            let bytes = Array(name.utf8) + [0] + Array(FileManager.default.contents(atPath: directory + "/" + name) ?? Data())
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }

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
