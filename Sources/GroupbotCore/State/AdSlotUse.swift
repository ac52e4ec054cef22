/// What ad slots remember: the red packets members sent (a slot may ask for one) and
/// the ads each member posted per slot occurrence (the quota).
struct AdSlotUse: FlowState {
    /// Per member, red packets sent: time and amount.
    var redPackets: [MemberKey: [RedPacket]] = [:]
    /// Ads posted per member, slot and occurrence.
    var used: [SlotUseKey: Int] = [:]

    init() {}

    init(from stored: StoredFlows) throws {
        redPackets = try stored.table("redPackets", key: MemberKey.init(stored:))
        used = try stored.table("slotUse", key: SlotUseKey.init(stored:))
    }

    func encode(to stored: inout StoredFlowsEncoder) throws {
        try stored.putTable(redPackets, "redPackets", key: \.stored)
        try stored.putTable(used, "slotUse", key: \.stored)
    }

    /// Old red packets (two days) and quota counts of occurrences two weeks gone are forgotten.
    mutating func prune(_ context: PruneContext) {
        let now = context.now.milliseconds
        redPackets = redPackets.compactMapValues { packets in
            let recent = packets.filter { now - $0.time.milliseconds < 2 * PruneContext.day }
            return recent.isEmpty ? nil : recent
        }
        let today = Int(now / PruneContext.day)
        used = used.filter { key, _ in today - key.day <= 14 }
    }

    mutating func recordRedPacket(_ event: Event) {
        guard event.kind == "red_packet", let amount = event.amount else { return }
        redPackets[MemberKey(event), default: []].append(RedPacket(time: event.time, amount: amount))
    }
}

/// A red packet a member sent.
struct RedPacket: Codable, Sendable {
    var time: Instant
    var amount: Double
}
