import AsyncHTTPClient
import Foundation
import GroupbotConsole
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import Hummingbird
import Logging
import ServiceLifecycle

/// Why `serve` refuses to start.
package struct ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    package let reason: String

    package var description: String { reason }
}

/// Puts `groupbot serve` together: state, engine, channels, worker, ticker and routes.
package enum ServerAssembly {
    /// Refuses malformed secrets anywhere, and a package address where an inbound endpoint
    /// has no credential of its own (unless `insecure`): one rule per endpoint, so a
    /// OneBot secret alone does not leave `/v1/events` open, nor the reverse.
    package static func checkExposure(_ configuration: ServerConfiguration, insecure: Bool) throws(ServeError) {
        if let problem = configuration.secrets.problems.first { throw ServeError(reason: problem) }
        if configuration.telegram != nil, configuration.secrets.telegramBotToken == nil {
            throw ServeError(reason: "telegram: is configured but TELEGRAM_BOT_TOKEN is not set (the token BotFather gave the bot)")
        }
        if configuration.cluster != nil { try checkCluster(configuration) }
        let open = configuration.unguardedEndpoints
        guard !configuration.bindsLoopbackOnly, !open.isEmpty, !insecure else { return }
        throw ServeError(reason: """
            refusing to listen on \(configuration.host) with \(open.joined(separator: " and ")) unguarded: anyone could post events. \
            /v1/events takes GROUPBOT_WEBHOOK_SECRETS or GROUPBOT_TOKEN; /onebot/v11 takes ONEBOT_SECRET or GROUPBOT_TOKEN; \
            /telegram/webhook takes TELEGRAM_WEBHOOK_SECRET. \
            Set them, listen on 127.0.0.1, or pass --insecure
            """)
    }

    /// The outbound side with the channels the configuration asks for.
    package static func outbound(_ configuration: ServerConfiguration, ledger: any DeliveryLedger, logger: Logger,
                                 names: TelegramNameBook = TelegramNameBook(), now: @escaping @Sendable () -> Instant) -> Outbound {
        let callback = configuration.callbackURL.map { CallbackChannel(url: $0, secret: configuration.secrets.callbackSecret) }
        let api = configuration.oneBot.apiURL.map {
            OneBotAPIChannel(apiURL: $0, accessToken: configuration.secrets.oneBotAccessToken,
                             options: configuration.oneBot.dialectOptions, dmFallback: configuration.oneBot.dmFallback)
        }
        let telegram = configuration.telegram.flatMap { settings in
            configuration.secrets.telegramBotToken.map {
                TelegramChannel(apiURL: settings.apiURL, token: $0, options: settings.options, dmFallback: settings.dmFallback, names: names)
            }
        }
        return Outbound(ledger: ledger, callback: callback, oneBotAPI: api, telegram: telegram, logger: logger, now: now)
    }

    /// What several instances need (docs/scaling.md): a shared PostgreSQL state, a channel for
    /// the actions (responses carry none), and no Telegram long polling (one consumer per bot).
    static func checkCluster(_ configuration: ServerConfiguration) throws(ServeError) {
        guard StateLocation.isDatabase(configuration.state) else {
            throw ServeError(reason: "cluster: needs the state on PostgreSQL (state: postgres://…), which every instance shares")
        }
        guard configuration.callbackURL != nil || configuration.oneBot.apiURL != nil || configuration.telegram != nil else {
            throw ServeError(reason: "cluster: actions go out through the delivery channels only (responses carry none); "
                + "configure callback.url, onebot.api_url or telegram")
        }
        if configuration.telegram?.mode == .polling {
            throw ServeError(reason: "cluster: Telegram allows one getUpdates consumer per bot; use telegram.mode: webhook")
        }
    }

    /// Opens the state, recovers it, and queues what the last process left undelivered.
    /// `clock` is the wall clock the engine and the deliveries read (tests move their own).
    package static func makeDependencies(
        configuration: ServerConfiguration, book: RuleBook, logger: Logger, clock: any EngineClock & Sendable = WallClock(),
        client: HTTPClient = .shared
    ) async throws -> ServerDependencies {
        let ledger: any DeliveryLedger
        let host: EngineHost
        var kept: StoreSettings?
        var reader: StoreReader?
        let reload = configuration.reload ? configuration.rules : nil
        var cluster: (store: ClusterStore, appender: ClusterAppender)?
        if let settings = configuration.cluster {
            let store = try StateStore.open(configuration.state)
            guard let postgres = store.postgres else {
                throw ServeError(reason: "cluster: needs the state on PostgreSQL (state: postgres://…), which every instance shares")
            }
            let clusterStore = try ClusterStore(database: postgres, partitions: settings.partitions)
            // Every engine must run the same rules on the same log, or their states part ways.
            let others = try clusterStore.instancesWithOtherRules(than: RuleReloader.version(ofDirectory: configuration.rules),
                                                                  besides: settings.instance,
                                                                  leaseMilliseconds: settings.leaseMilliseconds)
            if !others.isEmpty {
                throw ServeError(reason: "cluster: " + others.map { "\($0.id) runs rules \($0.rulesVersion)" }.joined(separator: ", ")
                    + ", this instance \(RuleReloader.version(ofDirectory: configuration.rules)); every instance must run the same rules "
                    + "(stop the others and start them all with the same rule files)")
            }
            ledger = store.deliveries(claimedBy: settings.instance, claimMilliseconds: settings.failoverMilliseconds)
            kept = store.settings
            reader = store.reader
            // Every instance runs the same log with the same rules: reloading one instance's
            // files would make the engines differ, so rules change by restarting the instances.
            host = EngineHost(book: book, store: nil, reloadFrom: nil, logger: logger, wallClock: clock,
                              tap: ClusterTap(partitionOf: { clusterStore.partition(ofGroup: $0) }))
            // From a snapshot no later than any partition's handed-on row: every partition's
            // work that is not handed on yet is run again here, in case this instance takes it over.
            try await host.start(at: try clusterStore.snapshot(atOrBefore: try clusterStore.lowestEmittedSeq()))
            cluster = (clusterStore, ClusterAppender(store: clusterStore))
        } else if configuration.state == "memory" {
            ledger = MemoryDeliveryLedger()
            host = EngineHost(book: book, store: MemoryStore(), reloadFrom: reload, logger: logger, wallClock: clock)
        } else {
            let store = try StateStore.open(configuration.state)
            try store.takeWriterLock()  // before recovery: one process acts on a state
            store.retention.auditDays = configuration.keepDays
            if configuration.syncCommits { try store.syncEveryCommit() }
            // A request waits for its commit: keep checkpoints and snapshots off that path.
            try store.checkpointInBackground()
            store.snapshotInBackground()
            ledger = store.deliveries
            kept = store.settings
            reader = store.reader
            host = EngineHost(book: book, store: store, reloadFrom: reload, logger: logger, wallClock: clock)
        }
        let names = TelegramNameBook()
        let metrics = ServerMetrics()
        let outbound = outbound(configuration, ledger: ledger, logger: logger, names: names, now: { clock.now })
        let telegram = configuration.telegram.flatMap { settings in
            configuration.secrets.telegramBotToken.map { token in
                let api = TelegramBotAPI(apiURL: settings.apiURL, token: token, client: client, logger: logger)
                return TelegramSide(settings: settings, names: names, info: TelegramInfoCache(api: api, now: { clock.now }), api: api,
                                    offsets: TelegramOffsets(store: kept))
            }
        }
        if cluster == nil {
            let (recovered, handOff) = try await host.recover()
            outbound.enqueue(recovered)
            await host.handedOff(handOff)
        }
        let node = cluster.map { cluster in
            ClusterNode(settings: configuration.cluster ?? .init(), store: cluster.store, appender: cluster.appender, host: host,
                        outbound: outbound, metrics: metrics, logger: logger,
                        rulesVersion: RuleReloader.version(ofDirectory: configuration.rules))
        }
        return ServerDependencies(
            host: host, outbound: outbound, verification: InboundVerification(secrets: configuration.secrets),
            metrics: metrics, configuration: configuration, logger: logger,
            recorder: try configuration.record.map { try EventRecorder(path: $0, logger: logger) },
            platformInfo: configuration.oneBot.platformInfo ? configuration.oneBot.apiURL.map {
                PlatformInfoCache(apiURL: $0, accessToken: configuration.secrets.oneBotAccessToken, client: client,
                                  ttlSeconds: configuration.oneBot.infoTTLSeconds, logger: logger, now: { clock.now })
            } : nil,
            telegram: telegram,
            console: ConsoleSide(tokens: try ConsoleTokens(configuration.secrets.consoleTokens ?? ""), reader: reader, ledger: ledger,
                                 rules: configuration.rules, loopbackOnly: configuration.bindsLoopbackOnly),
            cluster: node)
    }

    /// Builds the application: the routes, the delivery worker and the engine's ticker.
    package static func build(
        configuration: ServerConfiguration, book: RuleBook, logger: Logger, client: HTTPClient = .shared
    ) async throws -> some ApplicationProtocol {
        let dependencies = try await makeDependencies(configuration: configuration, book: book, logger: logger, client: client)
        return Application(
            router: ServerRoutes.buildRouter(dependencies),
            server: .http1(configuration: .init(idleTimeout: .milliseconds(configuration.limits.idleTimeoutMilliseconds))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "groupbot",
                                 availableConnectionsDelegate: .maximum(configuration.limits.maxConnections, logger: logger)),
            services: backgroundServices(dependencies, client: client),
            logger: logger)
    }

    /// The services that run beside the HTTP server: the delivery worker and the ticker
    /// (listed in start order; they stop in reverse, after the server).
    package static func backgroundServices(_ dependencies: ServerDependencies, client: HTTPClient = .shared) -> [any Service] {
        let host = dependencies.host, outbound = dependencies.outbound, metrics = dependencies.metrics
        let worker = DeliveryWorker(
            ledger: dependencies.outbound.ledger, channels: dependencies.outbound.channels, client: client,
            policy: dependencies.configuration.retry, pacing: dependencies.configuration.pacing, metrics: dependencies.metrics,
            logger: dependencies.logger,
            replace: { action in
                let (actions, handOff) = await host.recordReplacement(action)
                metrics.actionsOut(actions)
                outbound.enqueue(actions)
                await host.handedOff(handOff)
            })
        // With several instances the cluster node runs the shared log and ticks its clock.
        var services: [any Service] = [worker, dependencies.cluster.map { $0 as any Service }
            ?? EngineTicker(host: dependencies.host, outbound: dependencies.outbound, metrics: dependencies.metrics)]
        if let side = dependencies.telegram {
            switch side.settings.mode {
            case .polling: services.append(TelegramPoller(dependencies: dependencies, side: side))
            case .webhook:
                if let url = side.settings.webhookURL {
                    services.append(TelegramWebhookRegistration(side: side, url: url,
                                                                secret: dependencies.configuration.secrets.telegramWebhookSecret))
                }
            }
        }
        return services
    }

    /// Builds the application and runs it until SIGTERM or SIGINT; requests in flight
    /// finish, pending deliveries stay in the ledger, and a snapshot is saved.
    package static func serve(configuration: ServerConfiguration, book: RuleBook, logger: Logger) async throws {
        let application = try await build(configuration: configuration, book: book, logger: logger)
        try await application.runService()
    }
}
