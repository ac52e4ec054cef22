/// Everything waiting for its time, and the tokens that let a flow cancel a delayed action.
struct TimerBook: Sendable {
    /// Something waiting on the timer queue.
    enum Pending: Codable, Sendable {
        /// A delayed action; its token lets a flow cancel it.
        case action(Action, token: UInt64)
        /// The next occurrence of a schedule rule (of the rules as loaded in `generation`).
        case schedule(type: String, rule: Int, generation: Int)
        /// The end of a welcome batching window in a group.
        case welcomeBatch(group: String)
        /// The daily quiet-stage check of a group type.
        case quietCheck(type: String, generation: Int)
        /// Whether a raided scope (``RaidWatch``) of a group type has calmed down.
        case raidCalm(scope: String, type: String)
    }

    var queue = TimerQueue<Pending>()
    var nextToken: UInt64 = 0
    /// Tokens of delayed actions still waiting, and of those cancelled before they were due.
    var live: Set<UInt64> = []
    var cancelled: Set<UInt64> = []
    /// The number of delayed actions waiting (schedules and flow timers not counted).
    var pendingActions = 0

    /// Puts a delayed action on the queue; returns its cancellation token.
    mutating func schedule(_ action: Action) -> UInt64 {
        nextToken += 1
        queue.schedule(.action(action, token: nextToken), at: action.due)
        live.insert(nextToken)
        pendingActions += 1
        return nextToken
    }

    /// Cancels delayed actions that have not fired yet.
    mutating func cancel(_ tokens: [UInt64]) {
        for token in tokens where live.remove(token) != nil {
            cancelled.insert(token)
            pendingActions -= 1
        }
    }

    /// The earliest timer due at or before `now`; a cancelled action is skipped.
    mutating func popDue(at now: Instant) -> (due: Instant, payload: Pending)? {
        while let (due, pending) = queue.popDue(at: now) {
            if case .action(_, let token) = pending {
                if cancelled.remove(token) != nil { continue }
                live.remove(token)
                pendingActions -= 1
            }
            return (due, pending)
        }
        return nil
    }
}

/// Cooldowns, kept by rule id so they survive a reload of the rules.
struct Cooldowns: Sendable {
    struct Key: Hashable, Codable, Sendable {
        let type: String
        let rule: String
        let group: String
        let user: String?
    }

    var until: [Key: Instant] = [:]

    /// Written as a list sorted by key, so the same state always gives the same bytes.
    var stored: [StoredCooldown] {
        until.map { StoredCooldown(key: $0.key, until: $0.value) }.sorted {
            ($0.key.type, $0.key.rule, $0.key.group, $0.key.user ?? "") < ($1.key.type, $1.key.rule, $1.key.group, $1.key.user ?? "")
        }
    }

    init() {}

    init(stored: [StoredCooldown]) {
        until = Dictionary(stored.map { ($0.key, $0.until) }, uniquingKeysWith: { $1 })
    }

    mutating func prune(now: Instant) {
        until = until.filter { $0.value > now }
    }

    struct StoredCooldown: Codable {
        var key: Key
        var until: Instant
    }
}

/// Schedules run from a start made once per rule book; a reload or a restore starts a
/// new generation, and timers of an older one are dropped when they come due.
struct ScheduleState: Sendable {
    var started = false
    var generation = 0
}
