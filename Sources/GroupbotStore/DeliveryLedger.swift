import GroupbotCore
import GroupbotRuntime
import Synchronization

/// One outbound HTTP call waiting to be made (or given up on): a signed callback
/// carrying actions, or a call of a platform's API.
package struct Delivery: Sendable, Equatable {
    /// Unique and stable: the same work always gets the same id, so enqueueing it twice
    /// keeps one copy and the receiver can drop repeats (it is the `webhook-id`).
    package var id: String
    /// Which outbound channel carries it (`callback`, `onebot`, …).
    package var target: String
    /// Where on that channel it goes: a URL path or an API name.
    package var endpoint: String
    /// The request body, exactly as it is sent (and signed).
    package var body: [UInt8]
    /// Attempts made so far.
    package var attempts: Int
    /// When the next attempt is due.
    package var nextAttempt: Instant
    /// Why the last attempt failed.
    package var lastError: String?
    /// Whether it was given up on (the dead-letter list).
    package var dead: Bool
    /// When it was first enqueued.
    package var created: Instant
    /// What pacing needs to know of it (priority, group, whether it posts in the group).
    package var pacing: PacingClass
    /// The UTC offset of its group's local day (the daily cap counts local days).
    package var utcOffsetSeconds: Int

    /// Creates a delivery that has not been tried yet.
    package init(id: String, target: String, endpoint: String, body: [UInt8], created: Instant,
                 pacing: PacingClass = PacingClass(priority: .message, group: "", postsInGroup: false), utcOffsetSeconds: Int = 0) {
        self.id = id
        self.target = target
        self.endpoint = endpoint
        self.body = body
        self.attempts = 0
        self.nextAttempt = created
        self.lastError = nil
        self.dead = false
        self.created = created
        self.pacing = pacing
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}

/// Where pending and dead deliveries are kept. Safe to use from any thread.
package protocol DeliveryLedger: Sendable {
    /// Adds deliveries; one whose id is already known is left as it is.
    func enqueue(_ deliveries: [Delivery]) throws
    /// Pending deliveries due at or before `now`, oldest first; only `target`'s when given
    /// (each channel is a lane of its own: a slow callback never holds up OneBot calls), and
    /// then by pacing priority first, so enforcement is seen behind a backlog of posts.
    func due(at now: Instant, target: String?, limit: Int) throws -> [Delivery]
    /// When the earliest pending delivery is due, if any.
    func nextDue() throws -> Instant?
    /// Forgets a delivery that went through.
    func complete(id: String) throws
    /// Records a failed attempt: retried at `retryAt`, or dead when that is nil.
    func fail(id: String, error: String, retryAt: Instant?) throws
    /// The dead-letter list, oldest first.
    func deadLetters() throws -> [Delivery]
    /// Makes dead deliveries pending again, due at `now` with their attempts reset
    /// (all of them, or those whose id is listed). Returns how many.
    func revive(ids: [String]?, at now: Instant) throws -> Int
    /// How many deliveries are pending and how many are dead.
    func counts() throws -> (pending: Int, dead: Int)
    /// With several instances, how long a delivery ``due(at:target:limit:)`` hands out stays
    /// claimed by this instance; nil: one process, no claims.
    var claimMilliseconds: Int64? { get }
    /// Renews this instance's claim on a delivery it holds; false when the claim lapsed and
    /// another instance took it (then this one must not send it).
    func renewClaim(id: String, at now: Instant) throws -> Bool
}

extension DeliveryLedger {
    package var claimMilliseconds: Int64? { nil }

    package func renewClaim(id: String, at now: Instant) throws -> Bool { true }
}

/// Deliveries kept in memory (`--state memory`, tests): lost on restart.
package final class MemoryDeliveryLedger: DeliveryLedger {
    private let deliveries = Mutex<[String: Delivery]>([:])

    /// Creates an empty ledger.
    package init() {}

    package func enqueue(_ new: [Delivery]) {
        deliveries.withLock { all in
            for delivery in new where all[delivery.id] == nil { all[delivery.id] = delivery }
        }
    }

    package func due(at now: Instant, target: String?, limit: Int) -> [Delivery] {
        deliveries.withLock { all in
            let due = all.values.filter { !$0.dead && $0.nextAttempt <= now && (target == nil || $0.target == target) }
            guard target != nil else { return Array(due.sorted(by: Self.order).prefix(limit)) }
            return Array(due.sorted { ($0.pacing.priority.rawValue, $0.nextAttempt, $0.created, $0.id)
                < ($1.pacing.priority.rawValue, $1.nextAttempt, $1.created, $1.id) }.prefix(limit))
        }
    }

    package func nextDue() -> Instant? {
        deliveries.withLock { all in all.values.filter { !$0.dead }.map(\.nextAttempt).min() }
    }

    package func complete(id: String) {
        _ = deliveries.withLock { $0.removeValue(forKey: id) }
    }

    package func fail(id: String, error: String, retryAt: Instant?) {
        deliveries.withLock { all in
            guard var delivery = all[id] else { return }
            delivery.attempts += 1
            delivery.lastError = error
            if let retryAt { delivery.nextAttempt = retryAt } else { delivery.dead = true }
            all[id] = delivery
        }
    }

    package func deadLetters() -> [Delivery] {
        deliveries.withLock { all in all.values.filter(\.dead).sorted(by: Self.order) }
    }

    package func revive(ids: [String]?, at now: Instant) -> Int {
        deliveries.withLock { all in
            var revived = 0
            for (id, var delivery) in all where delivery.dead && (ids?.contains(id) ?? true) {
                delivery.dead = false
                delivery.attempts = 0
                delivery.nextAttempt = now
                all[id] = delivery
                revived += 1
            }
            return revived
        }
    }

    package func counts() -> (pending: Int, dead: Int) {
        deliveries.withLock { all in
            let dead = all.values.count(where: \.dead)
            return (all.count - dead, dead)
        }
    }

    private static func order(_ left: Delivery, _ right: Delivery) -> Bool {
        (left.nextAttempt, left.created, left.id) < (right.nextAttempt, right.created, right.id)
    }
}
