/// Whose recent texts a `repeated` condition counts: a member's in one group, or a
/// user's across every group.
enum RepeatScope: Hashable, Sendable {
    case inGroup(MemberKey)
    case acrossGroups(user: String)

    /// The form snapshots store: `group|user`, or `*|user` across groups.
    var stored: String {
        switch self {
        case .inGroup(let member): member.stored
        case .acrossGroups(let user): "*|" + user
        }
    }

    init?(stored: String) {
        if stored.hasPrefix("*|") {
            self = .acrossGroups(user: String(stored.dropFirst(2)))
        } else if let member = MemberKey(stored: stored) {
            self = .inGroup(member)
        } else {
            return nil
        }
    }
}

/// The memory of the `repeated` condition: fingerprints of members' latest messages.
struct RecentTexts: FlowState {
    /// Per scope, recent message fingerprints.
    var lists: [RepeatScope: [TextSighting]] = [:]
    /// How long fingerprints are kept (the longest repeat window of any type).
    var horizonSeconds: Int64 = 0

    /// How many of a member's latest messages `repeated` compares (per group, and across
    /// groups): the memory of a busy day stays bounded however long the rule's `within`.
    static let limit = Condition.repeatedMemory

    init() {}

    init(from stored: StoredFlows) throws {
        // A durable store keeps the lists apart, as bytes (`EngineSnapshot.takeRecentTexts()`).
        lists = try stored.table("recentTexts", key: RepeatScope.init(stored:))
        horizonSeconds = try stored.value("repeatHorizonSeconds", or: 0)
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.putTable(lists, "recentTexts", key: \.stored)
        try stored.put(horizonSeconds, "repeatHorizonSeconds")
    }

    /// Notes a message's fingerprint (``fingerprint(_:)``, or ``PreparedText``'s) in the lists
    /// `scopes` says the rules read: the member's in the group, the user's across groups
    /// (``RuleBook/repeatsInGroup``, ``RuleBook/repeatsAcrossGroups``).
    /// Returns the fingerprint (nil: nothing to count), for the rules to reuse.
    mutating func record(_ event: Event, fingerprint: UInt64?, scopes: (inGroup: Bool, acrossGroups: Bool)) -> UInt64? {
        guard let fingerprint else { return nil }
        let oldest = event.time.milliseconds - horizonSeconds * 1000
        let sighting = TextSighting(time: event.time, fingerprint: fingerprint, group: TextSighting.groupHash(event.group))
        if scopes.inGroup { Self.add(sighting, after: oldest, to: &lists[.inGroup(MemberKey(event)), default: []]) }
        if scopes.acrossGroups { Self.add(sighting, after: oldest, to: &lists[.acrossGroups(user: event.user), default: []]) }
        return fingerprint
    }

    /// Forgets the lists whose newest sighting is past the horizon: none of it can count
    /// again (each window is at most the horizon), and a member who posts again starts a new
    /// list that counts the same. Without it the lists of everyone who ever posted stayed: on a
    /// brand's week, most of the engine's memory.
    mutating func prune(_ context: PruneContext) {
        guard horizonSeconds > 0 else { return }
        let oldest = context.now.milliseconds - horizonSeconds * 1000
        // Removed in place: a filtered copy would hold a second table of this size for a moment
        // (tens of MB on a brand's week, the run's peak).
        let past = lists.compactMap { ($0.value.last?.time.milliseconds ?? .min) < oldest ? $0.key : nil }
        for scope in past { lists.removeValue(forKey: scope) }
    }

    /// Changed in place (one look-up, no copy of the list).
    private static func add(_ sighting: TextSighting, after oldest: Int64, to list: inout [TextSighting]) {
        list.removeAll { $0.time.milliseconds < oldest }
        list.append(sighting)
        if list.count > limit { list.removeFirst(list.count - limit) }
    }

    /// How many messages with `fingerprint`'s text `scope` posted since `since`.
    func count(_ scope: RepeatScope, fingerprint: UInt64, since: Instant) -> Int {
        (lists[scope] ?? []).reduce(0) { $0 + ($1.fingerprint == fingerprint && $1.time >= since ? 1 : 0) }
    }

    /// The messages with `fingerprint`'s text `scope` posted since `since`, and in how many
    /// distinct groups (sightings stored before groups were kept count as one group).
    func sightings(_ scope: RepeatScope, fingerprint: UInt64, since: Instant) -> (count: Int, groups: Int) {
        var count = 0
        var groups: Set<UInt32> = []
        for sighting in lists[scope] ?? [] where sighting.fingerprint == fingerprint && sighting.time >= since {
            count += 1
            groups.insert(sighting.group)
        }
        return (count, groups.count)
    }

    /// The text with white space and punctuation removed and Latin letters in lower case,
    /// hashed: "near-same" copies of a message share it. Nil when nothing is left (emoji,
    /// stickers, images without a caption): those are not "the same text".
    ///
    /// The hash is ``StableHash/of(_:)`` of the kept scalars (snapshots keep fingerprints, so it
    /// never changes), worked out as they are read: no string is built, and ASCII and Chinese
    /// characters, most of a message, are sorted without a Unicode property look-up.
    static func fingerprint(_ text: String) -> UInt64? {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var kept = false
        func feed(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                guard asciiKept[Int(value)] else { continue }
                feed(UInt8((65...90).contains(value) ? value + 32 : value))
                kept = true
                continue
            }
            if !(0x4E00...0x9FFF).contains(value) {
                let properties = scalar.properties
                if properties.isWhitespace || properties.generalCategory.isPunctuation { continue }
            }
            for byte in UTF8.encode(scalar)! { feed(byte) }
            kept = true
        }
        guard kept else { return nil }
        feed(0xff)
        return hash
    }

    /// Per ASCII code, whether a fingerprint keeps it (not white space, not punctuation),
    /// from the same Unicode properties as any other character.
    private static let asciiKept: [Bool] = (0..<128).map { value in
        let properties = Unicode.Scalar(UInt8(value)).properties
        return !(properties.isWhitespace || properties.generalCategory.isPunctuation)
    }
}

/// A message's fingerprint, seen at a time in a group (for repeat counting).
struct TextSighting: Codable, Sendable {
    var time: Instant
    var fingerprint: UInt64
    /// A hash of the group's id (0: not known, a sighting stored before groups were kept).
    var group: UInt32 = 0

    init(time: Instant, fingerprint: UInt64, group: UInt32 = 0) {
        self.time = time
        self.fingerprint = fingerprint
        self.group = group
    }

    init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        time = try values.decode(Instant.self, forKey: .time)
        fingerprint = try values.decode(UInt64.self, forKey: .fingerprint)
        group = try values.decodeIfPresent(UInt32.self, forKey: .group) ?? 0
    }

    /// 32 bits of the group id's stable hash, never 0: enough to tell a member's few groups apart.
    static func groupHash(_ group: String) -> UInt32 {
        UInt32(truncatingIfNeeded: StableHash.of(group)) | 1
    }
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
