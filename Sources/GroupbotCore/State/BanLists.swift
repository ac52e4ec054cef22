/// The shared ban lists (``BanListSettings``): per list, the banned users, each with where,
/// when and why, and the text that was the evidence. Kept until an admin lifts the ban.
struct BanLists: FlowState {
    struct Ban: Codable, Sendable, Equatable {
        var since: Instant
        var group: String
        /// The rule that removed them, or `admin-ban`.
        var rule: String
        var reason: String
        /// The message that led to the ban (empty when there was none).
        var evidence: String
        /// The event that caused it.
        var cause: String
    }

    var lists: [String: [String: Ban]] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        lists = try stored.value("banLists", or: [:])
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(lists, "banLists")
    }

    func ban(of user: String, in list: String) -> Ban? { lists[list]?[user] }

    /// Lists `user`; an earlier ban on the same list keeps its date and evidence.
    mutating func add(_ user: String, to list: String, _ ban: Ban) {
        if lists[list]?[user] == nil { lists[list, default: [:]][user] = ban }
    }

    /// Lifts a ban; returns whether there was one.
    mutating func lift(_ user: String, from list: String) -> Bool {
        lists[list]?.removeValue(forKey: user) != nil
    }
}
