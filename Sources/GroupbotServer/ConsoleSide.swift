import Foundation
import GroupbotConsole
import GroupbotRuntime
import GroupbotStore

/// What the operators' console needs beside the engine: who may sign in, the sessions, the
/// pages, and the state file's figures, audit log and deliveries.
package struct ConsoleSide: Sendable {
    package let tokens: ConsoleTokens
    package let sessions: ConsoleSessions
    let pages = ConsolePages()
    /// The state file's reader; nil with `--state memory` (no figures, no audit log).
    let reader: StoreReader?
    let ledger: any DeliveryLedger
    /// The rules directory (its version is shown; comparisons start from it).
    let rules: String
    let startedAt: Date
    /// The version of the rules at start (when they are not reloaded, the one running).
    let startVersion: String
    /// Without tokens the console opens only when `serve` listens on loopback alone.
    let loopbackOnly: Bool

    package init(tokens: ConsoleTokens, reader: StoreReader?, ledger: any DeliveryLedger, rules: String, loopbackOnly: Bool,
                 now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.tokens = tokens
        self.reader = reader
        self.ledger = ledger
        self.rules = rules
        self.loopbackOnly = loopbackOnly
        sessions = ConsoleSessions(now: now)
        startedAt = Date()
        startVersion = RuleReloader.version(ofDirectory: rules)
    }

    /// Why the console is closed, or nil when it is open.
    var closedReason: String? {
        tokens.isEmpty && !loopbackOnly
            ? "the console needs GROUPBOT_CONSOLE_TOKENS when serve listens beyond loopback" : nil
    }
}
