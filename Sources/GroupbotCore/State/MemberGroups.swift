/// The groups one member is in, each with its type's name: a small array, since a member
/// is in one to three groups. A dictionary per member cost about 70 bytes more each: with
/// memberships learnt from every message, 200,000 members came to 27 MB; the array halves
/// that (docs/performance.md).
struct MemberGroups: Sendable, Equatable {
    private(set) var entries: [(group: String, type: String)] = []

    init() {}

    init(_ dictionary: [String: String]) {
        entries = dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The same groups as a dictionary (how snapshots store them).
    var dictionary: [String: String] {
        Dictionary(entries.map { ($0.group, $0.type) }, uniquingKeysWith: { _, last in last })
    }

    var isEmpty: Bool { entries.isEmpty }

    func contains(group: String) -> Bool { entries.contains { $0.group == group } }

    /// How many of the groups are of one of `types` (all when `types` is empty).
    func count(ofTypes types: Set<String>) -> Int {
        types.isEmpty ? entries.count : entries.count { types.contains($0.type) }
    }

    mutating func set(_ group: String, type: String) {
        if let index = entries.firstIndex(where: { $0.group == group }) { entries[index].type = type } else { entries.append((group, type)) }
    }

    mutating func remove(_ group: String) {
        entries.removeAll { $0.group == group }
    }

    static func == (left: MemberGroups, right: MemberGroups) -> Bool {
        left.entries.count == right.entries.count && zip(left.entries, right.entries).allSatisfy { $0 == $1 }
    }
}
