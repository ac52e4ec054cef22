/// What the community flows remember between events: memberships, recent
/// messages, strikes, ad-slot use, trust, invites, and the delayed steps each
/// member has pending. In memory for now; a durable store replaces it later.
final class CommunityState: Codable {
    // MARK: Members and groups

    /// Per user, the groups they joined and have not left, with each group's type.
    var groupsOfUser: [String: [String: String]] = [:]
    /// Per group, the member count: from the platform when events carry it, else counted from joins and leaves.
    var memberCount: [String: Int] = [:]
    /// Per `group|inviter`, members invited.
    var invites: [String: Int] = [:]
    /// `group|user` of members an admin trusts.
    var trusted: Set<String> = []
    /// Per group: when the bot first saw it, and its last message.
    var firstSeen: [String: Instant] = [:]
    var lastMessage: [String: Instant] = [:]
    /// Per group, messages per member per local day (`YYYY-MM-DD`), for the quiet-stage check; pruned.
    var activity: [String: [String: [String: Int]]] = [:]
    /// Groups the operators were told are quiet (told again only after they liven up).
    var quietGroups: Set<String> = []
    /// Per `rule|group`, the next text of a rotating schedule.
    var rotation: [String: Int] = [:]
    /// Per `group|user`, the last nickname seen (to name members in notices).
    var nicks: [String: String] = [:]
    /// Per `group|user`, until when the engine muted the member.
    var mutedUntil: [String: Instant] = [:]

    // MARK: Messages

    /// Who wrote recent messages the bot acted on, for admin commands given as replies.
    private(set) var authors: [String: String] = [:]
    /// The remembered message ids, oldest first, from `authorHead` on: the ids before it were
    /// forgotten and are dropped in one go now and then, so forgetting one costs O(1).
    private var authorQueue: [String] = []
    private var authorHead = 0
    /// The remembered message ids, oldest first.
    var authorOrder: ArraySlice<String> { authorQueue[authorHead...] }
    static let authorLimit = 50_000
    /// How many of a member's latest messages `repeated` compares (per group, and across
    /// groups): the memory of a busy day stays bounded however long the rule's `within`.
    static let recentTextLimit = Condition.repeatedMemory
    /// Per `group|user`, red packets sent: time and amount.
    var redPackets: [String: [RedPacket]] = [:]
    /// Per repeat scope key, recent message fingerprints.
    var recentTexts: [String: [TextSighting]] = [:]
    /// How long fingerprints are kept (the longest repeat window of any type).
    var repeatHorizonSeconds: Int64 = 0

    // MARK: Enforcement

    /// Per member and ladder, strikes still counting and their history.
    var strikes: [StrikeKey: StrikeRecord] = [:]
    /// Per `group|user|slot occurrence`, ads posted.
    var slotUse: [SlotUseKey: Int] = [:]

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

    init() {}

    /// A separate instance with the same state (cheap: the collections are copy-on-write).
    func copy() -> CommunityState {
        let copy = CommunityState()
        copy.replace(with: self)
        return copy
    }

    /// Forgets what can no longer matter, so a process running for months stays small:
    /// finished welcome and nickname bookkeeping, old red packets and ad-slot counts,
    /// expired mutes, and all but the latest strikes of a member's history.
    func prune(now: Instant, isLive: (UInt64) -> Bool) {
        let day: Int64 = 86_400_000
        welcomeTokens = welcomeTokens.compactMapValues { tokens in
            let live = tokens.filter(isLive)
            return live.isEmpty ? nil : live
        }
        welcomedBatches = welcomedBatches.compactMapValues { batches in
            let live = batches.filter { $0.tokens.contains(where: isLive) }
            return live.isEmpty ? nil : live
        }
        nicknameWatches = nicknameWatches.filter { _, watch in
            watch.tokens.contains(where: isLive) || now.milliseconds - watch.cause.time.milliseconds < 30 * day
        }
        redPackets = redPackets.compactMapValues { packets in
            let recent = packets.filter { now.milliseconds - $0.time.milliseconds < 2 * day }
            return recent.isEmpty ? nil : recent
        }
        let today = Int(now.milliseconds / day)
        slotUse = slotUse.filter { key, _ in today - key.day <= 14 }
        mutedUntil = mutedUntil.filter { $0.value > now }
        for key in strikes.keys where strikes[key]!.history.count > 50 {
            strikes[key]!.history.removeFirst(strikes[key]!.history.count - 50)
        }
    }

    /// Takes over everything another state holds (restoring a snapshot keeps this instance,
    /// which rule evaluations share).
    func replace(with other: CommunityState) {
        groupsOfUser = other.groupsOfUser; memberCount = other.memberCount; invites = other.invites
        trusted = other.trusted; nicks = other.nicks; mutedUntil = other.mutedUntil
        authors = other.authors; authorQueue = Array(other.authorOrder); authorHead = 0; redPackets = other.redPackets
        recentTexts = other.recentTexts; repeatHorizonSeconds = other.repeatHorizonSeconds; strikes = other.strikes
        slotUse = other.slotUse; welcomeBatches = other.welcomeBatches; welcomedBatches = other.welcomedBatches
        welcomeTokens = other.welcomeTokens; nicknameWatches = other.nicknameWatches
        firstSeen = other.firstSeen; lastMessage = other.lastMessage; activity = other.activity
        quietGroups = other.quietGroups; rotation = other.rotation
    }

    private enum CodingKeys: String, CodingKey {
        case groupsOfUser, memberCount, invites, trusted, nicks, mutedUntil, authors, authorOrder, redPackets
        case recentTexts, repeatHorizonSeconds, strikes, slotUse, welcomeBatches, welcomedBatches, welcomeTokens
        case nicknameWatches, firstSeen, lastMessage, activity, quietGroups, rotation
    }

    init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        groupsOfUser = try values.decode([String: [String: String]].self, forKey: .groupsOfUser)
        memberCount = try values.decode([String: Int].self, forKey: .memberCount)
        invites = try values.decode([String: Int].self, forKey: .invites)
        trusted = try values.decode(Set<String>.self, forKey: .trusted)
        nicks = try values.decode([String: String].self, forKey: .nicks)
        mutedUntil = try values.decode([String: Instant].self, forKey: .mutedUntil)
        authors = try values.decode([String: String].self, forKey: .authors)
        authorQueue = try values.decode([String].self, forKey: .authorOrder)
        redPackets = try values.decode([String: [RedPacket]].self, forKey: .redPackets)
        // A durable store keeps these apart, as bytes (`EngineSnapshot.takeRecentTexts()`).
        recentTexts = try values.decode([String: [TextSighting]].self, forKey: .recentTexts)
        repeatHorizonSeconds = try values.decode(Int64.self, forKey: .repeatHorizonSeconds)
        let storedStrikes = try values.decode([String: StrikeRecord].self, forKey: .strikes)
        strikes = Dictionary(storedStrikes.compactMap { key, record in StrikeKey(stored: key).map { ($0, record) } },
                             uniquingKeysWith: { $1 })
        let storedSlotUse = try values.decode([String: Int].self, forKey: .slotUse)
        slotUse = Dictionary(storedSlotUse.compactMap { key, count in SlotUseKey(stored: key).map { ($0, count) } },
                             uniquingKeysWith: { $1 })
        welcomeBatches = try values.decode([String: WelcomeBatch].self, forKey: .welcomeBatches)
        welcomedBatches = try values.decode([String: [WelcomedBatch]].self, forKey: .welcomedBatches)
        welcomeTokens = try values.decode([String: [UInt64]].self, forKey: .welcomeTokens)
        nicknameWatches = try values.decode([String: NicknameWatch].self, forKey: .nicknameWatches)
        firstSeen = try values.decodeIfPresent([String: Instant].self, forKey: .firstSeen) ?? [:]
        lastMessage = try values.decodeIfPresent([String: Instant].self, forKey: .lastMessage) ?? [:]
        activity = try values.decodeIfPresent([String: [String: [String: Int]]].self, forKey: .activity) ?? [:]
        quietGroups = try values.decodeIfPresent(Set<String>.self, forKey: .quietGroups) ?? []
        rotation = try values.decodeIfPresent([String: Int].self, forKey: .rotation) ?? [:]
    }

    func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(groupsOfUser, forKey: .groupsOfUser)
        try values.encode(memberCount, forKey: .memberCount)
        try values.encode(invites, forKey: .invites)
        try values.encode(trusted, forKey: .trusted)
        try values.encode(nicks, forKey: .nicks)
        try values.encode(mutedUntil, forKey: .mutedUntil)
        try values.encode(authors, forKey: .authors)
        try values.encode(Array(authorOrder), forKey: .authorOrder)
        try values.encode(redPackets, forKey: .redPackets)
        try values.encode(recentTexts, forKey: .recentTexts)
        try values.encode(repeatHorizonSeconds, forKey: .repeatHorizonSeconds)
        try values.encode(Dictionary(strikes.map { ($0.key.stored, $0.value) }, uniquingKeysWith: { $1 }), forKey: .strikes)
        try values.encode(Dictionary(slotUse.map { ($0.key.stored, $0.value) }, uniquingKeysWith: { $1 }), forKey: .slotUse)
        try values.encode(welcomeBatches, forKey: .welcomeBatches)
        try values.encode(welcomedBatches, forKey: .welcomedBatches)
        try values.encode(welcomeTokens, forKey: .welcomeTokens)
        try values.encode(nicknameWatches, forKey: .nicknameWatches)
        try values.encode(firstSeen, forKey: .firstSeen)
        try values.encode(lastMessage, forKey: .lastMessage)
        try values.encode(activity, forKey: .activity)
        try values.encode(quietGroups, forKey: .quietGroups)
        try values.encode(rotation, forKey: .rotation)
    }

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


    /// Notes that the group was seen (its first day starts its life).
    func recordGroupSeen(_ event: Event) {
        if firstSeen[event.group] == nil { firstSeen[event.group] = event.time }
    }

    /// Counts a message for the quiet-stage check, keeping `days` days of history.
    /// `offset` is the group type's UTC offset: days are the type's local days, as the check reads them.
    func recordActivity(_ event: Event, days: Int, offset: Int) {
        let day = Timestamp.dayText(LocalTime(event.time, utcOffsetSeconds: offset).dayNumber)
        var byDay = activity[event.group, default: [:]]
        byDay[day, default: [:]][event.user, default: 0] += 1
        if byDay.count > days + 1 {
            for old in byDay.keys.sorted().prefix(byDay.count - days - 1) { byDay[old] = nil }
        }
        activity[event.group] = byDay
    }

    func recordMessage(_ event: Event, now: Instant, tracksRepeats: Bool) {
        lastMessage[event.group] = event.time
        if event.kind == "red_packet", let amount = event.amount {
            redPackets[Self.key(event.group, event.user), default: []].append(RedPacket(time: event.time, amount: amount))
        }
        guard tracksRepeats, let fingerprint = Self.fingerprint(event.text) else { return }
        for key in [Self.key(event.group, event.user), "*|" + event.user] {
            var list = recentTexts[key, default: []]
            list.removeAll { event.time.milliseconds - $0.time.milliseconds > repeatHorizonSeconds * 1000 }
            list.append(TextSighting(time: event.time, fingerprint: fingerprint))
            if list.count > Self.recentTextLimit { list.removeFirst(list.count - Self.recentTextLimit) }
            recentTexts[key] = list
        }
    }

    /// Remembers who wrote `message` (bounded: the oldest are forgotten first).
    func rememberAuthor(message: String, user: String) {
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

/// A red packet a member sent.
struct RedPacket: Codable {
    var time: Instant
    var amount: Double
}

/// A message's fingerprint, seen at a time (for repeat counting).
struct TextSighting: Codable {
    var time: Instant
    var fingerprint: UInt64
}

/// A member whose nickname does not fit: since when, and the reminders still pending.
struct NicknameWatch: Codable {
    /// The join or rename that started the reminders (their deadlines count from it).
    var cause: Event
    var tokens: [UInt64]
}

/// A member's strikes on one ladder.
struct StrikeRecord: Codable {
    var count: Int
    var last: Instant
    /// The most recent strikes, oldest first: trimmed to the last ``historyLimit`` when they
    /// pass one and a half times as many (the audit log in the state file keeps them all).
    var history: [StrikeEntry]

    static let historyLimit = 100

    /// Counts a strike (the count restarts after `decaySeconds` without one) and returns the new count.
    mutating func add(_ entry: StrikeEntry, decaySeconds: Int64) -> Int {
        if count > 0, entry.time.milliseconds - last.milliseconds >= decaySeconds * 1000 { count = 0 }
        count += 1
        last = entry.time
        history.append(entry)
        if history.count > Self.historyLimit + Self.historyLimit / 2 { history.removeFirst(history.count - Self.historyLimit) }
        return count
    }
}

/// A member waiting in a welcome batch.
struct Newcomer: Codable {
    var user: String
    var nick: String
    var event: Event
}

/// Joins waiting for their combined welcome.
struct WelcomeBatch: Codable {
    var members: [Newcomer]
}

/// A welcome already posted whose later group steps are still pending.
struct WelcomedBatch: Codable {
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
