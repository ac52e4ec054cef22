/// Members whose join groupbot saw, for the newcomer conditions (`first_messages`,
/// `joined_within`, `invited`): when they joined, whether someone invited them, and how
/// many messages they have sent in the group since. A member whose join was not seen is
/// no newcomer. Kept only while a rule uses these conditions (`RuleBook.watchesNewcomers`),
/// and for 30 days after a join: spammers act in their first hours, and a month bounds
/// the memory by the joins of a month.
struct Newcomers: FlowState {
    struct Record: Codable, Sendable, Equatable {
        var joined: Instant
        var invited: Bool
        var messages: Int
    }

    var records: [MemberKey: Record] = [:]

    static let keptMilliseconds: Int64 = 30 * PruneContext.day

    init() {}

    init(from stored: StoredFlows) throws {
        records = try stored.table("newcomers", key: MemberKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.putTable(records, "newcomers", key: \.stored)
    }

    mutating func prune(_ context: PruneContext) {
        records = records.filter { context.now.milliseconds - $0.value.joined.milliseconds < Self.keptMilliseconds }
    }

    mutating func recordJoin(_ event: Event) {
        records[MemberKey(event)] = Record(joined: event.time, invited: event.inviter != nil, messages: 0)
    }

    /// Counts a message of a newcomer (nothing for others: one look-up).
    mutating func recordMessage(_ event: Event) {
        let key = MemberKey(event)
        if records[key] != nil { records[key]!.messages += 1 }
    }

    mutating func recordLeave(_ event: Event) {
        records[MemberKey(event)] = nil
    }
}
