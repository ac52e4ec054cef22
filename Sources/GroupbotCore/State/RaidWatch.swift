/// What raid mode remembers: per scope (a group, or a whole type), the recent joins and
/// newcomers' first messages it counts, and whether the scope is raided now.
struct RaidWatch: FlowState {
    /// One scope's counts and mode.
    struct Scope: Codable, Sendable, Equatable {
        /// Recent counted joins and first messages, oldest first (at most the threshold each).
        var joins: [Sighting] = []
        var firstMessages: [Sighting] = []
        /// Set while raided: when it started, and the group whose counts started it.
        var since: Instant?
        var startedIn: String?
        /// The last counted event: raid mode ends `calm` after it.
        var lastCounted: Instant?
    }

    /// Who joined or spoke first, where and when.
    struct Sighting: Codable, Sendable, Equatable {
        var time: Instant
        var group: String
        var user: String
    }

    private(set) var scopes: [String: Scope] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        scopes = try stored.value("raids", or: [:])
        raidedScopes = scopes.values.filter { $0.since != nil }.count
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(scopes, "raids")
    }

    mutating func prune(_ context: PruneContext) {
        // A calm scope's counts are older than any window of a day.
        scopes = scopes.filter { _, scope in
            scope.since != nil || (scope.lastCounted.map { context.now.milliseconds - $0.milliseconds < PruneContext.day } ?? false)
        }
    }

    /// The key of the scope `group` counts in.
    static func key(group: String, type: String, mode: RaidMode) -> String {
        mode.acrossType ? "type:" + type : group
    }

    /// How many scopes are raided now: while none is, `in_raid` costs no look-up.
    private(set) var raidedScopes = 0

    func isRaided(_ key: String) -> Bool { raidedScopes > 0 && scopes[key]?.since != nil }

    /// Counts one join or first message; when it brings the count within the window to the
    /// mode's threshold for that kind and the scope was calm, the scope is raided from now and
    /// the sightings in the window (this one included) are returned.
    mutating func count(firstMessage: Bool, _ event: Event, key: String, mode: RaidMode) -> [Sighting]? {
        guard let limit = firstMessage ? mode.firstMessages : mode.joins else { return nil }
        let time = event.time
        var scope = scopes[key] ?? Scope()
        let oldest = time.milliseconds - mode.windowSeconds * 1000
        func add(_ list: inout [Sighting]) -> [Sighting] {
            list.append(Sighting(time: time, group: event.group, user: event.user))
            list.removeAll { $0.time.milliseconds <= oldest }
            if list.count > mode.threshold { list.removeFirst(list.count - mode.threshold) }
            return list
        }
        let window = firstMessage ? add(&scope.firstMessages) : add(&scope.joins)
        scope.lastCounted = time
        var started: [Sighting]?
        if scope.since == nil, window.count >= limit {
            scope.since = time
            scope.startedIn = event.group
            raidedScopes += 1
            started = window
        }
        scopes[key] = scope
        return started
    }

    /// Forgets a scope, raided or not.
    mutating func forget(_ key: String) {
        if scopes.removeValue(forKey: key)?.since != nil { raidedScopes -= 1 }
    }

    /// Ends raid mode in `key` when nothing was counted for `calm` seconds before `now`.
    /// Returns the group it started in when it ended; otherwise when to look again.
    mutating func endIfCalm(_ key: String, now: Instant, calmSeconds: Int64) -> (ended: String?, recheck: Instant?) {
        guard var scope = scopes[key], scope.since != nil else { return (nil, nil) }
        let calmAt = (scope.lastCounted ?? now).adding(seconds: calmSeconds)
        guard calmAt <= now else { return (nil, calmAt) }
        let group = scope.startedIn
        raidedScopes -= 1
        scope.since = nil
        scope.startedIn = nil
        scope.joins = []
        scope.firstMessages = []
        scopes[key] = scope
        return (group ?? "", nil)
    }
}
