import Foundation
import GroupbotCore
import GroupbotOneBot
import GroupbotRules
import GroupbotRuntime
import GroupbotTelegram
import GroupbotSignatures
import Yams

/// Everything `groupbot serve` is configured with: a YAML file (`--config`) for the
/// settings, environment variables for the secrets, command-line options over both.
///
/// A secret never goes in the file (a key such as `secret` or `token` is refused),
/// so the file can be committed and reviewed like the rules.
package struct ServerConfiguration: Sendable, Equatable {
    /// The address to listen on.
    package var host = "127.0.0.1"
    package var port = 8080
    /// The rules directory.
    package var rules = "rules"
    /// The state: a SQLite file, a `postgres://` address, or `memory`.
    package var state = "groupbot.sqlite"
    /// Days of actions the state file keeps in its audit log.
    package var keepDays = 90
    /// Whether the state file is synced at every commit (SQLite `synchronous = FULL`).
    package var syncCommits = false
    /// Request bodies larger than this get 413.
    package var maxBodyBytes = 1 << 20
    /// Limits that keep slow or idle clients from taking the server (docs/security.md).
    package var limits = ConnectionLimits()
    /// Whether to reload the rules on SIGHUP and when a rule file changes.
    package var reload = true
    /// Where actions due later (timers, schedules) are posted, signed; nil: nowhere.
    package var callbackURL: String?
    /// How deliveries are retried.
    package var retry = RetryPolicy()
    /// The OneBot v11 endpoint's settings.
    package var oneBot = OneBotSettings()
    /// How fast deliveries go out (per account, per group, a daily cap, schedules spread).
    package var pacing = PacingLimits()
    /// The Telegram dialect's settings; nil: Telegram is not spoken.
    package var telegram: TelegramSettings?
    /// A file every event run is appended to, as received and enriched: a log to replay.
    package var record: String?
    /// Several instances on one PostgreSQL database (docs/scaling.md); nil: this process alone.
    package var cluster: ClusterSettings?
    /// Secrets, read from the environment (see ``Secrets``).
    package var secrets = Secrets()

    /// Creates the defaults.
    package init() {}

    /// The OneBot v11 dialect's settings.
    package struct OneBotSettings: Sendable, Equatable {
        /// The implementation's HTTP API (`http://127.0.0.1:5700`), for actions that a
        /// quick operation cannot carry; nil: such actions are dropped with a log line.
        package var apiURL: String?
        /// QQ numbers that receive `notify` actions privately.
        package var admins: [String] = []
        /// A group that receives `notify` actions.
        package var adminGroup: String?
        /// The UTC offset written into decoded events (OneBot times are epoch seconds).
        package var utcOffsetSeconds = 28_800
        /// DMs through a temporary session of the member's group (an implementation extension).
        package var dmThroughGroup = false
        /// What replaces a DM the implementation refuses.
        package var dmFallback = DMFallbackMode.group
        /// Whether reports are enriched with group and member info from the API (`api_url` needed).
        package var platformInfo = true
        /// How long looked-up group and member info is trusted.
        package var infoTTLSeconds = 300

        /// Creates the defaults.
        package init() {}
    }

    /// One instance of several on one PostgreSQL database (`cluster:`).
    package struct ClusterSettings: Sendable, Equatable {
        /// This instance's name, unique among the live ones (default: host name and pid).
        package var instance = ProcessInfo.processInfo.hostName + "-" + String(ProcessInfo.processInfo.processIdentifier)
        /// How many partitions the groups are hashed into (every instance the same).
        package var partitions = 64
        /// Within how long another instance takes over the groups of one that stopped
        /// heartbeating: leases last 4/5 of it, heartbeats come every 1/5.
        package var failoverMilliseconds: Int64 = 10_000

        package init() {}

        /// How long a partition's lease lasts without a heartbeat.
        package var leaseMilliseconds: Int64 { failoverMilliseconds * 4 / 5 }
        /// How often an instance says it is alive.
        package var heartbeatMilliseconds: Int64 { max(50, failoverMilliseconds / 5) }
    }

    /// The Telegram Bot API dialect's settings.
    package struct TelegramSettings: Sendable, Equatable {
        /// How updates arrive: pushed to `POST /telegram/webhook`, or fetched with `getUpdates`.
        package enum Mode: String, Sendable, Equatable { case webhook, polling }

        /// The Bot API's base URL (a local Bot API server, or a test's fake).
        package var apiURL = "https://api.telegram.org"
        package var mode = Mode.webhook
        /// When set (webhook mode), serve registers it with `setWebhook` at start.
        package var webhookURL: String?
        /// The chat that receives `notify` actions.
        package var adminChat: String?
        /// The UTC offset written into decoded events.
        package var utcOffsetSeconds = 28_800
        /// What replaces a DM Telegram refuses (the member never started the bot).
        package var dmFallback = DMFallbackMode.group
        /// `getUpdates`' long-polling timeout.
        package var pollTimeoutSeconds = 25

        package init() {}

        /// The dialect's options.
        package var options: TelegramOptions { TelegramOptions(utcOffsetSeconds: utcOffsetSeconds, adminChat: adminChat) }
    }

    /// Secrets, only ever from the environment.
    package struct Secrets: Sendable, Equatable {
        /// `GROUPBOT_WEBHOOK_SECRETS`: Standard Webhooks secrets accepted on `/v1/events`,
        /// separated by spaces or commas (several while rotating).
        package var webhookSecrets: [String] = []
        /// `GROUPBOT_TOKEN`: a bearer token accepted on `/v1/events` (and `/onebot/v11`).
        package var bearerToken: String?
        /// `GROUPBOT_CALLBACK_SECRET`: signs callbacks (Standard Webhooks).
        package var callbackSecret: String?
        /// `ONEBOT_SECRET`: checks `X-Signature` on `/onebot/v11`.
        package var oneBotSecret: String?
        /// `ONEBOT_ACCESS_TOKEN`: sent as a bearer token to the OneBot HTTP API.
        package var oneBotAccessToken: String?
        /// `TELEGRAM_BOT_TOKEN`: the bot's token from BotFather.
        package var telegramBotToken: String?
        /// `TELEGRAM_WEBHOOK_SECRET`: checked against `X-Telegram-Bot-Api-Secret-Token`.
        package var telegramWebhookSecret: String?
        /// `GROUPBOT_CONSOLE_TOKENS`: the console's operators, `name:viewer|admin:token` entries.
        package var consoleTokens: String?

        /// Creates an empty set.
        package init() {}

        /// Reads the secrets from an environment.
        package init(environment: [String: String]) {
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
            telegramBotToken = value("TELEGRAM_BOT_TOKEN")
            telegramWebhookSecret = value("TELEGRAM_WEBHOOK_SECRET")
            consoleTokens = value("GROUPBOT_CONSOLE_TOKENS")
        }

        /// Whether `/v1/events` has a credential: a Standard Webhooks secret or the bearer token.
        package var guardsEvents: Bool { !webhookSecrets.isEmpty || bearerToken != nil }
        /// Whether `/onebot/v11` has a credential: `ONEBOT_SECRET` or the bearer token.
        package var guardsOneBot: Bool { oneBotSecret != nil || bearerToken != nil }

        /// The inbound endpoints that no credential guards, in route order.
        package var unguardedEndpoints: [String] {
            (guardsEvents ? [] : ["/v1/events"]) + (guardsOneBot ? [] : ["/onebot/v11"])
        }

        /// Secrets that cannot be used as written: a `whsec_` secret whose rest is not
        /// valid base64 (or is empty) would otherwise be used as its raw text, and the
        /// sender's signatures would never match.
        package var problems: [String] {
            let named = webhookSecrets.map { ("GROUPBOT_WEBHOOK_SECRETS", $0) } + (callbackSecret.map { [("GROUPBOT_CALLBACK_SECRET", $0)] } ?? [])
            return named.compactMap { name, secret in
                WebhookSigner.keyBytes(secret) == nil
                    ? "\(name) holds a 'whsec_' secret whose rest is not valid base64; expected whsec_ followed by the base64 of the key bytes"
                    : nil
            }
        }
    }

    /// The inbound endpoints that no credential guards: the secrets' and, when Telegram
    /// pushes updates to a webhook, `/telegram/webhook` without `TELEGRAM_WEBHOOK_SECRET`.
    package var unguardedEndpoints: [String] {
        secrets.unguardedEndpoints
            + (telegram?.mode == .webhook && secrets.telegramWebhookSecret == nil ? ["/telegram/webhook"] : [])
    }

    /// Whether `host` is a loopback address (the only kind allowed without secrets).
    package var bindsLoopbackOnly: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// The mistakes in a configuration file: every one found, each with its line and column,
/// read by the same YAML reader as the rule files.
package struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every mistake, in the order found.
    package let problems: [RuleError]

    /// Creates the list.
    package init(_ problems: [RuleError]) {
        self.problems = problems
    }

    package var description: String { problems.map(\.description).joined(separator: "\n") }
}

extension ServerConfiguration {
    /// Reads a configuration file over the defaults. Unknown keys are mistakes, not ignored.
    package static func load(path: String) throws(ConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError([RuleError(at: SourceLocation(file: path, line: 1, column: 1),
                                                "cannot be read (\(error.localizedDescription))")])
        }
        return try parse(text, path: path)
    }

    /// Reads configuration text over the defaults, reporting every mistake at once.
    package static func parse(_ text: String, path: String) throws(ConfigurationError) -> ServerConfiguration {
        let reader = YAMLNodeReader(file: path)
        var configuration = ServerConfiguration()
        if let root = reader.compose(text, empty: nil) {
            ConfigReader(reader: reader).read(root, into: &configuration)
        }
        guard reader.errors.isEmpty else {
            throw ConfigurationError(reader.errors.sorted { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) })
        }
        return configuration
    }
}

/// Reads the settings with the rule files' ``YAMLNodeReader``: a setting of the wrong shape
/// is recorded with its line and column and the others are still read.
private struct ConfigReader {
    let reader: YAMLNodeReader

    static let secretWords = ["secret", "token", "password"]

    /// The settings of a section; secrets and unknown names are mistakes.
    func settings(of node: Node, known: [String], section: String) -> [(String, Node)] {
        guard case .mapping(let mapping) = node else {
            reader.fail(node, "\(section) should be a mapping of settings", expected: "keys such as \(known.prefix(4).joined(separator: ", "))")
            return []
        }
        var result: [(String, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                reader.fail(keyNode, "a setting name should be text")
                continue
            }
            if Self.secretWords.contains(where: key.lowercased().contains) {
                reader.fail(keyNode, "'\(key)': secrets are not read from the configuration file; set them in the environment (see docs/adapters.md)")
                continue
            }
            guard known.contains(key) else {
                reader.fail(keyNode, "unknown setting '\(key)' in \(section)", expected: "one of \(known.joined(separator: ", "))",
                            suggestion: Spelling.suggestion(for: key, among: known))
                continue
            }
            result.append((key, value))
        }
        return result
    }

    func integer(_ node: Node, _ key: String, range: ClosedRange<Int>) -> Int? {
        guard let value = reader.integer(node, what: key) else { return nil }
        guard range.contains(value) else {
            reader.fail(node, "'\(key)' is \(value)", expected: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    func url(_ node: Node, _ key: String) -> String? {
        guard let text = reader.string(node, what: key) else { return nil }
        guard let parsed = URL(string: text), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            reader.fail(node, "'\(key)' is '\(text)'", expected: "an http:// or https:// URL")
            return nil
        }
        return text
    }

    func read(_ root: Node, into configuration: inout ServerConfiguration) {
        let known = ["host", "port", "rules", "state", "keep_days", "sync_commits", "max_body_bytes", "reload", "callback", "onebot",
                     "max_connections", "idle_timeout_ms", "body_timeout_ms", "bodies_in_flight_bytes", "pacing", "record", "telegram",
                     "cluster"]
        for (key, value) in settings(of: root, known: known, section: "the configuration") {
            switch key {
            case "host": reader.string(value, what: key).map { configuration.host = $0 }
            case "port": integer(value, key, range: 1...65_535).map { configuration.port = $0 }
            case "rules": reader.string(value, what: key).map { configuration.rules = $0 }
            case "state": reader.string(value, what: key).map { configuration.state = $0 }
            case "keep_days": integer(value, key, range: 1...36_500).map { configuration.keepDays = $0 }
            case "sync_commits": reader.bool(value, what: key).map { configuration.syncCommits = $0 }
            case "max_body_bytes": integer(value, key, range: 1_024...(64 << 20)).map { configuration.maxBodyBytes = $0 }
            case "reload": reader.bool(value, what: key).map { configuration.reload = $0 }
            case "max_connections": integer(value, key, range: 1...100_000).map { configuration.limits.maxConnections = $0 }
            case "idle_timeout_ms":
                integer(value, key, range: 100...3_600_000).map { configuration.limits.idleTimeoutMilliseconds = Int64($0) }
            case "body_timeout_ms":
                integer(value, key, range: 100...3_600_000).map { configuration.limits.bodyTimeoutMilliseconds = Int64($0) }
            case "bodies_in_flight_bytes":
                integer(value, key, range: 1_024...(1 << 30)).map { configuration.limits.bodiesInFlightBytes = $0 }
            case "callback": readCallback(value, into: &configuration)
            case "pacing": readPacing(value, into: &configuration.pacing)
            case "record": reader.string(value, what: key).map { configuration.record = $0 }
            case "telegram": configuration.telegram = readTelegram(value)
            case "cluster": configuration.cluster = readCluster(value)
            default: readOneBot(value, into: &configuration.oneBot)
            }
        }
    }

    func readCallback(_ node: Node, into configuration: inout ServerConfiguration) {
        let known = ["url", "max_attempts", "first_delay_ms", "max_delay_ms", "timeout_ms"]
        for (key, value) in settings(of: node, known: known, section: "callback") {
            switch key {
            case "url": url(value, key).map { configuration.callbackURL = $0 }
            case "max_attempts": integer(value, key, range: 1...100).map { configuration.retry.maxAttempts = $0 }
            case "first_delay_ms": integer(value, key, range: 1...3_600_000).map { configuration.retry.firstDelayMilliseconds = Int64($0) }
            case "max_delay_ms": integer(value, key, range: 1...86_400_000).map { configuration.retry.maxDelayMilliseconds = Int64($0) }
            default: integer(value, key, range: 100...600_000).map { configuration.retry.timeoutMilliseconds = Int64($0) }
            }
        }
    }

    func readOneBot(_ node: Node, into settings: inout ServerConfiguration.OneBotSettings) {
        let known = ["api_url", "admins", "admin_group", "utc_offset", "dm_through_group", "dm_fallback", "platform_info", "info_ttl_seconds"]
        for (key, value) in self.settings(of: node, known: known, section: "onebot") {
            switch key {
            case "api_url": url(value, key).map { settings.apiURL = $0 }
            case "admins": reader.strings(value, what: key).map { settings.admins = $0 }
            case "admin_group": reader.string(value, what: key).map { settings.adminGroup = $0 }
            case "dm_through_group": reader.bool(value, what: key).map { settings.dmThroughGroup = $0 }
            case "platform_info": reader.bool(value, what: key).map { settings.platformInfo = $0 }
            case "info_ttl_seconds": integer(value, key, range: 1...86_400).map { settings.infoTTLSeconds = $0 }
            case "dm_fallback": fallback(value).map { settings.dmFallback = $0 }
            default: utcOffset(value).map { settings.utcOffsetSeconds = $0 }
            }
        }
    }

    func readCluster(_ node: Node) -> ServerConfiguration.ClusterSettings {
        var settings = ServerConfiguration.ClusterSettings()
        for (key, value) in self.settings(of: node, known: ["instance", "partitions", "failover_ms"], section: "cluster") {
            switch key {
            case "instance": reader.string(value, what: key).map { settings.instance = $0 }
            case "partitions": integer(value, key, range: 1...4_096).map { settings.partitions = $0 }
            default: integer(value, key, range: 500...600_000).map { settings.failoverMilliseconds = Int64($0) }
            }
        }
        return settings
    }

    func readTelegram(_ node: Node) -> ServerConfiguration.TelegramSettings {
        var settings = ServerConfiguration.TelegramSettings()
        let known = ["api_url", "mode", "webhook_url", "admin_chat", "utc_offset", "dm_fallback", "poll_timeout_seconds"]
        for (key, value) in self.settings(of: node, known: known, section: "telegram") {
            switch key {
            case "api_url": url(value, key).map { settings.apiURL = $0 }
            case "webhook_url": url(value, key).map { settings.webhookURL = $0 }
            case "admin_chat": reader.string(value, what: key).map { settings.adminChat = $0 }
            case "poll_timeout_seconds": integer(value, key, range: 0...50).map { settings.pollTimeoutSeconds = $0 }
            case "mode":
                guard let text = reader.string(value, what: key) else { continue }
                guard let mode = ServerConfiguration.TelegramSettings.Mode(rawValue: text) else {
                    reader.fail(value, "'mode' is '\(text)'", expected: "webhook or polling")
                    continue
                }
                settings.mode = mode
            case "dm_fallback": fallback(value).map { settings.dmFallback = $0 }
            default: utcOffset(value).map { settings.utcOffsetSeconds = $0 }
            }
        }
        return settings
    }

    /// `utc_offset: "+08:00"` in seconds, or nil (recorded) when it is not an offset.
    func utcOffset(_ node: Node) -> Int? {
        guard let text = reader.string(node, what: "utc_offset") else { return nil }
        guard let offset = Self.offsetSeconds(text) else {
            reader.fail(node, "'utc_offset' is '\(text)'", expected: "an offset such as +08:00")
            return nil
        }
        return offset
    }

    func fallback(_ node: Node) -> DMFallbackMode? {
        guard let text = reader.string(node, what: "dm_fallback") else { return nil }
        guard let mode = DMFallbackMode(rawValue: text) else {
            reader.fail(node, "'dm_fallback' is '\(text)'", expected: "one of group, admins, none")
            return nil
        }
        return mode
    }

    func readPacing(_ node: Node, into limits: inout PacingLimits) {
        let known = ["account_per_second", "account_burst", "group_per_minute", "group_burst", "daily_cap_per_group",
                     "schedule_spread_seconds"]
        for (key, value) in settings(of: node, known: known, section: "pacing") {
            switch key {
            case "account_per_second", "group_per_minute":
                guard let rate = reader.double(value, what: key) else { continue }
                guard rate > 0, rate <= 10_000 else {
                    reader.fail(value, "'\(key)' is \(rate)", expected: "a rate above 0 and at most 10000")
                    continue
                }
                if key == "account_per_second" { limits.accountPerSecond = rate } else { limits.groupPerMinute = rate }
            case "account_burst": integer(value, key, range: 1...10_000).map { limits.accountBurst = $0 }
            case "group_burst": integer(value, key, range: 1...10_000).map { limits.groupBurst = $0 }
            case "daily_cap_per_group": integer(value, key, range: 0...1_000_000).map { limits.dailyCapPerGroup = $0 }
            default: integer(value, key, range: 0...86_400).map { limits.scheduleSpreadSeconds = $0 }
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
