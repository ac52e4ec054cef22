import GroupbotCore

/// How fast a bot account may send: token buckets for the account and for each group,
/// a daily cap per group, and the window scheduled posts are spread over. The defaults
/// suit QQ and WeChat-style platforms, which limit (or ban) accounts that post in bursts;
/// docs/adapters.md explains each figure.
package struct PacingLimits: Sendable, Equatable {
    /// Calls a second the account makes, all groups together.
    package var accountPerSecond: Double = 1
    /// Calls the account may make at once after a quiet spell.
    package var accountBurst: Int = 5
    /// Messages a minute posted into one group.
    package var groupPerMinute: Double = 20
    /// Messages one group may get at once after a quiet spell.
    package var groupBurst: Int = 5
    /// Messages one group gets in a local day beyond which messages (not enforcement) are
    /// dropped; 0: no cap.
    package var dailyCapPerGroup: Int = 200
    /// Scheduled posts for many groups spread over this many seconds after their time, each
    /// group at its own fixed offset, so a 09:00 post to 200 groups is not 200 posts at 09:00.
    package var scheduleSpreadSeconds: Int = 300

    /// The defaults.
    package init() {}
}

/// What pacing needs to know of one outgoing call.
package struct PacingClass: Sendable, Equatable, Hashable {
    /// Who goes first when the account's bucket is the bottleneck.
    package enum Priority: Int, Sendable, Comparable, CaseIterable {
        /// Deletes, mutes, removals, join decisions: an ad stays up while it waits.
        case enforcement = 0
        /// Replies, DMs, notices.
        case message = 1
        /// Scheduled posts: nobody is waiting for them.
        case scheduled = 2

        package static func < (left: Priority, right: Priority) -> Bool { left.rawValue < right.rawValue }
    }

    package var priority: Priority
    /// The group the call is about ("" for none).
    package var group: String
    /// Whether it posts a message into `group`: then the group's bucket and daily cap apply.
    package var postsInGroup: Bool

    /// Creates a class.
    package init(priority: Priority, group: String, postsInGroup: Bool) {
        self.priority = priority
        self.group = group
        self.postsInGroup = postsInGroup
    }

    /// The class of the calls that carry out `action`.
    package init(action: Action) {
        switch action.kind {
        case .delete, .mute, .unmute, .kick, .approve, .reject:
            self.init(priority: .enforcement, group: action.group, postsInGroup: false)
        case .send:
            self.init(priority: action.isScheduledPost ? .scheduled : .message, group: action.group, postsInGroup: true)
        case .dm, .notify:
            self.init(priority: action.isScheduledPost ? .scheduled : .message, group: action.group, postsInGroup: false)
        }
    }
}

/// Decides when each outgoing call may go: one implementation for `serve`'s delivery
/// worker (on the wall clock) and `replay --pace` (on the log's clock), so a replay shows
/// the send times a live run would have.
///
/// Each bucket is a GCRA ("generic cell rate algorithm", the token bucket written as one
/// theoretical arrival time): a call may go at `tat - tolerance`, and moves `tat` on by one
/// interval. Among the calls waiting, the one that can go earliest goes; at the same
/// moment the higher priority wins, then the earlier due time, then the order of arrival.
/// Pure and deterministic: same calls, same times.
package struct Pacer: Sendable {
    /// A call waiting to go.
    package struct Item: Sendable, Equatable {
        package var id: String
        package var pacing: PacingClass
        /// When it was due, before pacing (a scheduled post's due time includes its spread).
        package var due: Instant
        /// The UTC offset of the group's local day (for the daily cap).
        package var utcOffsetSeconds: Int

        package init(id: String, pacing: PacingClass, due: Instant, utcOffsetSeconds: Int) {
            self.id = id
            self.pacing = pacing
            self.due = due
            self.utcOffsetSeconds = utcOffsetSeconds
        }
    }

    /// What became of a call.
    package enum Outcome: Sendable, Equatable {
        /// It may go at this time.
        case send(at: Instant)
        /// The group's daily cap was reached: it does not go.
        case dropped(reason: String)
    }

    /// One decision.
    package struct Release: Sendable, Equatable {
        package var item: Item
        package var outcome: Outcome
    }

    package let limits: PacingLimits
    private var waiting: [(sequence: Int, item: Item)] = []
    private var sequence = 0
    private var account: Bucket
    private var groups: [String: Bucket] = [:]
    private var posted: [DayKey: Int] = [:]
    /// When the day counts and idle buckets were last forgotten.
    private var lastPrune = Instant(milliseconds: .min / 2)

    private struct DayKey: Hashable {
        var group: String
        var day: Int
    }

    /// Creates a pacer with empty buckets.
    package init(limits: PacingLimits) {
        self.limits = limits
        account = Bucket(perSecond: limits.accountPerSecond, burst: limits.accountBurst)
    }

    /// Calls waiting for their time.
    package var waitingCount: Int { waiting.count }

    /// Day counts and group buckets held: bounded by the groups of about two days, since the
    /// pacer forgets older ones itself (an hour of its time apart).
    package var heldCounts: Int { posted.count + groups.count }

    /// The spread a scheduled post to `group` gets: a fixed offset in the window, the same on
    /// every run (a hash of the group and the post), so replays agree with live runs.
    package func spread(of item: Item) -> Int64 {
        guard item.pacing.priority == .scheduled, limits.scheduleSpreadSeconds > 0 else { return 0 }
        let hash = StableHash.of(id: item.pacing.group + "\u{0}" + item.id)
        return Int64(hash % UInt64(limits.scheduleSpreadSeconds * 1000))
    }

    /// Adds a call; a scheduled post is moved to its place in the spread window.
    package mutating func submit(_ item: Item) {
        var item = item
        item.due = item.due.adding(milliseconds: spread(of: item))
        waiting.append((sequence, item))
        sequence += 1
    }

    /// The calls whose time has come by `now`, in the order they go. They go *at* `now`:
    /// the buckets take their tokens then, not at the (earlier) time a call became
    /// eligible, so a backlog (after an outage, or calls due in the past) drains at the
    /// configured rate instead of in one burst. A simulation steps through time with
    /// ``releaseStepping(until:)``. A live lane asks for one call at a time (`limit: 1`),
    /// right before making it, so the tokens are taken when the call really starts.
    package mutating func release(until now: Instant, limit: Int = .max) -> [Release] {
        if now.milliseconds - lastPrune.milliseconds >= 3_600_000 { prune(before: now) }
        var released: [Release] = []
        while released.count < limit, let (index, eligible) = nextCandidate(), eligible <= now {
            let at = now
            let item = waiting.remove(at: index).item
            if item.pacing.postsInGroup, limits.dailyCapPerGroup > 0 {
                let key = DayKey(group: item.pacing.group, day: LocalTime(at, utcOffsetSeconds: item.utcOffsetSeconds).dayNumber)
                if posted[key, default: 0] >= limits.dailyCapPerGroup {
                    released.append(Release(item: item, outcome: .dropped(
                        reason: "group \(item.pacing.group) had its \(limits.dailyCapPerGroup) messages of the day (pacing.daily_cap_per_group)")))
                    continue
                }
                posted[key, default: 0] += 1
            }
            account.take(at: at)
            if item.pacing.postsInGroup {
                let fresh = groupBucket()
                groups[item.pacing.group, default: fresh].take(at: at)
            }
            released.append(Release(item: item, outcome: .send(at: at)))
        }
        return released
    }

    /// Every call that can go by `limit`, each at the moment it becomes eligible: the
    /// discrete-event run of ``release(until:)`` that `replay --pace` uses, as if a live
    /// lane looked at exactly the right moments.
    package mutating func releaseStepping(until limit: Instant) -> [Release] {
        var released: [Release] = []
        while let next = nextRelease(), next <= limit { released += release(until: next) }
        return released
    }

    /// When the next call may go, if any waits.
    package func nextRelease() -> Instant? { nextCandidate()?.at }

    /// Forgets the day counts older than yesterday and the buckets that are full again (a
    /// full bucket is the same as a new one): a lane runs for months.
    private mutating func prune(before instant: Instant) {
        lastPrune = instant
        posted = posted.filter { $0.key.day >= LocalTime(instant, utcOffsetSeconds: 0).dayNumber - 1 }
        groups = groups.filter { $0.value.theoreticalArrival > instant }
    }

    private func groupBucket() -> Bucket {
        Bucket(perSecond: limits.groupPerMinute / 60, burst: limits.groupBurst)
    }

    /// The waiting call that can go first, and when.
    private func nextCandidate() -> (index: Int, at: Instant)? {
        let accountReady = account.earliest
        var best: (index: Int, at: Instant, rank: (Int, Int64, Int))?
        for (index, entry) in waiting.enumerated() {
            var at = max(entry.item.due, accountReady)
            if entry.item.pacing.postsInGroup, let bucket = groups[entry.item.pacing.group] { at = max(at, bucket.earliest) }
            let rank = (entry.item.pacing.priority.rawValue, entry.item.due.milliseconds, entry.sequence)
            if let current = best, (current.at, current.rank.0, current.rank.1, current.rank.2) <= (at, rank.0, rank.1, rank.2) { continue }
            best = (index, at, rank)
        }
        return best.map { ($0.index, $0.at) }
    }
}

/// A token bucket as one theoretical arrival time (GCRA).
private struct Bucket: Sendable {
    /// Milliseconds between calls at the sustained rate.
    let interval: Int64
    /// How far ahead of the sustained rate a burst may run.
    let tolerance: Int64
    private(set) var theoreticalArrival = Instant(milliseconds: .min / 2)

    init(perSecond: Double, burst: Int) {
        interval = max(1, Int64((1000 / max(perSecond, 0.0001)).rounded()))
        tolerance = interval * Int64(max(burst, 1) - 1)
    }

    /// The earliest time a call may go.
    var earliest: Instant { theoreticalArrival.adding(milliseconds: -tolerance) }

    /// Takes a token at `instant` (no earlier than ``earliest``).
    mutating func take(at instant: Instant) {
        theoreticalArrival = max(theoreticalArrival, instant).adding(milliseconds: interval)
    }
}
