/// A member of a group: the key of everything the flows remember per member and group,
/// typed instead of a `"group|user"` string.
///
/// Snapshots still store it as `group|user` (``stored``), so the state files written
/// before keep loading; the text is split only there, at the edge.
struct MemberKey: Hashable, Sendable, Comparable {
    let group: String
    let user: String

    init(group: String, user: String) {
        self.group = group
        self.user = user
    }

    init(_ event: Event) {
        group = event.group
        user = event.user
    }

    /// The form snapshots store.
    var stored: String { group + "|" + user }

    /// The key a snapshot stored (group ids hold no `|`; user ids may).
    init?(stored: String) {
        guard let bar = stored.firstIndex(of: "|") else { return nil }
        group = String(stored[..<bar])
        user = String(stored[stored.index(after: bar)...])
    }

    static func < (left: MemberKey, right: MemberKey) -> Bool {
        (left.group, left.user) < (right.group, right.user)
    }
}
