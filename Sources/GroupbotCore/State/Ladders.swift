/// Escalation ladders: each member's strikes per ladder.
struct Ladders: FlowState {
    /// Per member and ladder, strikes still counting and their history.
    var strikes: [StrikeKey: StrikeRecord] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        strikes = try stored.table("strikes", key: StrikeKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.putTable(strikes, "strikes", key: \.stored)
    }

    /// Keeps the latest 50 strikes of each history (the audit log keeps them all).
    mutating func prune(_ context: PruneContext) {
        for key in strikes.keys where strikes[key]!.history.count > 50 {
            strikes[key]!.history.removeFirst(strikes[key]!.history.count - 50)
        }
    }

    /// Adds a strike; returns the member's count on the ladder as the ladder counts.
    mutating func strike(_ key: StrikeKey, _ entry: StrikeEntry, counting: Ladder.Counting) -> Int {
        // Changed in place: a copy of the record would copy its whole history on every strike.
        strikes[key, default: StrikeRecord(count: 0, last: entry.time, history: [])].add(entry, counting: counting)
    }

    /// The count a strike at `time` would give, without giving it (shadow rules).
    func count(after key: StrikeKey, at time: Instant, counting: Ladder.Counting) -> Int {
        strikes[key]?.count(adding: time, counting: counting) ?? 1
    }

    /// Forgets every strike of `user`; returns how many each rule had given.
    mutating func pardon(_ user: String) -> (rules: [String], perRule: [String: Int], count: Int) {
        let keys = strikes.keys.filter { $0.user == user }.sorted()
        var rules: [String] = []
        var perRule: [String: Int] = [:]
        var count = 0
        for key in keys {
            for entry in strikes.removeValue(forKey: key)!.history {
                if perRule[entry.rule] == nil { rules.append(entry.rule) }
                perRule[entry.rule, default: 0] += 1
                count += 1
            }
        }
        return (rules, perRule, count)
    }
}

/// A member's strikes on one ladder.
struct StrikeRecord: Codable, Sendable {
    var count: Int
    var last: Instant
    /// The most recent strikes, oldest first: trimmed to the last ``historyLimit`` when they
    /// pass one and a half times as many (the audit log in the state file keeps them all).
    var history: [StrikeEntry]

    static let historyLimit = 100

    /// Counts a strike and returns the new count: after `decay` without a strike the count
    /// starts again; with a `window`, it is the strikes of the window ending now.
    mutating func add(_ entry: StrikeEntry, counting: Ladder.Counting) -> Int {
        count = count(adding: entry.time, counting: counting)
        last = entry.time
        history.append(entry)
        if history.count > Self.historyLimit + Self.historyLimit / 2 { history.removeFirst(history.count - Self.historyLimit) }
        return count
    }

    /// The count a strike at `time` gives. A window counts the history kept (at least the
    /// latest 50 strikes: more than any ladder has steps).
    func count(adding time: Instant, counting: Ladder.Counting) -> Int {
        switch counting {
        case .decay(let seconds):
            return count > 0 && time.milliseconds - last.milliseconds >= seconds * 1000 ? 1 : count + 1
        case .window(let seconds):
            let since = time.milliseconds - seconds * 1000
            return history.reversed().prefix { $0.time.milliseconds > since }.count + 1
        }
    }
}
