import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotSignatures
import GroupbotWire
import Hummingbird
import Logging

/// What the routes need: the engine, the outbound side, the checks and the figures.
package struct ServerDependencies: Sendable {
    package let host: EngineHost
    package let outbound: Outbound
    package let verification: InboundVerification
    package let metrics: ServerMetrics
    package let configuration: ServerConfiguration
    package let logger: Logger
    /// Reads request bodies within the configured limits.
    package let bodies: BodyReader
    /// Where events are recorded (`record:`), if anywhere.
    package let recorder: EventRecorder?
    /// Fills in what OneBot reports leave out (`onebot.platform_info`), if configured.
    package let platformInfo: PlatformInfoCache?
    /// The Telegram dialect's state, when `telegram:` is configured.
    package let telegram: TelegramSide?
    /// The operators' console (`/console`).
    package let console: ConsoleSide?
    /// With several instances on one database: this instance's side of the cluster.
    let cluster: ClusterNode?

    /// Bundles the dependencies.
    package init(host: EngineHost, outbound: Outbound, verification: InboundVerification, metrics: ServerMetrics,
                configuration: ServerConfiguration, logger: Logger, recorder: EventRecorder? = nil,
                platformInfo: PlatformInfoCache? = nil, telegram: TelegramSide? = nil, console: ConsoleSide? = nil,
                cluster: ClusterNode? = nil) {
        self.logger = logger
        self.cluster = cluster
        self.console = console
        self.telegram = telegram
        self.recorder = recorder
        self.platformInfo = platformInfo
        self.host = host
        self.outbound = outbound
        self.verification = verification
        self.metrics = metrics
        self.configuration = configuration
        bodies = BodyReader(limits: configuration.limits, maxBodyBytes: configuration.maxBodyBytes)
    }
}

extension ServerDependencies {
    /// Runs a request's events, counts them and queues the actions of timers that fell due
    /// meanwhile; returns what the request's response carries.
    func run(_ events: [Event], transport: String) async -> HandledEvents {
        recorder?.append(events)
        if let cluster { return await log(events, in: cluster.appender, transport: transport) }
        let handled = await host.handle(events)
        metrics.eventsIn(events, transport: transport)
        metrics.duplicates(handled.duplicates)
        metrics.actionsOut(handled.actions + handled.later)
        outbound.enqueue(handled.later)
        return handled
    }
}

extension ServerDependencies {
    /// With several instances: logs the events in the shared log and answers at once. The
    /// actions come later, through the delivery channels, from the instance that owns the
    /// group (docs/scaling.md); the response carries none.
    private func log(_ events: [Event], in clusterLog: ClusterAppender, transport: String) async -> HandledEvents {
        var lastError: (any Error)?
        for attempt in 0..<3 {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(100 * attempt)) }
            do {
                let appended = try await clusterLog.append(events)
                let duplicates = appended.count(where: { $0 == .duplicate })
                metrics.eventsIn(events, transport: transport)
                metrics.duplicates(duplicates)
                return HandledEvents(actions: [], later: [], processed: events.count - duplicates, duplicates: duplicates,
                                     handOff: HandOff(id: 0))
            } catch {
                lastError = error
            }
        }
        logger.error("cluster log: \(lastError.map { "\($0)" } ?? "") — \(events.count) event(s) refused (503)")
        return HandledEvents(actions: [], later: [], processed: 0, duplicates: 0, handOff: HandOff(id: 0),
                             unavailable: "the shared log cannot be written now; send the events again")
    }
}

/// The HTTP routes of `groupbot serve`. Built apart from the command so tests drive
/// them in-process.
package enum ServerRoutes {
    /// The paths served (anything else is 404).
    package static let known: Set<String> = [
        "/v1/events", "/onebot/v11", "/telegram/webhook", "/healthz", "/metrics", "/console", "/console/login", "/console/logout",
        "/console/group", "/console/audit", "/console/pardon", "/console/spam", "/console/try", "/console/try/explain", "/console/try/report",
        "/console/try/diff", "/console/shadow", "/console/deliveries", "/console/deliveries/retry",
    ]

    /// Builds the router.
    package static func buildRouter(_ dependencies: ServerDependencies) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: RequestLogMiddleware(metrics: dependencies.metrics))
        router.post("/v1/events") { request, context in
            try await events(request, context: context, dependencies)
        }
        router.post("/onebot/v11") { request, context in
            try await oneBot(request, context: context, dependencies)
        }
        router.post("/telegram/webhook") { request, context in
            try await telegram(request, context: context, dependencies)
        }
        ConsoleRoutes.add(to: router, dependencies)
        router.get("/healthz") { _, _ in
            try await health(dependencies)
        }
        router.get("/metrics") { _, _ in
            // The backlog is counted when asked for, not after every round of the delivery worker.
            if let backlog = try? dependencies.outbound.ledger.counts() {
                dependencies.metrics.deliveryBacklog(pending: backlog.pending, dead: backlog.dead)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(bytes: dependencies.metrics.exposition())))
        }
        return router
    }

    /// Checks what the headers alone can settle with `precheck`, reads the body within the
    /// limits (``BodyReader``), then checks the credentials with `verify` (401 or 403, with the reason).
    static func verifiedBody(
        of request: Request, _ dependencies: ServerDependencies,
        precheck: (HTTPFields) throws(VerificationFailure) -> Void,
        verify: (HTTPFields, [UInt8]) throws(VerificationFailure) -> Void
    ) async throws -> [UInt8] {
        do {
            try precheck(request.headers)
        } catch {
            throw httpError(error)
        }
        let body = try await dependencies.bodies.read(request)
        do {
            try verify(request.headers, body)
        } catch {
            throw httpError(error)
        }
        return body
    }

    private static func httpError(_ failure: VerificationFailure) -> HTTPError {
        HTTPError(failure.status == 403 ? .forbidden : .unauthorized, message: failure.reason)
    }

    /// A JSON response.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `POST /v1/events`: one wire-format event or an array of them; the response holds their actions.
    static func events(_ request: Request, context: BasicRequestContext, _ dependencies: ServerDependencies) async throws -> Response {
        let body = try await verifiedBody(
            of: request, dependencies,
            precheck: { headers throws(VerificationFailure) in try dependencies.verification.precheckEvents(headers: headers) },
            verify: { headers, body throws(VerificationFailure) in try dependencies.verification.verifyEvents(headers: headers, body: body) })
        let decoded = body.withUnsafeBufferPointer { bytes in
            Result { () throws(EventBatchError) -> [Event] in try EventDecoder.decodeBatch(body: bytes) }
        }
        let events: [Event]
        switch decoded {
        case .success(let value): events = value
        case .failure(let error): throw HTTPError(.badRequest, message: error.description)
        }
        let handled = await dependencies.run(events, transport: "webhook")
        if let reason = handled.unavailable { throw HTTPError(.serviceUnavailable, message: reason) }
        var output = Array("{\"processed\":\(handled.processed),\"duplicates\":\(handled.duplicates),\"actions\":[".utf8)
        for (index, action) in handled.actions.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            ActionEncoder.encode(action, into: &output)
            output.removeLast()  // the line's newline
        }
        output.append(contentsOf: Array("]}".utf8))
        let handOff = ResponseHandOff(host: dependencies.host, outbound: dependencies.outbound, actions: handled.actions,
                                      handOff: handled.handOff)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: handOff.body(output))
    }

    /// `GET /healthz`: whether the server runs, with the rules and the delivery backlog.
    static func health(_ dependencies: ServerDependencies) async throws -> Response {
        let counts = await dependencies.host.ruleCounts
        let backlog = (try? dependencies.outbound.ledger.counts()) ?? (pending: -1, dead: -1)
        let health = Health(status: "ok", groupTypes: counts.types, rules: counts.rules,
                            deliveriesPending: backlog.pending, deadLetters: backlog.dead)
        return json(Array(try Health.encoder.encode(health)))
    }

    /// The body of `GET /healthz`.
    struct Health: Encodable {
        var status: String
        var groupTypes: Int
        var rules: Int
        /// -1 when the ledger cannot be read.
        var deliveriesPending: Int
        var deadLetters: Int

        static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = .sortedKeys
            return encoder
        }()
    }
}
