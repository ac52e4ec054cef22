/// What admins' commands work with: the members an admin trusts, the mutes the bot
/// gave (so a pardon lifts only those), and who wrote the recent messages the bot
/// acted on (so a command can be given as a reply).
struct AdminTrust: FlowState {
    /// Members an admin trusts.
    var trusted: Set<MemberKey> = []
    /// Per member, until when the engine muted them.
    var mutedUntil: [MemberKey: Instant] = [:]
    /// Who wrote recent messages the bot acted on.
    private(set) var authors: [String: String] = [:]
    /// The remembered message ids, oldest first, from `authorHead` on: the ids before it were
    /// forgotten and are dropped in one go now and then, so forgetting one costs O(1).
    private var authorQueue: [String] = []
    private var authorHead = 0

    static let authorLimit = 50_000

    init() {}

    /// The remembered message ids, oldest first.
    var authorOrder: ArraySlice<String> { authorQueue[authorHead...] }

    init(from stored: StoredFlows) throws {
        let trustedKeys: [String] = try stored.value("trusted", or: [])
        trusted = Set(trustedKeys.compactMap(MemberKey.init(stored:)))
        mutedUntil = try stored.table("mutedUntil", key: MemberKey.init(stored:))
        authors = try stored.value("authors", or: [:])
        authorQueue = try stored.value("authorOrder", or: [])
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(trusted.map(\.stored).sorted(), "trusted")
        try stored.putTable(mutedUntil, "mutedUntil", key: \.stored)
        try stored.put(authors, "authors")
        try stored.put(Array(authorOrder), "authorOrder")
    }

    mutating func prune(_ context: PruneContext) {
        mutedUntil = mutedUntil.filter { $0.value > context.now }
    }

    /// Remembers who wrote `message` (bounded: the oldest are forgotten first).
    mutating func rememberAuthor(message: String, user: String) {
        guard authors.updateValue(user, forKey: message) == nil else { return }
        authorQueue.append(message)
        while authorQueue.count - authorHead > Self.authorLimit {
            authors[authorQueue[authorHead]] = nil
            authorHead += 1
        }
        if authorHead >= Self.authorLimit / 2 {
            authorQueue.removeFirst(authorHead)
            authorHead = 0
        }
    }

    /// Remembers mutes (so a pardon lifts only a mute the bot gave) and removals.
    mutating func note(_ action: Action) {
        switch action.body {
        case .mute(let user, let seconds): mutedUntil[MemberKey(group: action.group, user: user)] = action.due.adding(seconds: seconds)
        case .unmute(let user), .kick(let user): mutedUntil[MemberKey(group: action.group, user: user)] = nil
        default: break
        }
    }
}
