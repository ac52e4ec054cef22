import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotStore
import GroupbotTestSupport
import GroupbotWire
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

/// The audit log's rows are deflated; rows written before that read as before.
@Suite struct DeflatedOutboxTests {
    static func actions(_ count: Int) -> [Action] {
        (0..<count).map { index in
            Action(id: "m\(index):ad:0", group: "g-fans-\(index % 7)", body: .dm(user: "u\(index)", text: "您好，群里不能发广告哦，有需要请联系群主报名广告位"),
                   rule: "ad", cause: "m\(index)", due: Instant(seconds: 1_800_000_000 + Int64(index)), utcOffsetSeconds: 28_800)
        }
    }

    @Test func aBatchOfActionsRoundTripsDeflatedAndTakesLessRoom() throws {
        var packer = BatchCoding.Packer()
        for action in Self.actions(200) { packer.append(action: action) }
        let deflated = packer.deflated
        #expect(deflated.first == Deflate.marker)
        #expect(deflated.count * 3 < packer.data.count)
        #expect(try BatchCoding.unpack(actions: deflated).map(RecordCoding.decodeAction) == Self.actions(200))
        // A row written before deflating reads the same.
        #expect(try BatchCoding.unpack(actions: packer.data).map(RecordCoding.decodeAction) == Self.actions(200))
    }

    /// Deflated in slices of a megabyte: inputs of several slices, one, and none come back whole.
    @Test func inputsOfManySlicesRoundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        let text = Array("群公告：本周六晚八点直播，欢迎大家准时参加！".utf8)
        for size in [0, 1, 4_096, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12_345] {
            // Half repeated text, half noise: deflate both shrinks and has to carry bytes as they are.
            let bytes = (0..<size).map { index in index % 2 == 0 ? text[index % text.count] : UInt8.random(in: 0...255, using: &generator) }
            let packed = Deflate.pack(bytes)
            #expect(packed.first == Deflate.marker)
            #expect(try Deflate.unpack(packed) == bytes)
        }
    }

    @Test func damagedDeflatedRowsThrow() throws {
        var packer = BatchCoding.Packer()
        for action in Self.actions(20) { packer.append(action: action) }
        var bytes = [UInt8](packer.deflated)
        bytes.removeLast(4)
        #expect(throws: RecordCoding.Corrupt.self) { try BatchCoding.unpack(actions: Data(bytes)) }
        // A length far beyond what the rest could inflate to is refused before any memory is asked for.
        #expect(throws: RecordCoding.Corrupt.self) { try BatchCoding.unpack(actions: Data([0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2])) }
    }

    /// The state file keeps its outbox deflated, and `log` and recovery read it.
    @Test func theStateFilesAuditLogIsDeflated() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("deflate-\(UUID().uuidString).sqlite").path
        let store = try StateStore(path: path)
        let entries = Self.actions(50).map { JournalEntry(event: nil, time: $0.due, actions: [$0]) }
        try store.commit(entries)
        let first = try store.database.read { db in try db.rows("SELECT actions FROM outbox").first?.blob("actions") }
        #expect(first?.first == Deflate.marker)
        #expect(try store.auditLog().map(\.action) == Self.actions(50))
        #expect(try StateStore(path: path).recover()?.unemitted == Self.actions(50))
    }

    /// A snapshot's JSON is kept deflated too; one written plain (before) reads the same.
    @Test func snapshotsAreDeflatedAndPlainOnesStillRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("deflate-\(UUID().uuidString).sqlite").path
        let book = try RuleBookLoader.load(directory: Repository.root + "/rules")
        let clock = VirtualClock()
        let engine = Engine(book: book, clock: clock)
        let log = try String(contentsOfFile: Repository.root + "/examples/demo.jsonl", encoding: .utf8)
        for line in log.split(separator: "\n") { _ = engine.replay(try EventDecoder.decode(line: String(line)), on: clock) }
        let store = try StateStore(path: path)
        try store.save(engine.snapshot())
        let row = try #require(try store.database.read { db in try db.rows("SELECT data FROM snapshots").first?.blob("data") })
        #expect(row.first == Deflate.marker)
        let plain = try SortedJSONEncoder.encode(try #require(try StateStore(path: path).recover()?.snapshot))
        #expect(row.count * 2 < plain.count)
        #expect(plain == (try SortedJSONEncoder.encode(engine.snapshot())))
        try store.database.write { db in try db.execute("UPDATE snapshots SET data = ?", [.blob(Data(plain))]) }
        #expect(try SortedJSONEncoder.encode(try #require(try StateStore(path: path).recover()?.snapshot)) == plain)
    }
}
