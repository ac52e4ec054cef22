import Foundation
@testable import GroupbotCore
import Testing

/// State that grows with traffic stays bounded, and forgetting costs O(1) per message.
@Suite struct BoundedStateTests {
    @Test func authorsOfOldMessagesAreForgottenOldestFirst() throws {
        let state = CommunityState()
        let total = CommunityState.authorLimit + 30_000
        for index in 0..<total { state.rememberAuthor(message: "m\(index)", user: "u\(index % 7)") }
        #expect(state.authors.count == CommunityState.authorLimit)
        #expect(state.authorOrder.count == CommunityState.authorLimit)
        #expect(state.authors["m29999"] == nil)
        #expect(state.authors["m30000"] == "u\(30_000 % 7)")
        #expect(state.authorOrder.first == "m30000")
        #expect(state.authorOrder.last == "m\(total - 1)")
        // A snapshot keeps exactly the remembered ids, in order.
        let copy = try JSONDecoder().decode(CommunityState.self, from: JSONEncoder().encode(state))
        #expect(Array(copy.authorOrder) == Array(state.authorOrder))
        copy.rememberAuthor(message: "new", user: "u1")
        #expect(copy.authors["m30000"] == nil)
        #expect(copy.authors["m30001"] != nil)
    }

    @Test func strikeHistoryKeepsTheMostRecentEntries() {
        var record = StrikeRecord(count: 0, last: Instant(milliseconds: 0), history: [])
        var count = 0
        for index in 1...400 {
            count = record.add(StrikeEntry(time: Instant(milliseconds: Int64(index) * 1000), rule: "flood", group: "g1", cause: "e\(index)"),
                               decaySeconds: 86_400)
        }
        #expect(count == 400)
        #expect(record.history.count <= StrikeRecord.historyLimit + StrikeRecord.historyLimit / 2)
        #expect(record.history.count >= StrikeRecord.historyLimit)
        #expect(record.history.last?.cause == "e400")
        // The count restarts after the decay window without a strike.
        let restarted = record.add(StrikeEntry(time: Instant(milliseconds: 400_000 + 86_400_000), rule: "flood", group: "g1", cause: "late"),
                                   decaySeconds: 86_400)
        #expect(restarted == 1)
    }

    @Test func snapshotsWrittenBeforeTheTextsColumnStillLoad() throws {
        let state = CommunityState()
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(state)) as? [String: Any])
        let old = [TextSighting(time: Instant(milliseconds: 1_000), fingerprint: 42)]
        object["recentTexts"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(["g1|u1": old]))
        let loaded = try JSONDecoder().decode(CommunityState.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(loaded.count(key: "g1|u1", fingerprint: 42, since: Instant(milliseconds: 0)) == 1)
    }

    @Test func recentTextsTravelAsBytesBesideTheSnapshot() throws {
        var snapshot = EngineSnapshot(
            version: 1, timers: TimerQueue(), nextToken: 0, liveTokens: [], cancelledTokens: [], pendingActions: 0,
            cooldownTable: [:], groups: [], schedulesStarted: false, scheduleGeneration: 0, community: CommunityState())
        snapshot.community.recentTexts = [
            "g1|u1": [TextSighting(time: Instant(milliseconds: 1_000), fingerprint: 7), TextSighting(time: Instant(milliseconds: -2), fingerprint: .max)],
            "*|用户": [TextSighting(time: Instant(milliseconds: 5), fingerprint: 9)],
        ]
        let bytes = snapshot.takeRecentTexts()
        #expect(snapshot.community.recentTexts.isEmpty)
        #expect(bytes.count == 4 + (4 + 5 + 4 + 32) + (4 + 8 + 4 + 16))
        var restored = snapshot
        restored.community = CommunityState()
        try restored.putRecentTexts(bytes)
        #expect(restored.community.count(key: "g1|u1", fingerprint: .max, since: Instant(milliseconds: -10)) == 1)
        #expect(restored.community.count(key: "*|用户", fingerprint: 9, since: Instant(milliseconds: 0)) == 1)
        #expect(throws: SnapshotTextsError.self) { try restored.putRecentTexts(Array(bytes.dropLast())) }
        #expect(throws: SnapshotTextsError.self) { try restored.putRecentTexts([255, 255, 255, 255]) }
    }
}
