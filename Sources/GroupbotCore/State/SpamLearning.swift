/// What the classifier behind `spam_score` learns from: admins' marks (a reply with the spam
/// or ham command word, or a pardon, which marks the member's message as not spam), and the
/// model they trained. Marks arrive as events, so a replay of the log trains the same model.
///
/// To mark a message by replying to it, the engine remembers each group's latest messages
/// (their authors and texts), only while some rule asks for a `spam_score`.
struct SpamLearning: FlowState {
    struct Remembered: Codable, Sendable, Equatable {
        var id: String
        var user: String
        var text: String
    }

    var model = NaiveBayes()
    /// Per group, its latest messages, oldest first.
    var recent: [String: [Remembered]] = [:]

    /// Messages remembered per group at least (up to twice as many): an admin marks what
    /// they see on screen.
    static let recentPerGroup = 50

    init() {}

    init(from stored: StoredFlows) throws {
        model = try stored.value("spamModel", or: NaiveBayes())
        recent = try stored.value("spamRecent", or: [:])
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(model, "spamModel")
        try stored.put(recent, "spamRecent")
    }

    /// Changed in place (no copy of the list), the oldest dropped a batch at a time.
    mutating func remember(_ event: Event) {
        recent[event.group, default: []].append(Remembered(id: event.id, user: event.user, text: event.text))
        if recent[event.group]!.count >= Self.recentPerGroup * 2 {
            recent[event.group]!.removeFirst(Self.recentPerGroup)
        }
    }

    /// The remembered message `id` of `group`.
    func message(_ id: String, in group: String) -> Remembered? {
        recent[group]?.last { $0.id == id }
    }

    /// The latest remembered message of `user` in `group`.
    func latest(of user: String, in group: String) -> Remembered? {
        recent[group]?.last { $0.user == user }
    }

    mutating func forgetGroup(_ group: String) {
        recent[group] = nil
    }
}
