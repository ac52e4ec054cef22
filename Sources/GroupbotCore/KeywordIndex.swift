/// How a keyword list is compared with a message text.
public enum KeywordMatchMode: String, Sendable, CaseIterable {
    /// The keyword occurs anywhere in the text.
    case contains
    /// The whole text, trimmed of surrounding whitespace, equals the keyword.
    case whole
}

/// One list of keywords as a rule states it; the index gives it a slot number.
public struct KeywordList: Sendable, Equatable {
    public var words: [String]
    public var mode: KeywordMatchMode
    public var caseSensitive: Bool

    /// Creates a list.
    public init(words: [String], mode: KeywordMatchMode = .contains, caseSensitive: Bool = false) {
        self.words = words
        self.mode = mode
        self.caseSensitive = caseSensitive
    }

    /// The number of different words, as the index compares them (an `all` list needs every one).
    public var distinctWordCount: Int {
        caseSensitive ? Set(words).count : Set(words.map(KeywordIndex.foldASCII)).count
    }
}

/// All keyword lists of a group type, matched together: one automaton pass per
/// message, whatever the number of rules and keywords.
///
/// Slot `i` is `lists[i]`; after ``count(in:scratch:)`` the scratch tells, for
/// each slot, how many distinct words of the list occur in the text.
public struct KeywordIndex: Sendable {
    private struct Table: Sendable {
        let automaton: KeywordAutomaton
        /// Per pattern id, the slots listing that word.
        let slotsByPattern: [[Int32]]
    }

    private let foldedTable: Table?
    private let exactTable: Table?
    private let wholeFolded: [String: [Int32]]
    private let wholeExact: [String: [Int32]]
    /// The number of slots.
    public let slotCount: Int
    let foldedPatternCount: Int
    let exactPatternCount: Int

    /// Builds the index over `lists`.
    public init(lists: [KeywordList]) {
        slotCount = lists.count
        var folded = TableBuilder(), exact = TableBuilder()
        var wholeFolded: [String: [Int32]] = [:], wholeExact: [String: [Int32]] = [:]
        for (slot, list) in lists.enumerated() {
            for word in Set(list.words) where !word.isEmpty {
                switch (list.mode, list.caseSensitive) {
                case (.contains, false): folded.add(Self.foldASCII(word), slot: Int32(slot))
                case (.contains, true): exact.add(word, slot: Int32(slot))
                case (.whole, false): Self.add(Int32(slot), to: &wholeFolded[Self.foldASCII(Self.trim(word)), default: []])
                case (.whole, true): Self.add(Int32(slot), to: &wholeExact[Self.trim(word), default: []])
                }
            }
        }
        foldedTable = folded.build(foldASCII: true)
        exactTable = exact.build(foldASCII: false)
        foldedPatternCount = folded.words.count
        exactPatternCount = exact.words.count
        self.wholeFolded = wholeFolded
        self.wholeExact = wholeExact
    }

    /// Counts, for every slot, the distinct words of its list found in `text`.
    public func count(in text: String, scratch: KeywordScratch) {
        scratch.begin(slotCount: slotCount, foldedPatterns: foldedPatternCount, exactPatterns: exactPatternCount)
        if slotCount == 0 { return }
        var text = text
        text.withUTF8 { bytes in
            if let table = foldedTable {
                table.automaton.forEachMatch(in: bytes) { pattern in
                    if scratch.markFolded(pattern) { scratch.hit(slots: table.slotsByPattern[pattern]) }
                }
            }
            if let table = exactTable {
                table.automaton.forEachMatch(in: bytes) { pattern in
                    if scratch.markExact(pattern) { scratch.hit(slots: table.slotsByPattern[pattern]) }
                }
            }
        }
        if !wholeFolded.isEmpty || !wholeExact.isEmpty {
            let trimmed = Self.trim(text)
            if let slots = wholeExact[trimmed] { scratch.hit(slots: slots) }
            if let slots = wholeFolded[Self.foldASCII(trimmed)] { scratch.hit(slots: slots) }
        }
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

    private struct TableBuilder {
        var words: [String] = []
        var idByWord: [String: Int] = [:]
        var slots: [[Int32]] = []

        mutating func add(_ word: String, slot: Int32) {
            if let id = idByWord[word] {
                KeywordIndex.add(slot, to: &slots[id])
                return
            }
            idByWord[word] = words.count
            words.append(word)
            slots.append([slot])
        }

        func build(foldASCII: Bool) -> Table? {
            guard !words.isEmpty else { return nil }
            return Table(automaton: KeywordAutomaton(patterns: words, foldASCII: foldASCII), slotsByPattern: slots)
        }
    }
}

/// Per-event working memory of a ``KeywordIndex``: reused across events with
/// generation stamps, so nothing is cleared or allocated per message.
public final class KeywordScratch {
    private var generation: UInt32 = 0
    private var foldedStamp: [UInt32] = []
    private var exactStamp: [UInt32] = []
    private var slotStamp: [UInt32] = []
    private var slotHits: [Int32] = []

    /// Creates empty scratch memory.
    public init() {}

    /// How many distinct words of slot `slot` the last counted text contained.
    public func hits(slot: Int) -> Int {
        slotStamp[slot] == generation ? Int(slotHits[slot]) : 0
    }

    func begin(slotCount: Int, foldedPatterns: Int, exactPatterns: Int) {
        generation &+= 1
        if generation == 0 {
            // Wrapped around: old stamps could collide, so clear them once.
            foldedStamp = []; exactStamp = []; slotStamp = []
            generation = 1
        }
        if slotStamp.count < slotCount {
            slotStamp = [UInt32](repeating: 0, count: slotCount)
            slotHits = [Int32](repeating: 0, count: slotCount)
        }
        if foldedStamp.count < foldedPatterns { foldedStamp = [UInt32](repeating: 0, count: foldedPatterns) }
        if exactStamp.count < exactPatterns { exactStamp = [UInt32](repeating: 0, count: exactPatterns) }
    }

    /// Marks a folded pattern as seen; false when it was already seen in this text.
    @inline(__always)
    func markFolded(_ pattern: Int) -> Bool {
        if foldedStamp[pattern] == generation { return false }
        foldedStamp[pattern] = generation
        return true
    }

    @inline(__always)
    func markExact(_ pattern: Int) -> Bool {
        if exactStamp[pattern] == generation { return false }
        exactStamp[pattern] = generation
        return true
    }

    func hit(slots: [Int32]) {
        for slot in slots {
            let index = Int(slot)
            if slotStamp[index] != generation {
                slotStamp[index] = generation
                slotHits[index] = 0
            }
            slotHits[index] += 1
        }
    }
}
