import Foundation
@testable import GroupbotCore
import Testing

/// State that grows with traffic stays bounded, and forgetting costs O(1) per message.
@Suite struct BoundedStateTests {
    @Test func authorsOfOldMessagesAreForgottenOldestFirst() throws {
        var state = EngineState()
        let total = AdminTrust.authorLimit + 30_000
        for index in 0..<total { state.trust.rememberAuthor(message: "m\(index)", user: "u\(index % 7)") }
        #expect(state.trust.authors.count == AdminTrust.authorLimit)
        #expect(state.trust.authorOrder.count == AdminTrust.authorLimit)
        #expect(state.trust.authors["m29999"] == nil)
        #expect(state.trust.authors["m30000"] == "u\(30_000 % 7)")
        #expect(state.trust.authorOrder.first == "m30000")
        #expect(state.trust.authorOrder.last == "m\(total - 1)")
        // A snapshot keeps exactly the remembered ids, in order.
        var copy = try JSONDecoder().decode(EngineState.self, from: JSONEncoder().encode(state))
        #expect(Array(copy.trust.authorOrder) == Array(state.trust.authorOrder))
        copy.trust.rememberAuthor(message: "new", user: "u1")
        #expect(copy.trust.authors["m30000"] == nil)
        #expect(copy.trust.authors["m30001"] != nil)
    }

    @Test func strikeHistoryKeepsTheMostRecentEntries() {
        var record = StrikeRecord(count: 0, last: Instant(milliseconds: 0), history: [])
        var count = 0
        for index in 1...400 {
            count = record.add(StrikeEntry(time: Instant(milliseconds: Int64(index) * 1000), rule: "flood", group: "g1", cause: "e\(index)"),
                               counting: .decay(seconds: 86_400))
        }
        #expect(count == 400)
        #expect(record.history.count <= StrikeRecord.historyLimit + StrikeRecord.historyLimit / 2)
        #expect(record.history.count >= StrikeRecord.historyLimit)
        #expect(record.history.last?.cause == "e400")
        // The count restarts after the decay window without a strike.
        let restarted = record.add(StrikeEntry(time: Instant(milliseconds: 400_000 + 86_400_000), rule: "flood", group: "g1", cause: "late"),
                                   counting: .decay(seconds: 86_400))
        #expect(restarted == 1)
    }

    @Test func snapshotsWrittenBeforeTheTextsColumnStillLoad() throws {
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(EngineState())) as? [String: Any])
        var community = try #require(object["community"] as? [String: Any])
        let old = [TextSighting(time: Instant(milliseconds: 1_000), fingerprint: 42)]
        community["recentTexts"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(["g1|u1": old]))
        object["community"] = community
        let loaded = try JSONDecoder().decode(EngineState.self, from: JSONSerialization.data(withJSONObject: object))
        let member = RepeatScope.inGroup(MemberKey(group: "g1", user: "u1"))
        #expect(loaded.recentTexts.count(member, fingerprint: 42, since: Instant(milliseconds: 0)) == 1)
    }

    @Test func recentTextsTravelAsBytesBesideTheSnapshot() throws {
        var snapshot = EngineSnapshot(state: EngineState())
        let member = RepeatScope.inGroup(MemberKey(group: "g1", user: "u1"))
        let everywhere = RepeatScope.acrossGroups(user: "用户")
        snapshot.state.recentTexts.lists = [
            member: [TextSighting(time: Instant(milliseconds: 1_000), fingerprint: 7), TextSighting(time: Instant(milliseconds: -2), fingerprint: .max)],
            everywhere: [TextSighting(time: Instant(milliseconds: 5), fingerprint: 9)],
        ]
        let bytes = snapshot.takeRecentTexts()
        #expect(snapshot.state.recentTexts.lists.isEmpty)
        #expect(bytes.count == 12 + (4 + 5 + 4 + 40) + (4 + 8 + 4 + 20))
        var restored = snapshot
        restored.state = EngineState()
        try restored.putRecentTexts(bytes)
        #expect(restored.state.recentTexts.count(member, fingerprint: .max, since: Instant(milliseconds: -10)) == 1)
        #expect(restored.state.recentTexts.count(everywhere, fingerprint: 9, since: Instant(milliseconds: 0)) == 1)
        #expect(throws: SnapshotTextsError.self) { try restored.putRecentTexts(Array(bytes.dropLast())) }
        #expect(throws: SnapshotTextsError.self) { try restored.putRecentTexts([255, 255, 255, 255, 3, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: SnapshotTextsError.self) { try restored.putRecentTexts([255, 255, 255, 255]) }
    }

    /// Bytes written before sightings kept their group (no version marker, 16 bytes a sighting) still load.
    @Test func recentTextsWrittenBeforeGroupsWereKeptStillLoad() throws {
        func le<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
        let key = Array("g1|u1".utf8)
        let old = le(UInt32(1)) + le(UInt32(key.count)) + key + le(UInt32(1)) + le(UInt64(1_000)) + le(UInt64(42))
        var snapshot = EngineSnapshot(state: EngineState())
        try snapshot.putRecentTexts(old)
        let member = RepeatScope.inGroup(MemberKey(group: "g1", user: "u1"))
        let seen = snapshot.state.recentTexts.sightings(member, fingerprint: 42, since: Instant(milliseconds: 0))
        #expect(seen.count == 1 && seen.groups == 1)
        #expect(snapshot.state.recentTexts.lists[member]?.first?.group == 0)
    }
}
