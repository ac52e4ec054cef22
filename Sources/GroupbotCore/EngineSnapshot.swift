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
    var cooldowns: [Cooldown]
    var groups: [GroupRecord]
    var schedulesStarted: Bool
    var scheduleGeneration: Int
    var community: CommunityState

    struct Cooldown: Codable {
        var key: Engine.CooldownKey
        var until: Instant
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
            cooldowns: cooldownUntil.map { .init(key: $0.key, until: $0.value) }.sorted { "\($0.key)" < "\($1.key)" },
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
        cooldownUntil = Dictionary(snapshot.cooldowns.map { ($0.key, $0.until) }, uniquingKeysWith: { $1 })
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
