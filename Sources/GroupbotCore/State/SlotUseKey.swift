/// Whose ads in which occurrence of which ad slot: the key of the quota count, typed
/// instead of a `"group|user|slot@day"` string that pruning split again for the day.
///
/// Snapshots still store it as `group|user|slot@day` (``stored``), so the state files
/// written before keep loading; the text is split only there, at the edge.
struct SlotUseKey: Hashable, Sendable {
    let group: String
    let user: String
    /// The slot's index in its group type's `ad_slots`.
    let slot: Int
    /// The day number (days since 1970-01-01, local) the occurrence starts on.
    let day: Int

    /// The form snapshots store.
    var stored: String { group + "|" + user + "|\(slot)@\(day)" }

    init(group: String, user: String, slot: Int, day: Int) {
        self.group = group
        self.user = user
        self.slot = slot
        self.day = day
    }

    /// The key a snapshot stored (group ids hold no `|`; user ids may).
    init?(stored: String) {
        guard let at = stored.lastIndex(of: "@"), let day = Int(stored[stored.index(after: at)...]),
              let bar = stored[..<at].lastIndex(of: "|"), let slot = Int(stored[stored.index(after: bar)..<at]),
              let first = stored[..<bar].firstIndex(of: "|")
        else { return nil }
        group = String(stored[..<first])
        user = String(stored[stored.index(after: first)..<bar])
        self.slot = slot
        self.day = day
    }
}
