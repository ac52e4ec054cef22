/// The nickname template's reminders running per member.
struct NicknameWatches: FlowState {
    var watches: [MemberKey: NicknameWatch] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        watches = try stored.table("nicknameWatches", key: MemberKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.putTable(watches, "nicknameWatches", key: \.stored)
    }

    /// A watch is kept while a reminder waits, and for 30 days after its cause.
    mutating func prune(_ context: PruneContext) {
        watches = watches.filter { _, watch in
            watch.tokens.contains(where: context.isLive)
                || context.now.milliseconds - watch.cause.time.milliseconds < 30 * PruneContext.day
        }
    }
}

/// A member whose nickname does not fit: since when, and the reminders still pending.
struct NicknameWatch: Codable, Sendable {
    /// The join or rename that started the reminders (their deadlines count from it).
    var cause: Event
    var tokens: [UInt64]
}
