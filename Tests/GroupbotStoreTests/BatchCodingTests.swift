import Foundation
import GroupbotCore
@testable import GroupbotStore
import Testing

/// The binary forms of journal and outbox rows: round trips, and damage reported instead of trusted.
@Suite struct BatchCodingTests {
    @Test func batchesRoundTrip() throws {
        let records = [Data(), Data([1, 2, 3]), Data(repeating: 7, count: 300)]
        #expect(try BatchCoding.unpack(BatchCoding.pack(records)) == records)
    }

    @Test func damagedBatchesThrow() {
        // A length longer than what follows.
        #expect(throws: RecordCoding.Corrupt.self) { try BatchCoding.unpack(Data([5, 1, 2])) }
        // A length too large for any buffer (all ten bytes of a 64-bit varint set).
        #expect(throws: RecordCoding.Corrupt.self) {
            try BatchCoding.unpack(Data([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0]))
        }
        // A length that never ends.
        #expect(throws: RecordCoding.Corrupt.self) { try BatchCoding.unpack(Data([0x80, 0x80])) }
    }

    @Test func eventsRoundTripAndDamagedStringsThrow() throws {
        let event = Event(type: .message, id: "m1", time: Instant(seconds: 1_800_000_000), utcOffsetSeconds: 28_800,
                          group: "g1", user: "u1", nick: "小美", text: "加微信")
        let decoded = try RecordCoding.decodeEvent(RecordCoding.encode(event))
        #expect(decoded.id == "m1" && decoded.nick == "小美" && decoded.text == "加微信" && decoded.utcOffsetSeconds == 28_800)
        var damaged = [UInt8](RecordCoding.encode(event))
        damaged.removeLast()
        #expect(throws: RecordCoding.Corrupt.self) { try RecordCoding.decodeEvent(Data(damaged)) }
    }
}

/// The state file's action records rebuild an action's body only when it is complete.
@Suite struct ActionRecordTests {
    @Test func anIncompleteActionRecordIsCorruptNotAGuess() throws {
        let mute = Action(id: "a", group: "g1", body: .mute(user: "u1", seconds: 600), rule: "r", cause: "c",
                          due: Instant(seconds: 1), utcOffsetSeconds: 0)
        #expect(try RecordCoding.decodeAction(RecordCoding.encode(mute)) == mute)
        // A kick's record with its kind changed to "mute" (same length): a mute without a duration.
        let kick = Action(id: "a", group: "g1", body: .kick(user: "u1"), rule: "r", cause: "c", due: Instant(seconds: 1), utcOffsetSeconds: 0)
        var bytes = Array(RecordCoding.encode(kick))
        let word = Array("kick".utf8)
        let at = try #require((0...(bytes.count - word.count)).first { Array(bytes[$0..<$0 + word.count]) == word })
        bytes.replaceSubrange(at..<at + word.count, with: Array("mute".utf8))
        #expect(throws: RecordCoding.Corrupt.self) { try RecordCoding.decodeAction(Data(bytes)) }
    }
}
