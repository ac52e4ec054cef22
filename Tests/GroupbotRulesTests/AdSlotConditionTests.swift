import GroupbotCore
import Testing

/// `in_ad_slot` as a condition, and `{slot_reason}`: why an ad did not pass its slot.
@Suite struct AdSlotConditionTests {
    static let slots = """
        ad_slots:
          - { days: [fri], from: "20:00", to: "21:00", quota: 1, red_packet: 5 }
        """

    static func harness(_ rules: String) throws -> Harness {
        try Harness(["rules/general.yaml": Self.slots + "\nrules:\n" + rules])
    }

    static let reasonRule = """
          - id: ad
            on: message
            when: { keywords: { any: [加微信] } }
            ad_slot: true
            notify_admins: false
            actions: [{ dm: "这条广告没有通过：{slot_reason}" }]
        """

    @Test func inAdSlotIsTheSlotsHoursWithoutRepeatingThem() throws {
        let harness = try Self.harness("""
              - id: slot-open
                on: message
                when: { keywords: { any: [广告] }, in_ad_slot: true }
                actions: [{ reply: 现在是广告时段 }]
              - id: slot-closed
                on: message
                when: { keywords: { any: [广告] }, in_ad_slot: false }
                actions: [{ reply: 广告请留到周五晚上 }]
            """)
        // 2026-11-20 is a Friday.
        #expect(harness.send("可以发广告吗", at: "2026-11-20T20:30:00+08:00").map(\.rule) == ["slot-open"])
        #expect(harness.send("可以发广告吗", at: "2026-11-20T10:00:00+08:00").map(\.rule) == ["slot-closed"])
        #expect(harness.send("可以发广告吗", at: "2026-11-21T20:30:00+08:00").map(\.rule) == ["slot-closed"])
    }

    @Test func theSlotReasonSaysWhyAnAdFailed() throws {
        let harness = try Self.harness(Self.reasonRule)
        #expect(harness.send("加微信 a1", at: "2026-11-20T10:00:00+08:00").compactMap(\.text) == ["这条广告没有通过：现在不是广告时段"])
        #expect(harness.send("加微信 a2", at: "2026-11-20T20:05:00+08:00").compactMap(\.text)
            == ["这条广告没有通过：广告时段里要先发一个 5 元以上的红包"])
        harness.send("红包", at: "2026-11-20T20:06:00+08:00", kind: "red_packet", amount: 2)
        #expect(harness.send("加微信 a3", at: "2026-11-20T20:07:00+08:00").compactMap(\.text)
            == ["这条广告没有通过：红包 2 元，不到 5 元"])
        harness.send("红包", at: "2026-11-20T20:08:00+08:00", kind: "red_packet", amount: 8.8)
        #expect(harness.send("加微信 a4", at: "2026-11-20T20:09:00+08:00").isEmpty)  // passes its slot
        #expect(harness.send("加微信 a5", at: "2026-11-20T20:10:00+08:00").compactMap(\.text)
            == ["这条广告没有通过：这个广告时段每人 1 条的名额已经用完"])
    }

    @Test func inAdSlotNeedsATypeWithAdSlots() {
        let errors = loadErrors(["rules/general.yaml": """
            rules:
              - id: x
                on: message
                when: { in_ad_slot: true }
                actions: [{ reply: hi }]
            """])
        #expect(errors == ["rules/general.yaml:4:25: rule 'x' asks in_ad_slot, but no type that includes it has any; expected an ad_slots: section in the type file or one it extends"])
    }
}
