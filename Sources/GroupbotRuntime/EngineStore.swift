import GroupbotCore

/// One unit of work the engine did, as a durable store keeps it: an event (or,
/// on the wall clock, a firing of due timers) and the actions it produced.
package struct JournalEntry: Sendable {
    /// The event; nil for a firing of timers with no event.
    package var event: Event?
    /// The engine's clock when the work was done.
    package var time: Instant
    /// The actions it produced, in order.
    package var actions: [Action]
    /// The group type the event's group maps to (for the group registry).
    package var groupType: String?
    /// The UTC offset of that group type's time zone at the event's time: the daily
    /// figures count the event's group in this local day (nil: the event's own offset).
    package var typeUTCOffsetSeconds: Int?

    /// Creates an entry.
    package init(event: Event?, time: Instant, actions: [Action], groupType: String? = nil, typeUTCOffsetSeconds: Int? = nil) {
        self.event = event
        self.time = time
        self.actions = actions
        self.groupType = groupType
        self.typeUTCOffsetSeconds = typeUTCOffsetSeconds
    }
}

/// What a store hands back after a restart: the last snapshot, the work done
/// after it (to run again, silently), and actions committed but never emitted.
package struct Recovery {
    package var snapshot: EngineSnapshot?
    package var tail: [JournalEntry]
    package var unemitted: [Action]

    /// Creates a recovery.
    package init(snapshot: EngineSnapshot?, tail: [JournalEntry], unemitted: [Action]) {
        self.snapshot = snapshot
        self.tail = tail
        self.unemitted = unemitted
    }
}

/// Where the engine's work is kept so a restart loses nothing.
///
/// The protocol is an outbox: a batch of journal entries and their actions is
/// committed first, then the actions are emitted, then marked as emitted. After
/// a crash, actions committed but not marked are emitted again (at most once
/// more, with the same ids), and the journal since the last snapshot is run
/// again to rebuild the state.
package protocol EngineStore: AnyObject {
    /// What the last process left, or nil for a new store.
    func recover() throws -> Recovery?
    /// Whether an event whose id has this ``StableHash/of(id:)`` was already processed.
    func contains(eventIDHash: UInt64) throws -> Bool
    /// Commits entries and their actions (not yet emitted), atomically.
    func commit(_ entries: [JournalEntry]) throws
    /// Marks every committed action as emitted.
    func markEmitted() throws
    /// The position of the last committed batch's actions: increasing, opaque, 0 for a
    /// store that keeps no actions. With ``markEmitted(through:)``, an owner that hands
    /// actions on at different times marks only those it has handed on.
    var committedMark: Int64 { get }
    /// Marks the actions committed up to `mark` (a ``committedMark``) as emitted; the
    /// mark never moves back.
    func markEmitted(through mark: Int64) throws
    /// Saves a snapshot covering everything committed so far; older journal entries may go.
    func save(_ snapshot: EngineSnapshot) throws
    /// Work run again during recovery (with the actions it produced again), for stores
    /// that keep figures between snapshots.
    func recount(_ entries: [JournalEntry])
    /// At shutdown: waits for work the store does in the background (snapshots, log
    /// checkpoints) and leaves its files tidy.
    func close() throws
}

extension EngineStore {
    package func recount(_ entries: [JournalEntry]) {}

    package func close() throws {}

    package var committedMark: Int64 { 0 }

    package func markEmitted(through mark: Int64) throws { try markEmitted() }

    /// Whether an event with this id was already processed.
    package func contains(eventID: String) throws -> Bool {
        try contains(eventIDHash: StableHash.of(id: eventID))
    }
}

/// A store that decides by itself when a snapshot is worth taking.
package protocol SnapshotPolicy {
    /// Whether enough work was committed since the last snapshot.
    var wantsSnapshot: Bool { get }
}
