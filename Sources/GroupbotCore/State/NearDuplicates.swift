/// The memory of the `near_duplicates` condition: recent messages as sets of character
/// shingles, found again by MinHash banding, so that "a new account posts the same ad" is
/// seen however the ad was reworded by a character or two.
///
/// A message's letters and digits (lower case, after the type's normaliser) are cut into
/// overlapping 2-character shingles (most Chinese words are two characters; with three, one
/// changed character already costs three shingles, and a price changed from 99 to 88 in a
/// 30-character ad falls under 0.8). Sixteen MinHash values in eight bands of two find the
/// earlier posts that share a band (texts 80 % alike share one with near certainty); the
/// Jaccard similarity of the shingle sets then decides. Texts shorter than
/// ``minimumCharacters`` are never compared: 好的 and 收到 are everyone's.
struct NearDuplicates: FlowState {
    struct Post: Codable, Sendable {
        var time: Instant
        var user: String
        var group: String
        /// Sorted distinct shingle hashes.
        var shingles: [UInt32]
    }

    /// Posts, oldest first; `posts[i]` has serial `firstSerial + i`.
    private(set) var posts: [Post] = []
    private var firstSerial = 0
    /// Band key → serials of the posts in that band (stale serials are skipped, and dropped when rebuilt).
    private var buckets: [UInt64: [Int]] = [:]
    /// How long posts are kept (the longest `within` of any type).
    var horizonSeconds: Int64 = 0
    /// The serial of the latest post, and the event it came from.
    private(set) var latest: (event: String, serial: Int)?

    static let minimumCharacters = 8
    static let limit = 20_000
    private static let bands = 8

    init() {}

    init(from stored: StoredFlows) throws {
        posts = try stored.value("nearDuplicates", or: [])
        horizonSeconds = try stored.value("nearDuplicateHorizon", or: 0)
        rebuild()
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(posts, "nearDuplicates")
        try stored.put(horizonSeconds, "nearDuplicateHorizon")
    }

    mutating func prune(_ context: PruneContext) {
        let oldest = context.now.milliseconds - horizonSeconds * 1000
        if let keep = posts.firstIndex(where: { $0.time.milliseconds > oldest }) {
            if keep > 0 { drop(keep) }
        } else if !posts.isEmpty {
            drop(posts.count)
        }
    }

    /// The shingles of `text`, or nil when it is too short to compare. Read scalar by scalar
    /// (no grapheme breaking: this runs for every message of a type that asks).
    static func shingles(of text: String) -> [UInt32]? {
        var letters: [UInt32] = []
        letters.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x30...0x39, 0x61...0x7A: letters.append(value)
            case 0x41...0x5A: letters.append(value + 32)
            case 0x4E00...0x9FFF: letters.append(value)  // most of a Chinese text
            case 0...0x7F: continue
            default:
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { letters.append(value) }
            }
        }
        guard letters.count >= minimumCharacters else { return nil }
        var shingles: [UInt32] = []
        shingles.reserveCapacity(letters.count - 1)
        for index in 0..<(letters.count - 1) {
            var hash = (UInt64(letters[index]) << 32 | UInt64(letters[index + 1])) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 32
            shingles.append(UInt32(truncatingIfNeeded: hash))
        }
        shingles.sort()
        var kept = 0
        for value in shingles where kept == 0 || shingles[kept - 1] != value {
            shingles[kept] = value
            kept += 1
        }
        shingles.removeLast(shingles.count - kept)
        return shingles
    }

    /// Whether `text` may be long enough to compare, before the normaliser runs: it never
    /// has more letters and digits than scalars.
    static func mayCompare(_ text: String) -> Bool {
        var count = 0
        for _ in text.unicodeScalars {
            count += 1
            if count >= minimumCharacters { return true }
        }
        return false
    }

    /// Notes a message (its text as the rules see it).
    mutating func record(_ event: Event, text: String) {
        record(event, shingles: Self.shingles(of: text))
    }

    /// ``record(_:text:)`` with the text's shingles worked out already (``PreparedText``).
    mutating func record(_ event: Event, shingles: [UInt32]?) {
        guard let shingles else {
            latest = nil
            return
        }
        let serial = firstSerial + posts.count
        posts.append(Post(time: event.time, user: event.user, group: event.group, shingles: shingles))
        for key in Self.bandKeys(shingles) { buckets[key, default: []].append(serial) }
        latest = (event.id, serial)
        // Dropped a quarter at a time: each drop rebuilds the buckets.
        if posts.count > Self.limit + Self.limit / 4 { drop(posts.count - Self.limit) }
    }

    /// The distinct members who posted the event's text, or one at least `similarity` alike,
    /// since `since` (the sender included); 0 when the event's text was too short to note.
    func members(alikeTo event: Event, similarity: Double, since: Instant) -> Int {
        guard let latest, latest.event == event.id, latest.serial >= firstSerial else { return 0 }
        let post = posts[latest.serial - firstSerial]
        var users: Set<String> = [post.user]
        var checked: Set<Int> = [latest.serial]
        for key in Self.bandKeys(post.shingles) {
            for serial in buckets[key] ?? [] where serial >= firstSerial && checked.insert(serial).inserted {
                let other = posts[serial - firstSerial]
                guard other.time >= since, !users.contains(other.user),
                      Self.jaccard(post.shingles, other.shingles) >= similarity
                else { continue }
                users.insert(other.user)
            }
        }
        return users.count
    }

    /// |A ∩ B| / |A ∪ B| of two sorted sets.
    static func jaccard(_ left: [UInt32], _ right: [UInt32]) -> Double {
        var i = 0, j = 0, common = 0
        while i < left.count, j < right.count {
            if left[i] == right[j] { common += 1; i += 1; j += 1 } else if left[i] < right[j] { i += 1 } else { j += 1 }
        }
        let union = left.count + right.count - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    /// Eight band keys from sixteen MinHash values: each value the minimum over the shingles
    /// of the shingle times an odd constant of its own, folded (a multiplicative hash).
    private static func bandKeys(_ shingles: [UInt32]) -> [UInt64] {
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: bands * 2) { minima in
            minima.initialize(repeating: .max)
            for shingle in shingles {
                let value = UInt64(shingle) | UInt64(shingle) << 32
                for index in 0..<(bands * 2) {
                    var hash = value &* multipliers[index]
                    hash ^= hash >> 29
                    if hash < minima[index] { minima[index] = hash }
                }
            }
            var keys: [UInt64] = []
            keys.reserveCapacity(bands)
            for band in 0..<bands {
                let first: UInt64 = minima[band * 2], second: UInt64 = minima[band * 2 + 1]
                keys.append((first &* 31 &+ second) ^ UInt64(band))
            }
            return keys
        }
    }

    /// Odd constants, one per MinHash value (splitmix64's output for 1…16, made odd).
    private static let multipliers: [UInt64] = (1...UInt64(bands * 2)).map { (seed: UInt64) -> UInt64 in
        var z: UInt64 = seed &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) | 1
    }

    /// Forgets the oldest posts; their serials leave the buckets too (no band keys worked out again).
    private mutating func drop(_ count: Int) {
        posts.removeFirst(count)
        firstSerial += count
        if let latest, latest.serial < firstSerial { self.latest = nil }
        let first = firstSerial
        buckets = buckets.compactMapValues { serials in
            let kept = serials.filter { $0 >= first }
            return kept.isEmpty ? nil : kept
        }
    }

    /// Buckets from the posts kept (after a restore).
    private mutating func rebuild() {
        buckets = [:]
        for (offset, post) in posts.enumerated() {
            for key in Self.bandKeys(post.shingles) { buckets[key, default: []].append(firstSerial + offset) }
        }
    }
}
