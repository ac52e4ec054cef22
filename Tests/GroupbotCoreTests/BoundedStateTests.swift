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
}
