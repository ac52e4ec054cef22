/// Everything an engine remembers, as one value that can be saved and loaded:
/// timers (delayed actions, welcome windows, schedules), cooldowns, the groups
/// seen, and the community flows' state (strikes, memberships, quotas…).
///
/// A durable store encodes snapshots (it owns the I/O and the encoding); the
/// rules themselves are not part of a snapshot.
public struct EngineSnapshot: Codable {
    /// Bumped when the layout changes; a store refuses snapshots from a newer version.
    public static let currentVersion = 1

    public var version: Int
    var timers: TimerQueue<Engine.Pending>
    var nextToken: UInt64
    var liveTokens: Set<UInt64>
    var cancelledTokens: Set<UInt64>
    var pendingActions: Int
    /// Taken as the engine's table (copy-on-write, so taking it costs nothing); written
    /// as a list sorted by key, so the same state always gives the same bytes.
    var cooldownTable: [Engine.CooldownKey: Instant]
    var groups: [GroupRecord]
    var schedulesStarted: Bool
    var scheduleGeneration: Int
    var community: CommunityState

    struct Cooldown: Codable {
        var key: Engine.CooldownKey
        var until: Instant
    }

    private enum CodingKeys: String, CodingKey {
        case version, timers, nextToken, liveTokens, cancelledTokens, pendingActions, cooldowns, groups
        case schedulesStarted, scheduleGeneration, community
    }

    init(version: Int, timers: TimerQueue<Engine.Pending>, nextToken: UInt64, liveTokens: Set<UInt64>,
         cancelledTokens: Set<UInt64>, pendingActions: Int, cooldownTable: [Engine.CooldownKey: Instant],
         groups: [GroupRecord], schedulesStarted: Bool, scheduleGeneration: Int, community: CommunityState) {
        self.version = version
        self.timers = timers
        self.nextToken = nextToken
        self.liveTokens = liveTokens
        self.cancelledTokens = cancelledTokens
        self.pendingActions = pendingActions
        self.cooldownTable = cooldownTable
        self.groups = groups
        self.schedulesStarted = schedulesStarted
        self.scheduleGeneration = scheduleGeneration
        self.community = community
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        version = try values.decode(Int.self, forKey: .version)
        timers = try values.decode(TimerQueue<Engine.Pending>.self, forKey: .timers)
        nextToken = try values.decode(UInt64.self, forKey: .nextToken)
        liveTokens = try values.decode(Set<UInt64>.self, forKey: .liveTokens)
        cancelledTokens = try values.decode(Set<UInt64>.self, forKey: .cancelledTokens)
        pendingActions = try values.decode(Int.self, forKey: .pendingActions)
        let cooldowns = try values.decode([Cooldown].self, forKey: .cooldowns)
        cooldownTable = Dictionary(cooldowns.map { ($0.key, $0.until) }, uniquingKeysWith: { $1 })
        groups = try values.decode([GroupRecord].self, forKey: .groups)
        schedulesStarted = try values.decode(Bool.self, forKey: .schedulesStarted)
        scheduleGeneration = try values.decode(Int.self, forKey: .scheduleGeneration)
        community = try values.decode(CommunityState.self, forKey: .community)
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(version, forKey: .version)
        try values.encode(timers, forKey: .timers)
        try values.encode(nextToken, forKey: .nextToken)
        try values.encode(liveTokens.sorted(), forKey: .liveTokens)
        try values.encode(cancelledTokens.sorted(), forKey: .cancelledTokens)
        try values.encode(pendingActions, forKey: .pendingActions)
        let cooldowns = cooldownTable.map { Cooldown(key: $0.key, until: $0.value) }.sorted {
            ($0.key.type, $0.key.rule, $0.key.group, $0.key.user ?? "") < ($1.key.type, $1.key.rule, $1.key.group, $1.key.user ?? "")
        }
        try values.encode(cooldowns, forKey: .cooldowns)
        try values.encode(groups, forKey: .groups)
        try values.encode(schedulesStarted, forKey: .schedulesStarted)
        try values.encode(scheduleGeneration, forKey: .scheduleGeneration)
        try values.encode(community, forKey: .community)
    }

    struct GroupRecord: Codable {
        var id: String
        var name: String?
        var type: String
    }
}

extension Engine {
    /// The engine's state now: a value of its own (its collections are shared copy-on-write
    /// until the engine changes them), so it can be encoded on another thread.
    public func snapshot() -> EngineSnapshot {
        EngineSnapshot(
            version: EngineSnapshot.currentVersion, timers: timers, nextToken: nextToken, liveTokens: liveTokens,
            cancelledTokens: cancelledTokens, pendingActions: pendingActions,
            cooldownTable: cooldownUntil,
            groups: groups.map { .init(id: $0.key, name: $0.value.name, type: $0.value.typeName) }.sorted { $0.id < $1.id },
            schedulesStarted: schedulesStarted, scheduleGeneration: scheduleGeneration, community: community.copy())
    }

    /// Takes over a saved state. Groups are mapped with the current rules; schedules
    /// of rules that changed meanwhile restart from the clock's now.
    public func restore(_ snapshot: EngineSnapshot) {
        timers = snapshot.timers
        nextToken = snapshot.nextToken
        liveTokens = snapshot.liveTokens
        cancelledTokens = snapshot.cancelledTokens
        pendingActions = snapshot.pendingActions
        cooldownUntil = snapshot.cooldownTable
        groups = [:]
        groupsOfType = [:]
        for record in snapshot.groups {
            groups[record.id] = (record.name, record.type, book.types[record.type])
            groupsOfType[record.type, default: []].insert(record.id)
        }
        // Schedule timers point at rules by position, which the current rules may have moved:
        // drop them (a new generation) and start the schedules again from now.
        scheduleGeneration = snapshot.scheduleGeneration + 1
        schedulesStarted = false
        community.replace(with: snapshot.community)
    }
}
