import GroupbotCore
import GroupbotSignatures
import GroupbotStore
import GroupbotTelegram
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// What serve keeps for Telegram: the names seen, the looked-up info, the Bot API, and the
/// `getUpdates` offset (in the state file when there is one).
package struct TelegramSide: Sendable {
    package let settings: ServerConfiguration.TelegramSettings
    package let names: TelegramNameBook
    package let info: TelegramInfoCache
    package let api: TelegramBotAPI
    package let offsets: TelegramOffsets
}

/// The next `getUpdates` offset, kept in the state file (`meta`), or in memory with `--state memory`.
package final class TelegramOffsets: Sendable {
    private let store: StoreSettings?
    private let memory = Mutex<Int64>(0)
    private static let key = "telegram_update_offset"

    package init(store: StoreSettings?) {
        self.store = store
    }

    package func load() throws -> Int64 {
        try store?.value(Self.key) ?? memory.withLock { $0 }
    }

    package func save(_ offset: Int64) throws {
        if let store { try store.set(Self.key, offset) } else { memory.withLock { $0 = offset } }
    }
}

extension ServerDependencies {
    /// Runs one Telegram update: decoded, names and roles filled in, a `rename` before a
    /// message whose sender's name changed, the engine, then every action to the ledger
    /// (a webhook's answer carries none: all of it is paced). Returns how many events ran.
    func runTelegram(_ body: [UInt8], side: TelegramSide) async throws(TelegramDecodingError) -> Int {
        let decoded = try TelegramDecoder.decode(body, options: side.settings.options)
        guard case .events(let reported) = decoded else {
            if case .ignored(let reason) = decoded { logger.debug("Telegram update ignored: \(reason)") }
            return 0
        }
        var events: [Event] = []
        for event in reported { events += side.names.events(for: await side.info.enrich(event)) }
        let handled = await run(events, transport: "telegram")
        outbound.enqueue(handled.actions)
        await host.handedOff(handled.handOff)
        return handled.processed
    }
}

extension ServerRoutes {
    /// `POST /telegram/webhook`: one update, as the Bot API pushes it (setWebhook). 200 once
    /// its actions are in the ledger; 400 for a body that is not an update, so it is visible
    /// in the bot's `getWebhookInfo`.
    static func telegram(_ request: Request, context: BasicRequestContext, _ dependencies: ServerDependencies) async throws -> Response {
        guard let side = dependencies.telegram else { throw HTTPError(.notFound, message: "telegram is not configured") }
        let body = try await verifiedBody(
            of: request, dependencies,
            precheck: { headers throws(VerificationFailure) in try dependencies.verification.verifyTelegram(headers: headers) },
            verify: { _, _ throws(VerificationFailure) in })
        do {
            _ = try await dependencies.runTelegram(body, side: side)
        } catch {
            throw HTTPError(.badRequest, message: error.reason)
        }
        return json(Array("{}".utf8))
    }
}

/// Long polling (`telegram.mode: polling`), for operators without a public URL: `getUpdates`
/// from the kept offset, each update run in order, the offset kept after it ran, so a
/// restart neither loses nor repeats an update.
package struct TelegramPoller: Service {
    let dependencies: ServerDependencies
    let side: TelegramSide

    package func run() async throws {
        // getUpdates is refused while a webhook is set.
        _ = await side.api.call("deleteWebhook", ["drop_pending_updates": false])
        var offset = (try? side.offsets.load()) ?? 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let timeout = side.settings.pollTimeoutSeconds, from = offset
            let answer = await cancelWhenGracefulShutdown {
                await side.api.call("getUpdates", ["offset": from, "timeout": timeout,
                                                   "allowed_updates": ["message", "chat_member", "chat_join_request"]],
                                    timeout: .seconds(Int64(timeout) + 10))
            }
            guard let answer else {
                if Task.isShuttingDownGracefully || Task.isCancelled { return }
                try? await Task.sleep(for: .seconds(1))  // the API is down or refused: try again soon
                continue
            }
            for update in answer.updates where update.id >= offset {
                do {
                    _ = try await dependencies.runTelegram(update.body, side: side)
                } catch {
                    dependencies.logger.error("telegram update \(update.id) skipped: \(error.reason)")
                }
                offset = update.id + 1
                do { try side.offsets.save(offset) } catch { dependencies.logger.error("telegram offset: \(error)") }
            }
        }
    }
}

/// Registers `telegram.webhook_url` with `setWebhook` at start (with the secret token and the
/// updates groupbot maps), then waits for shutdown.
struct TelegramWebhookRegistration: Service {
    let side: TelegramSide
    let url: String
    /// `TELEGRAM_WEBHOOK_SECRET`, as the configuration's secrets read it (the one the route checks).
    let secret: String?

    func run() async throws {
        var parameters: [String: Any] = ["url": url, "allowed_updates": ["message", "chat_member", "chat_join_request"]]
        if let secret { parameters["secret_token"] = secret }
        _ = await side.api.call("setWebhook", parameters)
        try? await gracefulShutdown()
    }
}
