/// How a keyword list is compared with a message text.
package enum KeywordMatchMode: String, Sendable, CaseIterable {
    /// The keyword occurs anywhere in the text.
    case contains
    /// The whole text, trimmed of surrounding whitespace, equals the keyword.
    case whole
    /// The keyword occurs as a word: where it begins or ends with a Latin letter or digit,
    /// the text has no Latin letter or digit right beside it (`vx` in `加 vx 聊`, not in
    /// `vxworks`). Chinese has no spaces between words: a Chinese edge needs nothing.
    case word
}

/// One list of keywords as a rule states it; the index gives it a slot number.
package struct KeywordList: Sendable, Equatable {
    package var words: [String]
    package var mode: KeywordMatchMode
    package var caseSensitive: Bool

    /// Creates a list.
    package init(words: [String], mode: KeywordMatchMode = .contains, caseSensitive: Bool = false) {
        self.words = words
        self.mode = mode
        self.caseSensitive = caseSensitive
    }

    /// The number of different words, as the index compares them (an `all` list needs every one).
    package var distinctWordCount: Int {
        caseSensitive ? Set(words).count : Set(words.map(KeywordIndex.foldASCII)).count
    }
}

/// All keyword lists of a group type, matched together: one automaton pass per
/// message, whatever the number of rules and keywords.
///
/// Slot `i` is `lists[i]`; after ``count(in:scratch:)`` the scratch tells, for
/// each slot, how many distinct words of the list occur in the text.
package final class KeywordIndex: Sendable {
    /// One word of one list: which slot it counts for and, when the list is
    /// case-sensitive and the word has Latin letters, the exact bytes to verify.
    private struct Entry: Sendable {
        let slot: Int32
        let exact: [UInt8]?
        /// In word mode: the word's length in bytes and which of its edges need a boundary.
        let word: WordEdges?
    }

    private struct WordEdges: Sendable {
        let length: Int
        let start: Bool
        let end: Bool
    }

    private let automaton: KeywordAutomaton?
    /// Per pattern id, the range `entryStart[p]..<entryStart[p+1]` of its entries.
    private let entryStart: [Int32]
    private let entries: [Entry]
    private let wholeFolded: [String: [Int32]]
    private let wholeExact: [String: [Int32]]
    /// The number of slots.
    package let slotCount: Int
    /// The lists, by slot (for explanations).
    package let lists: [KeywordList]

    /// Builds the index over `lists`.
    package init(lists: [KeywordList]) {
        slotCount = lists.count
        self.lists = lists
        var patternOf: [String: Int] = [:]
        var patternEntries: [[Entry]] = []
        var wholeFolded: [String: [Int32]] = [:], wholeExact: [String: [Int32]] = [:]
        for (slot, list) in lists.enumerated() {
            for word in Set(list.words) where !word.isEmpty {
                switch list.mode {
                case .contains, .word:
                    let folded = Self.foldASCII(word)
                    // The scan folds case; a case-sensitive word with Latin letters is verified byte for byte.
                    let hasLatin = word.utf8.contains { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 }
                    let exact = list.caseSensitive && hasLatin ? Array(word.utf8) : nil
                    let bytes = Array(word.utf8)
                    let edges = list.mode == .word
                        ? WordEdges(length: bytes.count, start: Self.isWordByte(bytes.first!), end: Self.isWordByte(bytes.last!))
                        : nil
                    let entry = Entry(slot: Int32(slot), exact: exact, word: edges)
                    if let id = patternOf[folded] {
                        patternEntries[id].append(entry)
                    } else {
                        patternOf[folded] = patternEntries.count
                        patternEntries.append([entry])
                    }
                case .whole where list.caseSensitive:
                    Self.add(Int32(slot), to: &wholeExact[Self.trim(word), default: []])
                case .whole:
                    Self.add(Int32(slot), to: &wholeFolded[Self.foldASCII(Self.trim(word)), default: []])
                }
            }
        }
        var patterns = [String](repeating: "", count: patternOf.count)
        for (word, id) in patternOf { patterns[id] = word }
        automaton = patterns.isEmpty ? nil : KeywordAutomaton(patterns: patterns)
        var entryStart: [Int32] = [0]
        var entries: [Entry] = []
        for list in patternEntries {
            entries.append(contentsOf: list)
            entryStart.append(Int32(entries.count))
        }
        self.entryStart = entryStart
        self.entries = entries
        self.wholeFolded = wholeFolded
        self.wholeExact = wholeExact
    }

    /// Counts, for every slot, the distinct words of its list found in `text`.
    package func count(in text: String, scratch: KeywordScratch) {
        scratch.begin(slotCount: slotCount, entryCount: entries.count)
        if slotCount == 0 { return }
        if let automaton {
            var text = text
            text.withUTF8 { bytes in
                automaton.forEachMatch(in: bytes) { pattern, end in
                    for index in Int(entryStart[pattern])..<Int(entryStart[pattern + 1]) where !scratch.isSeen(entry: index) {
                        let entry = entries[index]
                        if let exact = entry.exact, !Self.bytes(bytes, endingAt: end, equal: exact) { continue }
                        if let word = entry.word, !Self.isWord(bytes, endingAt: end, word) { continue }
                        scratch.markSeen(entry: index)
                        scratch.hit(slot: entry.slot)
                    }
                }
            }
        }
        if !wholeFolded.isEmpty || !wholeExact.isEmpty {
            let trimmed = Self.trim(text)
            if let slots = wholeExact[trimmed] { for slot in slots { scratch.hit(slot: slot) } }
            if let slots = wholeFolded[Self.foldASCII(trimmed)] { for slot in slots { scratch.hit(slot: slot) } }
        }
    }

    /// The number of word entries (a scratch's size).
    var entryCount: Int { entries.count }

    private static func bytes(_ text: UnsafeBufferPointer<UInt8>, endingAt end: Int, equal word: [UInt8]) -> Bool {
        let start = end - word.count
        guard start >= 0 else { return false }
        for offset in 0..<word.count where text[start + offset] != word[offset] { return false }
        return true
    }

    /// Whether the match ending at `end` has a boundary at each edge that needs one.
    private static func isWord(_ text: UnsafeBufferPointer<UInt8>, endingAt end: Int, _ word: WordEdges) -> Bool {
        let start = end - word.length
        if word.start, start > 0, isWordByte(text[start - 1]) { return false }
        if word.end, end < text.count, isWordByte(text[end]) { return false }
        return true
    }

    /// A Latin letter or an ASCII digit (the bytes a Latin word is made of).
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 97 && (byte | 0x20) <= 122 || (byte >= 48 && byte <= 57)
    }

    private static func add(_ slot: Int32, to slots: inout [Int32]) {
        if !slots.contains(slot) { slots.append(slot) }
    }

    static func foldASCII(_ text: String) -> String {
        String(decoding: text.utf8.map(KeywordAutomaton.fold), as: UTF8.self)
    }

    static func trim(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}

/// Per-event working memory of a ``KeywordIndex``: reused across events with
/// generation stamps, so nothing is cleared or allocated per message.
///
/// Exclusivity is unchecked on its storage: a scratch belongs to one engine,
/// which one task drives, and these arrays are touched for every keyword hit.
package final class KeywordScratch {
    @exclusivity(unchecked) private var generation: UInt32 = 0
    @exclusivity(unchecked) private var entryStamp: [UInt32] = []
    @exclusivity(unchecked) private var slotStamp: [UInt32] = []
    @exclusivity(unchecked) private var slotHits: [Int32] = []
    /// The slots hit in the last counted text, in the order first hit.
    @exclusivity(unchecked) package private(set) var hitSlots: [Int32] = []

    /// Creates empty scratch memory.
    package init() {}

    /// How many distinct words of slot `slot` the last counted text contained.
    package func hits(slot: Int) -> Int {
        slotStamp[slot] == generation ? Int(slotHits[slot]) : 0
    }

    func begin(slotCount: Int, entryCount: Int) {
        hitSlots.removeAll(keepingCapacity: true)
        generation &+= 1
        if generation == 0 {
            // Wrapped around: old stamps could collide, so clear them once.
            entryStamp = []
            slotStamp = []
            generation = 1
        }
        if slotStamp.count < slotCount {
            slotStamp = [UInt32](repeating: 0, count: slotCount)
            slotHits = [Int32](repeating: 0, count: slotCount)
        }
        if entryStamp.count < entryCount { entryStamp = [UInt32](repeating: 0, count: entryCount) }
    }

    @inline(__always)
    func isSeen(entry: Int) -> Bool { entryStamp[entry] == generation }

    @inline(__always)
    func markSeen(entry: Int) { entryStamp[entry] = generation }

    /// Sets a slot's count outright (hits counted elsewhere, ``KeywordHits``).
    func set(slot: Int32, hits: Int32) {
        let index = Int(slot)
        if slotStamp[index] != generation {
            slotStamp[index] = generation
            hitSlots.append(slot)
        }
        slotHits[index] = hits
    }

    @inline(__always)
    func hit(slot: Int32) {
        let index = Int(slot)
        if slotStamp[index] != generation {
            slotStamp[index] = generation
            slotHits[index] = 0
            hitSlots.append(slot)
        }
        slotHits[index] += 1
    }
}
