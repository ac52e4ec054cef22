/// Which rules of a group type can fire for an event of one trigger, worked
/// out from the keyword pass instead of by trying every rule.
///
/// A rule whose top-level conditions include a keyword list that must hit
/// (`any`, `all`) or a gated regex with required literals can only fire when
/// that slot was hit; such a rule is indexed under the slot. Every other rule
/// is always a candidate. Candidates are kept as a bit set over rule indices,
/// so they come out in evaluation order.
struct CandidatePlan: Sendable {
    /// Rules that are candidates for every event of the trigger.
    let always: [UInt64]
    /// Per keyword slot, the rules that need it.
    let rulesBySlot: [[Int32]]
    /// Whether any rule is indexed by slot (then the keyword pass runs first).
    let usesSlots: Bool
    /// Whether the trigger has any rule at all.
    let isEmpty: Bool
    /// Every rule of the trigger, candidate or not (for `explain`, which gives each a verdict).
    let everyRule: [UInt64]

    init(rules: [Rule], trigger: EventType, slotCount: Int) {
        var always = [UInt64](repeating: 0, count: (rules.count + 63) / 64)
        var bySlot = [[Int32]](repeating: [], count: slotCount)
        var any = false
        for (index, rule) in rules.enumerated() where rule.triggers.contains(trigger) {
            any = true
            if let slot = Self.requiredSlot(of: rule.conditions) {
                bySlot[slot].append(Int32(index))
            } else {
                always[index / 64] |= 1 << UInt64(index % 64)
            }
        }
        self.always = always
        var every = always
        for rule in bySlot.joined() { every[Int(rule) / 64] |= 1 << UInt64(rule % 64) }
        everyRule = every
        rulesBySlot = bySlot
        usesSlots = bySlot.contains { !$0.isEmpty }
        isEmpty = !any
    }

    /// A slot that must have a hit for all of `conditions` to hold.
    static func requiredSlot(of conditions: [Condition]) -> Int? {
        for condition in conditions {
            switch condition {
            case .keywords(let slot, .any): return slot
            case .keywords(let slot, .all(let count)) where count > 0: return slot
            case .regex(let regex) where regex.field == .text && regex.gate?.slot != nil: return regex.gate?.slot
            default: continue
            }
        }
        return nil
    }

    /// Fills `bits` with the candidates for a text whose keyword pass hit `hitSlots`.
    func candidates(hitSlots: [Int32], into bits: inout [UInt64]) {
        bits.removeAll(keepingCapacity: true)
        bits.append(contentsOf: always)
        for slot in hitSlots {
            for rule in rulesBySlot[Int(slot)] {
                bits[Int(rule) / 64] |= 1 << UInt64(rule % 64)
            }
        }
    }
}
