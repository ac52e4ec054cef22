/// Everything an engine remembers, as one value: timers, cooldowns, the groups seen,
/// schedules' progress, and one state per flow. The engine owns one; a snapshot is a
/// copy of it (the collections are shared copy-on-write until the engine changes
/// them), and restoring is an assignment.
///
/// The rules are not part of it: after a restore the groups are pointed at the rule
/// book loaded now (``GroupDirectory/rebind(to:)``).
struct EngineState: Sendable, Codable {
    var timers = TimerBook()
    var cooldowns = Cooldowns()
    var groups = GroupDirectory()
    var schedules = ScheduleState()

    // The flows' states, each filed under typed keys of its own.
    var members = Memberships()
    var trust = AdminTrust()
    var recentTexts = RecentTexts()
    var adSlots = AdSlotUse()
    var ladders = Ladders()
    var welcome = WelcomeState()
    var nickname = NicknameWatches()
    var activity = GroupActivity()
    var rotations = Rotations()
    var quiet = QuietGroups()
    var newcomers = Newcomers()
    var raids = RaidWatch()
    var bans = BanLists()
    var spam = SpamLearning()
    var nearDuplicates = NearDuplicates()

    /// Every flow's state, for the snapshot coding and pruning written once for all.
    /// A new flow adds its stored property above and one line here.
    static var flows: [any FlowSlot] {
        [Slot(\.members), Slot(\.trust), Slot(\.recentTexts), Slot(\.adSlots), Slot(\.ladders), Slot(\.welcome),
         Slot(\.nickname), Slot(\.activity), Slot(\.rotations), Slot(\.quiet), Slot(\.newcomers),
         Slot(\.raids), Slot(\.bans), Slot(\.spam), Slot(\.nearDuplicates)]
    }

    init() {}

    /// Forgets what can no longer matter, so a process running for months stays small:
    /// expired cooldowns, finished flow bookkeeping, old counts.
    mutating func prune(now: Instant) {
        cooldowns.prune(now: now)
        let live = timers.live
        let context = PruneContext(now: now, isLive: { live.contains($0) })
        for flow in Self.flows { flow.prune(&self, context) }
    }
}

extension EngineState {
    /// The keys of a snapshot: the engine's own at the top (with the snapshot's `version`),
    /// the flows' inside `community`.
    enum StoredKey: String, CodingKey {
        case version, timers, nextToken, liveTokens, cancelledTokens, pendingActions, cooldowns, groups
        case schedulesStarted, scheduleGeneration, community
    }

    init(from decoder: any Decoder) throws {
        try self.init(from: decoder.container(keyedBy: StoredKey.self))
    }

    func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: StoredKey.self)
        try encode(to: &values)
    }

    init(from values: KeyedDecodingContainer<StoredKey>) throws {
        timers.queue = try values.decode(TimerQueue<TimerBook.Pending>.self, forKey: .timers)
        timers.nextToken = try values.decode(UInt64.self, forKey: .nextToken)
        timers.live = try values.decode(Set<UInt64>.self, forKey: .liveTokens)
        timers.cancelled = try values.decode(Set<UInt64>.self, forKey: .cancelledTokens)
        timers.pendingActions = try values.decode(Int.self, forKey: .pendingActions)
        cooldowns = Cooldowns(stored: try values.decode([Cooldowns.StoredCooldown].self, forKey: .cooldowns))
        groups = GroupDirectory(stored: try values.decode([GroupDirectory.StoredGroup].self, forKey: .groups))
        schedules.started = try values.decode(Bool.self, forKey: .schedulesStarted)
        schedules.generation = try values.decode(Int.self, forKey: .scheduleGeneration)
        let community = try values.nestedContainer(keyedBy: FlowKey.self, forKey: .community)
        for flow in Self.flows { try flow.decode(community, into: &self) }
    }

    func encode(to values: inout KeyedEncodingContainer<StoredKey>) throws {
        try values.encode(timers.queue, forKey: .timers)
        try values.encode(timers.nextToken, forKey: .nextToken)
        try values.encode(timers.live.sorted(), forKey: .liveTokens)
        try values.encode(timers.cancelled.sorted(), forKey: .cancelledTokens)
        try values.encode(timers.pendingActions, forKey: .pendingActions)
        try values.encode(cooldowns.stored, forKey: .cooldowns)
        try values.encode(groups.stored, forKey: .groups)
        try values.encode(schedules.started, forKey: .schedulesStarted)
        try values.encode(schedules.generation, forKey: .scheduleGeneration)
        var community = values.nestedContainer(keyedBy: FlowKey.self, forKey: .community)
        for flow in Self.flows { try flow.encode(self, to: &community) }
    }
}
