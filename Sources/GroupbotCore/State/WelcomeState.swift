/// The welcome script's pending work: the open batch per group, the posted welcomes
/// whose later group steps still wait, and each newcomer's delayed steps.
struct WelcomeState: FlowState {
    /// The open welcome batch per group.
    var batches: [String: WelcomeBatch] = [:]
    /// Per group, welcomed batches whose group steps are still pending.
    var welcomed: [String: [WelcomedBatch]] = [:]
    /// Per member, delayed welcome steps addressed to them.
    var tokens: [MemberKey: [UInt64]] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        batches = try stored.value("welcomeBatches", or: [:])
        welcomed = try stored.value("welcomedBatches", or: [:])
        tokens = try stored.table("welcomeTokens", key: MemberKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(batches, "welcomeBatches")
        try stored.put(welcomed, "welcomedBatches")
        try stored.putTable(tokens, "welcomeTokens", key: \.stored)
    }

    /// Forgets steps that fired or were cancelled.
    mutating func prune(_ context: PruneContext) {
        tokens = tokens.compactMapValues { tokens in
            let live = tokens.filter(context.isLive)
            return live.isEmpty ? nil : live
        }
        welcomed = welcomed.compactMapValues { batches in
            let live = batches.filter { $0.tokens.contains(where: context.isLive) }
            return live.isEmpty ? nil : live
        }
    }
}

/// A member waiting in a welcome batch.
struct Newcomer: Codable, Sendable {
    var user: String
    var nick: String
    var event: Event
}

/// Joins waiting for their combined welcome.
struct WelcomeBatch: Codable, Sendable {
    var members: [Newcomer]
}

/// A welcome already posted whose later group steps are still pending.
struct WelcomedBatch: Codable, Sendable {
    var members: Set<String>
    var tokens: [UInt64]
}
