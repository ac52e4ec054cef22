import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotWire
import Logging
import ServiceLifecycle

/// Where actions that no response can carry go: every configured channel gets
/// them, as deliveries written to the ledger before any attempt.
package struct Outbound: Sendable {
    /// The ledger the deliveries are kept in.
    package let ledger: any DeliveryLedger
    /// The configured channels (callback, OneBot API, …); empty: actions are only logged.
    package let channels: [any DeliveryChannel]
    /// The OneBot API channel when one is configured: where a OneBot report's API calls go.
    package let oneBotAPI: OneBotAPIChannel?
    /// The Telegram channel when Telegram is configured.
    package let telegram: TelegramChannel?
    private let logger: Logger
    private let now: @Sendable () -> Instant

    /// Creates the outbound side: the callback channel (when there is one) and the OneBot
    /// API channel (when there is one) get every action no response carries.
    package init(ledger: any DeliveryLedger, callback: CallbackChannel?, oneBotAPI: OneBotAPIChannel?,
                 telegram: TelegramChannel? = nil, logger: Logger, now: @escaping @Sendable () -> Instant = { WallClock().now }) {
        self.ledger = ledger
        channels = [callback as (any DeliveryChannel)?, oneBotAPI, telegram].compactMap { $0 }
        self.telegram = telegram
        self.oneBotAPI = oneBotAPI
        self.logger = logger
        self.now = now
    }

    /// Queues `actions` on every channel.
    package func enqueue(_ actions: [Action]) {
        guard !actions.isEmpty else { return }
        guard !channels.isEmpty else {
            logger.warning("\(actions.count) action(s) due later have no channel to go to (configure callback.url or onebot.api_url)")
            return
        }
        do {
            try ledger.enqueue(deliveries(for: actions))
        } catch {
            logger.error("\(error) — \(actions.count) action(s) not queued")
        }
    }

    /// The deliveries that carry `actions` on every channel that carries them.
    package func deliveries(for actions: [Action]) -> [Delivery] {
        let now = now()
        return channels.flatMap { channel in channel.deliveries(for: actions.filter(channel.carries), at: now) }
    }

    /// Queues deliveries that are already built (API calls of a dialect).
    package func enqueue(deliveries: [Delivery]) {
        do {
            try ledger.enqueue(deliveries)
        } catch {
            logger.error("\(error) — \(deliveries.count) delivery(ies) not queued")
        }
    }
}

/// Fires the engine's timers and schedules on the wall clock, looks for changed rules,
/// and queues what they produce; at shutdown it saves the engine's snapshot.
package struct EngineTicker: Service {
    private let host: EngineHost
    private let outbound: Outbound
    private let metrics: ServerMetrics

    /// Creates the ticker.
    package init(host: EngineHost, outbound: Outbound, metrics: ServerMetrics) {
        self.host = host
        self.outbound = outbound
        self.metrics = metrics
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let (actions, handOff) = await host.tick()
            metrics.actionsOut(actions)
            outbound.enqueue(actions)
            await host.handedOff(handOff)
            // Reloading looks at the files once a second; a timer due sooner wakes it sooner.
            let wait = min(await host.millisecondsUntilNextTimer ?? 1_000, 1_000)
            do {
                try await Task.sleep(for: .milliseconds(max(wait, 5)))
            } catch {
                break
            }
        }
        let (last, handOff) = await host.finish()
        metrics.actionsOut(last)
        outbound.enqueue(last)
        await host.handedOff(handOff)
        await host.close()
    }
}
