import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotWire
import Logging
import NIOCore
import ServiceLifecycle

/// Sends the ledger's pending deliveries, retrying with backoff and moving the ones
/// that cannot go through to the dead letters.
///
/// Deliveries are written to the ledger before the first attempt, so a stop or a
/// crash loses none: the next start sends what was pending. On graceful shutdown
/// the worker stops between attempts.
package struct DeliveryWorker: Service {
    private let ledger: any DeliveryLedger
    private let channels: [String: any DeliveryChannel]
    private let client: HTTPClient
    private let policy: RetryPolicy
    private let metrics: ServerMetrics
    private let logger: Logger
    /// How often the ledger is looked at when nothing is due.
    private let pollMilliseconds: Int64
    /// The time deliveries fall due by (the wall clock; tests move their own).
    private let now: @Sendable () -> Instant

    /// Creates a worker for the channels' deliveries.
    package init(ledger: any DeliveryLedger, channels: [any DeliveryChannel], client: HTTPClient, policy: RetryPolicy,
                metrics: ServerMetrics, logger: Logger, pollMilliseconds: Int64 = 100,
                now: @escaping @Sendable () -> Instant = { WallClock().now }) {
        self.now = now
        self.ledger = ledger
        self.channels = Dictionary(channels.map { ($0.target, $0) }, uniquingKeysWith: { first, _ in first })
        self.client = client
        self.policy = policy
        self.metrics = metrics
        self.logger = logger
        self.pollMilliseconds = pollMilliseconds
    }

    package func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let attempted = await sendDue()
            if attempted == 0 {
                do {
                    try await Task.sleep(for: .milliseconds(pollMilliseconds))
                } catch {
                    return
                }
            }
        }
    }

    /// Makes one attempt of every delivery due now; returns how many were attempted.
    @discardableResult
    package func sendDue(limit: Int = 64) async -> Int {
        let due: [Delivery]
        do {
            due = try ledger.due(at: now(), limit: limit)
        } catch {
            logger.error("deliveries: \(error)")
            return 0
        }
        for delivery in due {
            if Task.isShuttingDownGracefully { break }
            await attempt(delivery)
        }
        return due.count
    }

    private func attempt(_ delivery: Delivery) async {
        guard let channel = channels[delivery.target] else {
            record(delivery, .retry(reason: "no '\(delivery.target)' channel is configured", retryAfterSeconds: nil))
            return
        }
        let verdict: DeliveryVerdict
        do {
            let request = try channel.request(for: delivery, now: Date())
            let response = try await client.execute(request, timeout: .milliseconds(policy.timeoutMilliseconds))
            let body = try await response.body.collect(upTo: 1 << 20)
            verdict = channel.verdict(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"),
                                      body: Array(buffer: body), now: Date())
        } catch {
            verdict = .retry(reason: "\(error)", retryAfterSeconds: nil)
        }
        record(delivery, verdict)
    }

    private func record(_ delivery: Delivery, _ verdict: DeliveryVerdict) {
        do {
            switch verdict {
            case .delivered:
                try ledger.complete(id: delivery.id)
                metrics.delivery("sent", target: delivery.target)
            case .retry(let reason, let retryAfter):
                let attempts = delivery.attempts + 1
                if let delay = policy.delay(afterAttempts: attempts, retryAfterSeconds: retryAfter, random: Double.random(in: 0..<1)) {
                    try ledger.fail(id: delivery.id, error: reason, retryAt: Instant(milliseconds: now().milliseconds + delay))
                    metrics.delivery("retried", target: delivery.target)
                    logger.info("delivery \(delivery.id) to \(delivery.endpoint) failed (\(reason)); attempt \(attempts + 1) in \(delay) ms")
                } else {
                    try ledger.fail(id: delivery.id, error: reason, retryAt: nil)
                    metrics.delivery("dead", target: delivery.target)
                    logger.error("delivery \(delivery.id) to \(delivery.endpoint) given up after \(attempts) attempts: \(reason)")
                }
            case .reject(let reason):
                try ledger.fail(id: delivery.id, error: reason, retryAt: nil)
                metrics.delivery("dead", target: delivery.target)
                logger.error("delivery \(delivery.id) to \(delivery.endpoint) refused: \(reason)")
            }
        } catch {
            logger.error("deliveries: \(error)")
        }
    }
}

