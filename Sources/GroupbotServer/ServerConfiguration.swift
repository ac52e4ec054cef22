import Foundation
import GroupbotRules
import GroupbotSignatures
import Yams

/// Everything `groupbot serve` is configured with: a YAML file (`--config`) for the
/// settings, environment variables for the secrets, command-line options over both.
///
/// A secret never goes in the file (a key such as `secret` or `token` is refused),
/// so the file can be committed and reviewed like the rules.
public struct ServerConfiguration: Sendable, Equatable {
    /// The address to listen on.
    public var host = "127.0.0.1"
    public var port = 8080
    /// The rules directory.
    public var rules = "rules"
    /// The state file, or `memory`.
    public var state = "groupbot.sqlite"
    /// Whether the state file is synced at every commit (SQLite `synchronous = FULL`).
    public var syncCommits = false
    /// Request bodies larger than this get 413.
    public var maxBodyBytes = 1 << 20
    /// Limits that keep slow or idle clients from taking the server (docs/security.md).
    public var limits = ConnectionLimits()
    /// Whether to reload the rules on SIGHUP and when a rule file changes.
    public var reload = true
    /// Where actions due later (timers, schedules) are posted, signed; nil: nowhere.
    public var callbackURL: String?
    /// How deliveries are retried.
    public var retry = RetryPolicy()
    /// The OneBot v11 endpoint's settings.
    public var oneBot = OneBotSettings()
    /// Secrets, read from the environment (see ``Secrets``).
    public var secrets = Secrets()

    /// Creates the defaults.
    public init() {}

    /// The OneBot v11 dialect's settings.
    public struct OneBotSettings: Sendable, Equatable {
        /// The implementation's HTTP API (`http://127.0.0.1:5700`), for actions that a
        /// quick operation cannot carry; nil: such actions are dropped with a log line.
        public var apiURL: String?
        /// QQ numbers that receive `notify` actions privately.
        public var admins: [String] = []
        /// A group that receives `notify` actions.
        public var adminGroup: String?
        /// The UTC offset written into decoded events (OneBot times are epoch seconds).
        public var utcOffsetSeconds = 28_800

        /// Creates the defaults.
        public init() {}
    }

    /// Secrets, only ever from the environment.
    public struct Secrets: Sendable, Equatable {
        /// `GROUPBOT_WEBHOOK_SECRETS`: Standard Webhooks secrets accepted on `/v1/events`,
        /// separated by spaces or commas (several while rotating).
        public var webhookSecrets: [String] = []
        /// `GROUPBOT_TOKEN`: a bearer token accepted on `/v1/events` (and `/onebot/v11`).
        public var bearerToken: String?
        /// `GROUPBOT_CALLBACK_SECRET`: signs callbacks (Standard Webhooks).
        public var callbackSecret: String?
        /// `ONEBOT_SECRET`: checks `X-Signature` on `/onebot/v11`.
        public var oneBotSecret: String?
        /// `ONEBOT_ACCESS_TOKEN`: sent as a bearer token to the OneBot HTTP API.
        public var oneBotAccessToken: String?

        /// Creates an empty set.
        public init() {}

        /// Reads the secrets from an environment.
        public init(environment: [String: String]) {
            func value(_ name: String) -> String? {
                guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
                return text
            }
            webhookSecrets = value("GROUPBOT_WEBHOOK_SECRETS")?
                .split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) ?? []
            bearerToken = value("GROUPBOT_TOKEN")
            callbackSecret = value("GROUPBOT_CALLBACK_SECRET")
            oneBotSecret = value("ONEBOT_SECRET")
            oneBotAccessToken = value("ONEBOT_ACCESS_TOKEN")
        }

        /// Whether `/v1/events` has a credential: a Standard Webhooks secret or the bearer token.
        public var guardsEvents: Bool { !webhookSecrets.isEmpty || bearerToken != nil }
        /// Whether `/onebot/v11` has a credential: `ONEBOT_SECRET` or the bearer token.
        public var guardsOneBot: Bool { oneBotSecret != nil || bearerToken != nil }

        /// The inbound endpoints that no credential guards, in route order.
        public var unguardedEndpoints: [String] {
            (guardsEvents ? [] : ["/v1/events"]) + (guardsOneBot ? [] : ["/onebot/v11"])
        }

        /// Secrets that cannot be used as written: a `whsec_` secret whose rest is not
        /// valid base64 (or is empty) would otherwise be used as its raw text, and the
        /// sender's signatures would never match.
        public var problems: [String] {
            let named = webhookSecrets.map { ("GROUPBOT_WEBHOOK_SECRETS", $0) } + (callbackSecret.map { [("GROUPBOT_CALLBACK_SECRET", $0)] } ?? [])
            return named.compactMap { name, secret in
                WebhookSigner.keyBytes(secret) == nil
                    ? "\(name) holds a 'whsec_' secret whose rest is not valid base64; expected whsec_ followed by the base64 of the key bytes"
                    : nil
            }
        }
    }

    /// Whether `host` is a loopback address (the only kind allowed without secrets).
    public var bindsLoopbackOnly: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// A mistake in the configuration file, with where it is.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let column: Int
    public let reason: String

    public var description: String { line > 0 ? "\(path):\(line):\(column): \(reason)" : "\(path): \(reason)" }
}

extension ServerConfiguration {
    /// Reads a configuration file over the defaults. Unknown keys are mistakes, not ignored.
    public static func load(path: String) throws(ConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(path: path, line: 0, column: 0, reason: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, path: path)
    }

    /// Reads configuration text over the defaults.
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> ServerConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(path: path, line: 0, column: 0, reason: "not valid YAML: \(error)")
        } catch {
            throw ConfigurationError(path: path, line: 0, column: 0, reason: "not valid YAML: \(error)")
        }
        var configuration = ServerConfiguration()
        guard let root else { return configuration }
        if let node = YAMLExpansionLimit.firstNodePastLimit(in: root) {
            throw ConfigurationError(path: path, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                                     reason: YAMLExpansionLimit.reason)
        }
        var reader = ConfigReader(path: path)
        try reader.read(root, into: &configuration)
        return configuration
    }
}

/// Walks the YAML tree by hand so every mistake names its line and column.
private struct ConfigReader {
    let path: String

    static let secretWords = ["secret", "token", "password"]

    func fail(_ node: Node, _ reason: String) -> ConfigurationError {
        ConfigurationError(path: path, line: node.mark.map { $0.line } ?? 0, column: node.mark.map { $0.column } ?? 0, reason: reason)
    }

    func members(of node: Node, known: [String], section: String) throws(ConfigurationError) -> [(String, Node, Node)] {
        guard let mapping = node.mapping else { throw fail(node, "\(section) should be a mapping of settings") }
        var result: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail(keyNode, "a setting name should be text") }
            if Self.secretWords.contains(where: key.lowercased().contains) {
                throw fail(keyNode, "'\(key)': secrets are not read from the configuration file; set them in the environment (see docs/adapters.md)")
            }
            guard known.contains(key) else {
                throw fail(keyNode, "unknown setting '\(key)' in \(section); expected one of: \(known.joined(separator: ", "))")
            }
            result.append((key, keyNode, value))
        }
        return result
    }

    func string(_ node: Node, _ key: String) throws(ConfigurationError) -> String {
        guard let text = node.scalar?.string else { throw fail(node, "'\(key)' should be text") }
        return text
    }

    func integer(_ node: Node, _ key: String, range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text), range.contains(value) else {
            throw fail(node, "'\(key)' should be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func boolean(_ node: Node, _ key: String) throws(ConfigurationError) -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, "'\(key)' should be true or false")
        }
    }

    func url(_ node: Node, _ key: String) throws(ConfigurationError) -> String {
        let text = try string(node, key)
        guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw fail(node, "'\(key)' should be an http:// or https:// URL, got '\(text)'")
        }
        return text
    }

    mutating func read(_ root: Node, into configuration: inout ServerConfiguration) throws(ConfigurationError) {
        let known = ["host", "port", "rules", "state", "sync_commits", "max_body_bytes", "reload", "callback", "onebot",
                     "max_connections", "idle_timeout_ms", "body_timeout_ms", "bodies_in_flight_bytes"]
        for (key, _, value) in try members(of: root, known: known, section: "the configuration") {
            switch key {
            case "host": configuration.host = try string(value, key)
            case "port": configuration.port = try integer(value, key, range: 1...65_535)
            case "rules": configuration.rules = try string(value, key)
            case "state": configuration.state = try string(value, key)
            case "sync_commits": configuration.syncCommits = try boolean(value, key)
            case "max_body_bytes": configuration.maxBodyBytes = try integer(value, key, range: 1_024...(64 << 20))
            case "reload": configuration.reload = try boolean(value, key)
            case "max_connections": configuration.limits.maxConnections = try integer(value, key, range: 1...100_000)
            case "idle_timeout_ms": configuration.limits.idleTimeoutMilliseconds = Int64(try integer(value, key, range: 100...3_600_000))
            case "body_timeout_ms": configuration.limits.bodyTimeoutMilliseconds = Int64(try integer(value, key, range: 100...3_600_000))
            case "bodies_in_flight_bytes": configuration.limits.bodiesInFlightBytes = try integer(value, key, range: 1_024...(1 << 30))
            case "callback": try readCallback(value, into: &configuration)
            default: try readOneBot(value, into: &configuration.oneBot)
            }
        }
    }

    func readCallback(_ node: Node, into configuration: inout ServerConfiguration) throws(ConfigurationError) {
        let known = ["url", "max_attempts", "first_delay_ms", "max_delay_ms", "timeout_ms"]
        for (key, _, value) in try members(of: node, known: known, section: "callback") {
            switch key {
            case "url": configuration.callbackURL = try url(value, key)
            case "max_attempts": configuration.retry.maxAttempts = try integer(value, key, range: 1...100)
            case "first_delay_ms": configuration.retry.firstDelayMilliseconds = Int64(try integer(value, key, range: 1...3_600_000))
            case "max_delay_ms": configuration.retry.maxDelayMilliseconds = Int64(try integer(value, key, range: 1...86_400_000))
            default: configuration.retry.timeoutMilliseconds = Int64(try integer(value, key, range: 100...600_000))
            }
        }
    }

    func readOneBot(_ node: Node, into settings: inout ServerConfiguration.OneBotSettings) throws(ConfigurationError) {
        let known = ["api_url", "admins", "admin_group", "utc_offset"]
        for (key, _, value) in try members(of: node, known: known, section: "onebot") {
            switch key {
            case "api_url": settings.apiURL = try url(value, key)
            case "admins":
                guard let items = value.sequence else { throw fail(value, "'admins' should be a list of QQ numbers") }
                settings.admins = try items.map { (item: Node) throws(ConfigurationError) -> String in try string(item, key) }
            case "admin_group": settings.adminGroup = try string(value, key)
            default:
                let text = try string(value, key)
                guard let offset = Self.offsetSeconds(text) else { throw fail(value, "'utc_offset' should look like +08:00") }
                settings.utcOffsetSeconds = offset
            }
        }
    }

    static func offsetSeconds(_ text: String) -> Int? {
        let parts = text.dropFirst().split(separator: ":")
        guard let sign = text.first, sign == "+" || sign == "-", parts.count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), hours <= 14, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}
