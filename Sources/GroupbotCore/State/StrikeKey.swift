/// Whose strikes on which ladder: the key of a member's strike record, typed instead of a
/// `"user|ladder"` string that every reader split again.
///
/// Snapshots still store it as `user|ladder` (``stored``), so the state files written
/// before keep loading; the text is split only there, at the edge.
struct StrikeKey: Hashable, Sendable, Comparable {
    let user: String
    let ladder: String

    /// The form snapshots store.
    var stored: String { user + "|" + ladder }

    /// The key a snapshot stored; a ladder name never holds `|`, a user id may.
    init?(stored: String) {
        guard let separator = stored.lastIndex(of: "|") else { return nil }
        user = String(stored[..<separator])
        ladder = String(stored[stored.index(after: separator)...])
    }

    init(user: String, ladder: String) {
        self.user = user
        self.ladder = ladder
    }

    /// In the order of the stored form, as before the key was typed (listings stay the same).
    static func < (left: StrikeKey, right: StrikeKey) -> Bool {
        left.stored < right.stored
    }
}
