/// What the community flows remember between events: memberships, recent
/// messages, strikes, ad-slot use, trust, invites, and the delayed steps each
/// member has pending. In memory for now; a durable store replaces it later.
final class CommunityState {
    // MARK: Members and groups

    /// Per user, the groups they joined and have not left, with each group's type.
    var groupsOfUser: [String: [String: String]] = [:]
    /// Per group, the member count: from the platform when events carry it, else counted from joins and leaves.
    var memberCount: [String: Int] = [:]
    /// Per `group|inviter`, members invited.
    var invites: [String: Int] = [:]
    /// `group|user` of members an admin trusts.
    var trusted: Set<String> = []
    /// Per `group|user`, the last nickname seen (to name members in notices).
    var nicks: [String: String] = [:]
    /// Per `group|user`, until when the engine muted the member.
    var mutedUntil: [String: Instant] = [:]

    // MARK: Messages

    /// Who wrote recent messages the bot acted on, for admin commands given as replies.
    private(set) var authors: [String: String] = [:]
    private var authorOrder: [String] = []
    private static let authorLimit = 50_000
    /// Per `group|user`, red packets sent: time and amount.
    var redPackets: [String: [(time: Instant, amount: Double)]] = [:]
    /// Per repeat scope key, recent message fingerprints.
    var recentTexts: [String: [(time: Instant, fingerprint: UInt64)]] = [:]
    /// How long fingerprints are kept (the longest repeat window of any type).
    var repeatHorizonSeconds: Int64 = 0

    // MARK: Enforcement

    /// Per `user|ladder`, strikes still counting and their history.
    var strikes: [String: StrikeRecord] = [:]
    /// Per `group|user|slot occurrence`, ads posted.
    var slotUse: [String: Int] = [:]

    // MARK: Pending flow steps

    /// The open welcome batch per group.
    var welcomeBatches: [String: WelcomeBatch] = [:]
    /// Per group, welcomed batches whose group steps are still pending.
    var welcomedBatches: [String: [WelcomedBatch]] = [:]
    /// Per `group|user`, delayed welcome steps addressed to the member.
    var welcomeTokens: [String: [UInt64]] = [:]
    /// Per `group|user`, the nickname reminders running for a member.
    var nicknameWatches: [String: NicknameWatch] = [:]

    static func key(_ group: String, _ user: String) -> String { group + "|" + user }

    // MARK: - Recording

    func recordNick(of event: Event) {
        if let nick = event.nick { nicks[Self.key(event.group, event.user)] = nick }
    }

    func recordJoin(_ event: Event, typeName: String) {
        groupsOfUser[event.user, default: [:]][event.group] = typeName
        if let count = event.memberCount {
            memberCount[event.group] = count
        } else {
            memberCount[event.group, default: 0] += 1
        }
        if let inviter = event.inviter { invites[Self.key(event.group, inviter), default: 0] += 1 }
    }

    func recordLeave(_ event: Event) {
        groupsOfUser[event.user]?[event.group] = nil
        if let count = event.memberCount {
            memberCount[event.group] = count
        } else if let count = memberCount[event.group], count > 0 {
            memberCount[event.group] = count - 1
        }
        trusted.remove(Self.key(event.group, event.user))
    }


    func recordMessage(_ event: Event, now: Instant, tracksRepeats: Bool) {
        if event.kind == "red_packet", let amount = event.amount {
            redPackets[Self.key(event.group, event.user), default: []].append((event.time, amount))
        }
        guard tracksRepeats, let fingerprint = Self.fingerprint(event.text) else { return }
        for key in [Self.key(event.group, event.user), "*|" + event.user] {
            var list = recentTexts[key, default: []]
            list.removeAll { event.time.milliseconds - $0.time.milliseconds > repeatHorizonSeconds * 1000 }
            list.append((event.time, fingerprint))
            recentTexts[key] = list
        }
    }

    /// Remembers who wrote `message` (bounded: the oldest are forgotten first).
    func rememberAuthor(message: String, user: String) {
        guard authors.updateValue(user, forKey: message) == nil else { return }
        authorOrder.append(message)
        if authorOrder.count > Self.authorLimit {
            let drop = authorOrder.count - Self.authorLimit
            for old in authorOrder.prefix(drop) { authors[old] = nil }
            authorOrder.removeFirst(drop)
        }
    }

    /// The text with white space and punctuation removed and Latin letters in lower case,
    /// hashed: "near-same" copies of a message share it. Nil when nothing is left (emoji,
    /// stickers, images without a caption): those are not "the same text".
    static func fingerprint(_ text: String) -> UInt64? {
        var kept = ""
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isWhitespace || properties.generalCategory.isPunctuation { continue }
            let value = scalar.value
            kept.unicodeScalars.append((65...90).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
        }
        return kept.isEmpty ? nil : StableHash.of(kept)
    }

    /// How many messages with `fingerprint`'s text `key` posted since `since`.
    func count(key: String, fingerprint: UInt64, since: Instant) -> Int {
        (recentTexts[key] ?? []).reduce(0) { $0 + ($1.fingerprint == fingerprint && $1.time >= since ? 1 : 0) }
    }
}

/// A member whose nickname does not fit: since when, and the reminders still pending.
struct NicknameWatch {
    /// The join or rename that started the reminders (their deadlines count from it).
    var cause: Event
    var tokens: [UInt64]
}

/// A member's strikes on one ladder.
struct StrikeRecord {
    var count: Int
    var last: Instant
    var history: [(time: Instant, rule: String, group: String, cause: String)]
}

/// Joins waiting for their combined welcome.
struct WelcomeBatch {
    var members: [(user: String, nick: String, event: Event)]
}

/// A welcome already posted whose later group steps are still pending.
struct WelcomedBatch {
    var members: Set<String>
    var tokens: [UInt64]
}

extension Unicode.GeneralCategory {
    var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol,
             .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
