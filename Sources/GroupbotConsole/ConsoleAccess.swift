import GroupbotSignatures
import Synchronization

/// Who may use the console: operators named in `GROUPBOT_CONSOLE_TOKENS`, each with a token
/// and a role, and the sessions they signed in to.
package struct ConsoleOperator: Sendable, Equatable {
    /// What an operator may do: look, or also act (pardon, retry, compare rule folders).
    package enum Role: String, Sendable {
        case viewer, admin
    }

    package var name: String
    package var role: Role

    package init(name: String, role: Role) {
        self.name = name
        self.role = role
    }

    package var isAdmin: Bool { role == .admin }
}

/// The operators' tokens: `name:role:token` entries separated by commas or new lines
/// (`GROUPBOT_CONSOLE_TOKENS="chen:admin:8c1f…,li:viewer:77ab…"`).
package struct ConsoleTokens: Sendable {
    private let entries: [(token: String, holder: ConsoleOperator)]

    /// Parses the variable's value; a malformed entry is an error naming it (never echoing a token).
    package init(_ value: String) throws(ConsoleConfigurationError) {
        var entries: [(String, ConsoleOperator)] = []
        for (index, raw) in value.split(whereSeparator: { $0 == "," || $0 == "\n" }).enumerated() {
            let entry = raw.trimmingSpaces
            guard !entry.isEmpty else { continue }
            let parts = entry.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, let role = ConsoleOperator.Role(rawValue: parts[1]) else {
                throw ConsoleConfigurationError("GROUPBOT_CONSOLE_TOKENS entry \(index + 1): expected name:viewer|admin:token")
            }
            guard parts[2].count >= 16 else {
                throw ConsoleConfigurationError("GROUPBOT_CONSOLE_TOKENS entry \(index + 1) (\(parts[0])): the token is shorter than 16 characters")
            }
            entries.append((parts[2], ConsoleOperator(name: parts[0], role: role)))
        }
        self.entries = entries
    }

    package var isEmpty: Bool { entries.isEmpty }

    /// The operator holding `token`; every entry is compared, in constant time.
    package func holder(of token: String) -> ConsoleOperator? {
        var found: ConsoleOperator?
        for entry in entries where WebhookVerifier.constantTimeEqual(entry.token, token) { found = entry.holder }
        return found
    }
}

/// A console setting that cannot be used.
package struct ConsoleConfigurationError: Error, CustomStringConvertible, Sendable {
    package let description: String

    package init(_ description: String) { self.description = description }
}

/// Signed-in sessions: a random id in an HttpOnly, SameSite=Strict cookie, and a CSRF
/// token of its own that every form carries back. Kept in memory: a restart signs
/// everyone out. Sessions last 12 hours.
package final class ConsoleSessions: Sendable {
    package struct Session: Sendable {
        package var holder: ConsoleOperator
        package var csrf: String
        var expires: Int64
    }

    private let sessions = Mutex<[String: Session]>([:])
    private let now: @Sendable () -> Int64
    static let lifetimeSeconds: Int64 = 12 * 3600

    /// `now`: seconds on any steady scale (tests move their own).
    package init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    /// Opens a session; returns its id (for the cookie).
    package func open(for holder: ConsoleOperator) -> String {
        let id = Self.randomToken(), csrf = Self.randomToken()
        let expires = now() + Self.lifetimeSeconds
        sessions.withLock { table in
            let current = now()
            table = table.filter { $0.value.expires > current }
            table[id] = Session(holder: holder, csrf: csrf, expires: expires)
        }
        return id
    }

    /// The live session with this id.
    package func session(_ id: String?) -> Session? {
        guard let id, !id.isEmpty else { return nil }
        let current = now()
        return sessions.withLock { table in
            guard let session = table[id], session.expires > current else { return nil }
            return session
        }
    }

    package func close(_ id: String?) {
        guard let id else { return }
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }

    /// Whether a form's CSRF token is the session's (constant time).
    package static func acceptsForm(_ session: Session, token: String?) -> Bool {
        guard let token else { return false }
        return WebhookVerifier.constantTimeEqual(session.csrf, token)
    }

    /// 32 random bytes as hex, from the system's generator.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        for _ in 0..<4 {
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return text
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
