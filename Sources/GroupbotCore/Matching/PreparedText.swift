import PCRE2

/// What the keyword pass of one group type found in one text, kept so that another thread's
/// pass can stand in for the engine's: per slot hit, in the order first hit, the slot and the
/// number of distinct words of its list found. Empty (no allocation) for a text with no hit.
package struct KeywordHits: Sendable {
    /// Slot and count, alternately.
    private(set) var pairs: [Int32] = []
    /// The index's sizes, for the scratch that takes the hits.
    let slotCount: Int32
    let entryCount: Int32

    /// Whether the pass found no word at all.
    package var isEmpty: Bool { pairs.isEmpty }

    /// The hits left in `scratch` by its last count with an index of these sizes.
    init(_ scratch: KeywordScratch, slotCount: Int, entryCount: Int) {
        self.slotCount = Int32(slotCount)
        self.entryCount = Int32(entryCount)
        guard !scratch.hitSlots.isEmpty else { return }
        pairs.reserveCapacity(scratch.hitSlots.count * 2)
        for slot in scratch.hitSlots {
            pairs.append(slot)
            pairs.append(Int32(scratch.hits(slot: Int(slot))))
        }
    }
}

extension KeywordScratch {
    /// Puts `hits` in place as if this scratch had made the pass itself.
    func load(_ hits: KeywordHits) {
        begin(slotCount: Int(hits.slotCount), entryCount: Int(hits.entryCount))
        var index = 0
        while index < hits.pairs.count {
            set(slot: hits.pairs[index], hits: hits.pairs[index + 1])
            index += 2
        }
    }
}

/// Work on an event's text that depends only on the text and the rule book, done ahead of the
/// engine on the thread that reads and decodes (`run --clock events`, `replay`): the keyword pass
/// of the group's type (a fifth of the engine's time on the keyword benchmark) and, in types
/// whose rules or flows read them, a message's normalised text, its fingerprint for `repeated`
/// and its shingles for `near_duplicates` (together a third of the engine's time on the
/// community workload; measured in docs/performance.md). The engine
/// uses it only when it was made for the very type the engine resolves the group to (the
/// preparer keeps a directory of its own, which a restored snapshot or a reload can make
/// differ); otherwise it counts itself, so the output is the same either way.
package struct PreparedText: Sendable {
    /// The ``GroupType/serial`` of the type the pass was made for.
    let typeSerial: UInt64
    /// The keyword pass, when the engine would make one.
    package let keywords: KeywordHits?
    /// The message's text after the type's normaliser, when the type has one.
    package let normalized: String?
    /// For a type that counts repeated texts: the text's fingerprint (``RecentTexts``); the outer
    /// nil when it was not made, the inner when the text has nothing to count.
    package let fingerprint: UInt64??
    /// For a type that compares near-duplicates: the shingles of the text the flow notes
    /// (``NearDuplicates``); the inner nil when the text is too short to compare.
    package let shingles: [UInt32]??
}

/// Prepares the texts of events for one rule book, in input order, on one thread.
///
/// It reads the book's types only when it first meets them: per event it touches nothing the
/// engine's thread touches too (a shared reference count, written from two cores, cost more
/// than the pass saved when it did).
package final class TextPreparer {
    /// What the preparer needs of a group type.
    private struct TypeRecord {
        let serial: UInt64
        let keywords: KeywordIndex
        /// Per trigger (``EventType/planIndex``), whether its rules read keyword slots.
        let countsOn: [Bool]
        let normalizer: (any TextNormalizing)?
        let fingerprints: Bool
        let shingles: Bool
    }

    private let book: RuleBook
    private var records: [TypeRecord] = []
    private var recordOfType: [String: Int] = [:]
    /// Per group: its last known name and its type's record (nil: no type).
    private var groups: [String: (name: String?, record: Int?)] = [:]
    private let scratch = KeywordScratch()
    private let matchScratch = MatchScratch()

    /// A preparer for the engine's current `book`.
    package init(book: RuleBook) {
        self.book = book
    }

    /// The prepared text of `event`, or nil when there is nothing to do ahead for it.
    package func prepare(_ event: Event) -> PreparedText? {
        guard event.type != .tick, event.type != .member, !event.text.isEmpty,
              let index = record(ofGroup: event.group, named: event.groupName)
        else { return nil }
        let record = records[index]
        var keywords: KeywordHits?
        if record.countsOn[event.type.planIndex] {
            record.keywords.count(in: event.text, scratch: scratch)
            keywords = KeywordHits(scratch, slotCount: record.keywords.slotCount, entryCount: record.keywords.entryCount)
        }
        guard event.type == .message else {
            return keywords.map { PreparedText(typeSerial: record.serial, keywords: $0, normalized: nil, fingerprint: nil, shingles: nil) }
        }
        // What the message flows of the engine work out from the text (Engine.runFlows).
        let normalized = record.normalizer?.normalize(event.text)
        let fingerprint: UInt64?? = record.fingerprints ? .some(RecentTexts.fingerprint(event.text)) : nil
        var shingles: [UInt32]??
        if record.shingles {
            // The text as the flow notes it: normalised unless too short to compare.
            let compared = NearDuplicates.mayCompare(event.text) ? normalized ?? event.text : event.text
            shingles = .some(NearDuplicates.shingles(of: compared))
        }
        return PreparedText(typeSerial: record.serial, keywords: keywords, normalized: normalized,
                            fingerprint: fingerprint, shingles: shingles)
    }

    /// The group's type record, mapped as ``GroupDirectory/resolve(group:name:book:scratch:)`` maps it.
    private func record(ofGroup group: String, named name: String?) -> Int? {
        let known = groups[group]
        if let known, !GroupDirectory.mapsAgain(knownName: known.name, eventName: name) { return known.record }
        let groupName = name ?? known?.name
        let typeName = book.mapping.type(ofGroup: group, named: groupName, scratch: matchScratch)
        let index = record(ofType: typeName)
        groups[group] = (groupName, index)
        return index
    }

    private func record(ofType name: String) -> Int? {
        if let index = recordOfType[name] { return index }
        guard let type = book.types[name] else { return nil }
        let record = TypeRecord(serial: type.serial, keywords: type.keywords,
                                countsOn: EventType.allCases.map { type.plan(for: $0).usesSlots },
                                normalizer: type.readsNormalizedText ? type.community.normalizer : nil,
                                fingerprints: type.usesRepeatCondition, shingles: type.usesNearDuplicates)
        records.append(record)
        recordOfType[name] = records.count - 1
        return records.count - 1
    }
}
