/// When each group was first seen and last spoken in (schedules skip silent groups,
/// count a group's days of life, and the quiet-stage check judges only grown groups).
struct GroupActivity: FlowState {
    var firstSeen: [String: Instant] = [:]
    var lastMessage: [String: Instant] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        firstSeen = try stored.value("firstSeen", or: [:])
        lastMessage = try stored.value("lastMessage", or: [:])
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(firstSeen, "firstSeen")
        try stored.put(lastMessage, "lastMessage")
    }

    /// Notes that the group was seen (its first day starts its life).
    mutating func recordSeen(_ event: Event) {
        if firstSeen[event.group] == nil { firstSeen[event.group] = event.time }
    }
}

/// Per schedule rule, group and step, the next text of a rotating schedule.
struct Rotations: FlowState {
    var next: [String: Int] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        next = try stored.value("rotation", or: [:])
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.put(next, "rotation")
    }

    /// The turn of `rule`'s `step` in `group`, moving the rotation on.
    mutating func take(rule: String, group: String, step: Int) -> Int {
        let key = rule + "|" + group + "|\(step)"
        defer { next[key, default: 0] += 1 }
        return next[key, default: 0]
    }
}
