import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotWire
import Logging
import NIOCore
import ServiceLifecycle

/// Sends the ledger's pending deliveries, paced, retrying with backoff and moving the
/// ones that cannot go through to the dead letters.
///
/// Each channel is a lane of its own, run concurrently: a slow or dead callback URL never
/// holds up OneBot calls, nor the reverse. Within a lane a ``Pacer`` decides when each
/// call may go (the account's and the group's buckets, priorities, the daily cap).
/// Deliveries are written to the ledger before the first attempt, so a stop or a crash
/// loses none: the next start sends what was pending. On graceful shutdown the lanes stop
/// between attempts.
package struct DeliveryWorker: Service {
    private let ledger: any DeliveryLedger
    private let channels: [any DeliveryChannel]
    private let client: HTTPClient
    private let policy: RetryPolicy
    private let pacing: PacingLimits
    private let metrics: ServerMetrics
    private let logger: Logger
    /// How often the ledger is looked at when nothing is due.
    private let pollMilliseconds: Int64
    /// The time deliveries fall due by (the wall clock; tests move their own).
    private let now: @Sendable () -> Instant
    /// Takes the action that replaces a delivery refused for good (a DM's fallback): the
    /// host audits it and queues it like any other.
    private let replace: @Sendable (Action) async -> Void

    /// Creates a worker for the channels' deliveries.
    package init(ledger: any DeliveryLedger, channels: [any DeliveryChannel], client: HTTPClient, policy: RetryPolicy,
                 pacing: PacingLimits = PacingLimits(), metrics: ServerMetrics, logger: Logger, pollMilliseconds: Int64 = 100,
                 now: @escaping @Sendable () -> Instant = { WallClock().now },
                 replace: @escaping @Sendable (Action) async -> Void = { _ in }) {
        self.now = now
        self.ledger = ledger
        self.channels = channels
        self.client = client
        self.policy = policy
        self.pacing = pacing
        self.metrics = metrics
        self.logger = logger
        self.pollMilliseconds = pollMilliseconds
        self.replace = replace
    }

    package func run() async throws {
        // A service that returns early stops the server: with no channel, wait for shutdown.
        guard !channels.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await withDiscardingTaskGroup { group in
            for channel in channels {
                group.addTask { await lane(for: channel).run() }
            }
        }
    }

    /// The lane of one channel (tests drive it step by step).
    package func lane(for channel: any DeliveryChannel) -> Lane {
        Lane(worker: self, channel: channel)
    }

    /// One channel's deliveries: fetched from the ledger when due, paced, attempted one at a time.
    package final class Lane: @unchecked Sendable {
        // Used from one task at a time: the lane's own loop, or a test driving it.
        private let worker: DeliveryWorker
        private let channel: any DeliveryChannel
        private var pacer: Pacer
        /// The deliveries handed to the pacer and not yet attempted, by id.
        private var held: [String: Delivery] = [:]
        /// With several instances: when each held delivery was claimed (a claim lapses; one
        /// held past half its time is renewed before the attempt, or left to its new holder).
        private var claimedAt: [String: Instant] = [:]

        init(worker: DeliveryWorker, channel: any DeliveryChannel) {
            self.worker = worker
            self.channel = channel
            pacer = Pacer(limits: channel.pacing(worker.pacing))
        }

        func run() async {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let attempted = await sendDue()
                guard attempted == 0 else { continue }
                let now = worker.now()
                let untilPaced = pacer.nextRelease().map { max(5, $0.milliseconds - now.milliseconds) } ?? worker.pollMilliseconds
                do {
                    try await Task.sleep(for: .milliseconds(min(untilPaced, worker.pollMilliseconds)))
                } catch {
                    return
                }
            }
        }

        /// Takes in the deliveries due now and makes one attempt of every one whose pacing
        /// slot has come; returns how many were attempted or dropped.
        @discardableResult
        package func sendDue(limit: Int = 256) async -> Int {
            let now = worker.now()
            do {
                for delivery in try worker.ledger.due(at: now, target: channel.target, limit: limit) {
                    if worker.ledger.claimMilliseconds != nil { claimedAt[delivery.id] = now }  // claimed again, held or not
                    guard held[delivery.id] == nil else { continue }
                    held[delivery.id] = delivery
                    pacer.submit(Pacer.Item(id: delivery.id, pacing: delivery.pacing, due: delivery.nextAttempt,
                                            utcOffsetSeconds: delivery.utcOffsetSeconds))
                }
            } catch {
                worker.logger.error("deliveries: \(error)")
                return 0
            }
            // One call at a time, released the moment it is made: a slow call before it cannot
            // let tokens pile up into a burst.
            var count = 0
            defer { worker.metrics.pacingQueue(pacer.waitingCount, target: channel.target) }
            while !Task.isShuttingDownGracefully, let release = pacer.release(until: worker.now(), limit: 1).first {
                count += 1
                guard let delivery = held.removeValue(forKey: release.item.id) else { continue }
                guard stillClaimed(delivery.id) else { continue }
                switch release.outcome {
                case .dropped(let reason):
                    worker.record(delivery, .reject(reason: reason), channel: channel)
                case .send(let at):
                    worker.metrics.pacingDelay(milliseconds: at.milliseconds - delivery.nextAttempt.milliseconds,
                                               target: channel.target, priority: delivery.pacing.priority)
                    await worker.attempt(delivery, on: channel)
                }
            }
            return count
        }

        /// Whether this instance may attempt a held delivery: always with one process; with
        /// several, when its claim is fresh, or renewed now (false: another instance took it).
        private func stillClaimed(_ id: String) -> Bool {
            guard let claim = worker.ledger.claimMilliseconds else { return true }
            let claimed = claimedAt.removeValue(forKey: id) ?? Instant(milliseconds: 0)
            let now = worker.now()
            guard now.milliseconds - claimed.milliseconds > claim / 2 else { return true }
            do {
                return try worker.ledger.renewClaim(id: id, at: now)
            } catch {
                worker.logger.error("deliveries: \(error)")
                return false
            }
        }
    }

    /// Makes one attempt of every delivery due now on every channel, one lane after the
    /// other; returns how many were attempted (tests).
    @discardableResult
    package func sendDue() async -> Int {
        var attempted = 0
        for channel in channels { attempted += await lane(for: channel).sendDue() }
        return attempted
    }

    fileprivate func attempt(_ delivery: Delivery, on channel: any DeliveryChannel) async {
        let verdict: DeliveryVerdict
        do {
            let request = try channel.request(for: delivery, now: Date())
            let response = try await client.execute(request, timeout: .milliseconds(policy.timeoutMilliseconds))
            let body = try await response.body.collect(upTo: 1 << 20)
            verdict = channel.verdict(for: delivery, status: Int(response.status.code),
                                      retryAfter: response.headers.first(name: "retry-after"), body: Array(buffer: body), now: Date())
        } catch {
            verdict = .retry(reason: "\(error)", retryAfterSeconds: nil)
        }
        record(delivery, verdict, channel: channel)
        if case .reject(let reason) = verdict, let replacement = channel.replacement(for: delivery, reason: reason, at: now()) {
            logger.notice("delivery \(delivery.id) refused; falling back to \(replacement.kind.rawValue) \(replacement.id)")
            await replace(replacement)
        }
    }

    fileprivate func record(_ delivery: Delivery, _ verdict: DeliveryVerdict, channel: any DeliveryChannel) {
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
