/// Which committed actions may be marked as emitted, for a server whose requests hand
/// their actions on at different times.
///
/// Each piece of work (a request, a tick, the recovery) is opened before it runs and
/// settled once its actions are out of the engine's hands. Its actions land in outbox
/// rows after the store's mark at the time it opened, so everything before the oldest
/// unsettled work's first possible row is out of hand. Such a mark is applied only
/// `settleDelay` later: a response handed to the network stack is not yet on the wire
/// (a `kill -9` right after it loses what the process still buffered), and a delivery
/// that comes twice is better than one that never comes.
struct EmittedMarks {
    let settleDelay: Duration
    private var nextID: UInt64 = 0
    /// Per open work, the first outbox row its actions can be in.
    private var firstRows: [UInt64: Int64] = [:]
    /// Marks that became safe, with when, oldest first.
    private var pending: [(mark: Int64, at: ContinuousClock.Instant)] = []

    init(settleDelay: Duration) {
        self.settleDelay = settleDelay
    }

    /// Opens work whose actions will be committed after `committedMark`; `firstRow`
    /// overrides it (the recovery's actions are already in the outbox).
    mutating func open(committedMark: Int64, firstRow: Int64? = nil) -> HandOff {
        nextID += 1
        firstRows[nextID] = firstRow ?? committedMark + 1
        return HandOff(id: nextID)
    }

    /// Settles `work`; returns the mark to apply now, if one's delay has passed.
    mutating func settle(_ work: HandOff, committedMark: Int64, now: ContinuousClock.Instant) -> Int64? {
        firstRows[work.id] = nil
        let safe = min(firstRows.values.min().map { $0 - 1 } ?? committedMark, committedMark)
        if safe > (pending.last?.mark ?? .min) { pending.append((safe, now)) }
        return due(now: now)
    }

    /// The newest mark whose delay has passed, dropping it and those before it.
    mutating func due(now: ContinuousClock.Instant) -> Int64? {
        guard let index = pending.lastIndex(where: { now - $0.at >= settleDelay }) else { return nil }
        let mark = pending[index].mark
        pending.removeFirst(index + 1)
        return mark
    }

    /// The newest safe mark, whatever its delay (at shutdown, once the server has
    /// written its last response).
    mutating func all() -> Int64? {
        defer { pending.removeAll() }
        return pending.last?.mark
    }
}

/// One piece of `serve`'s work (a request, a tick, the recovery) whose actions are not
/// yet out of the engine's hands: give it back to ``EngineHost/handedOff(_:)`` once
/// they are (the response written, or the deliveries in the ledger).
package struct HandOff: Sendable, Hashable {
    let id: UInt64
}
