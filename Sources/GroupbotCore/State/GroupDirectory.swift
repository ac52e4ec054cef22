import PCRE2

/// The groups seen: each one's last known name and the type it maps to, and the groups
/// of each type (for schedules and daily checks). One record per group, so an event
/// costs one look-up.
struct GroupDirectory: Sendable {
    struct Known: Sendable {
        var name: String?
        var typeName: String
        /// The type in the rule book now loaded (nil when the mapping names no type).
        var type: GroupType?
    }

    private(set) var known: [String: Known] = [:]
    private var ofType: [String: Set<String>] = [:]

    init() {}

    subscript(group: String) -> Known? { known[group] }

    func name(of group: String) -> String? { known[group]?.name }

    /// The groups of a type, in id order.
    func members(ofType type: String) -> [String] { (ofType[type] ?? []).sorted() }

    /// Files `group` under `typeName`, moving it from the type it had.
    mutating func set(_ group: String, name: String?, typeName: String, type: GroupType?) {
        if let previous = known[group]?.typeName, previous != typeName { ofType[previous]?.remove(group) }
        known[group] = Known(name: name, typeName: typeName, type: type)
        ofType[typeName, default: []].insert(group)
    }

    /// The type name of a group, mapping it again when its name changes.
    mutating func resolve(group: String, name: String?, book: RuleBook, scratch: MatchScratch) -> Known {
        if let record = known[group], !Self.mapsAgain(knownName: record.name, eventName: name) { return record }
        let groupName = name ?? known[group]?.name
        let typeName = book.mapping.type(ofGroup: group, named: groupName, scratch: scratch)
        set(group, name: groupName, typeName: typeName, type: book.types[typeName])
        return known[group]!
    }

    /// Whether a known group is mapped again: when an event names it differently.
    static func mapsAgain(knownName: String?, eventName: String?) -> Bool {
        eventName != nil && eventName != knownName
    }

    /// Maps every group again under `book` (a reload).
    mutating func remap(to book: RuleBook, scratch: MatchScratch) {
        for (group, record) in known {
            let typeName = book.mapping.type(ofGroup: group, named: record.name, scratch: scratch)
            set(group, name: record.name, typeName: typeName, type: book.types[typeName])
        }
    }

    /// Points the records at `book`'s types, keeping the type each group had (a restore).
    mutating func rebind(to book: RuleBook) {
        for (group, record) in known { known[group]!.type = book.types[record.typeName] }
    }

    /// As snapshots store it: id, name, type, sorted by id.
    var stored: [StoredGroup] {
        known.map { StoredGroup(id: $0.key, name: $0.value.name, type: $0.value.typeName) }.sorted { $0.id < $1.id }
    }

    init(stored: [StoredGroup]) {
        for record in stored { set(record.id, name: record.name, typeName: record.type, type: nil) }
    }

    struct StoredGroup: Codable {
        var id: String
        var name: String?
        var type: String
    }
}
