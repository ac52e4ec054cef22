import ArgumentParser
import Foundation
import GroupbotServer
import GroupbotTransports
import Logging

/// `groupbot serve`: the HTTP webhook transport and the OneBot v11 endpoint.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the rules over HTTP: POST /v1/events, POST /onebot/v11, GET /healthz, GET /metrics.",
        discussion: """
            Settings come from --config (YAML), secrets from the environment (GROUPBOT_WEBHOOK_SECRETS, \
            GROUPBOT_TOKEN, GROUPBOT_CALLBACK_SECRET, ONEBOT_SECRET, ONEBOT_ACCESS_TOKEN), and the options \
            below win over both. Without any secret, only a loopback address is allowed. SIGHUP or a changed \
            rule file reloads the rules; SIGTERM or SIGINT stops after the requests in flight. See docs/adapters.md.
            """
    )

    @Option(help: "The directory of rule files (default: the config's 'rules', else 'rules').")
    var rules: String?

    @Option(help: "The address to listen on (default 127.0.0.1).")
    var host: String?

    @Option(help: "The port to listen on (default 8080).")
    var port: Int?

    @Option(help: "The state: a SQLite file, a postgres://user:password@host:port/database address, or 'memory' (default groupbot.sqlite).")
    var state: String?

    @Flag(help: "Sync the state file at every commit (default: the config's 'sync_commits', else off): a power cut loses no committed request.")
    var syncCommits = false

    @Option(help: "A YAML configuration file (see docs/adapters.md); secrets are never read from it.")
    var config: String?

    @Flag(help: "Listen on a package address even though no secret or token is configured.")
    var insecure = false

    @Option(help: "The least important log level written: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func run() async throws {
        MallocSettings.limitArenas(to: 2, environment: ProcessInfo.processInfo.environment)
        MallocSettings.mapLargeBlocks(environment: ProcessInfo.processInfo.environment)
        let errors = FileOutput.standardError()
        var settings = ServerConfiguration()
        if let config {
            do {
                settings = try ServerConfiguration.load(path: config)
            } catch {
                errors.writeLine(error.description)
                throw ExitCode(1)
            }
        }
        if let rules { settings.rules = rules }
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let state { settings.state = state }
        if syncCommits { settings.syncCommits = true }
        settings.secrets = .init(environment: ProcessInfo.processInfo.environment)
        do {
            try ServerAssembly.checkExposure(settings, insecure: insecure)
        } catch {
            errors.writeLine("groupbot serve: \(error)")
            throw ExitCode(1)
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("unknown log level '\(logLevel)'")
        }
        let book = try RulesOptions(rules: settings.rules).loadBook()
        var logger = Logger(label: "groupbot")
        logger.logLevel = level
        do {
            try await ServerAssembly.serve(configuration: settings, book: book, logger: logger)
        } catch {
            errors.writeLine("groupbot serve: \(error)")
            throw ExitCode(1)
        }
    }
}
