@testable import GroupbotCore
import Foundation
import Testing

/// Strike records are keyed by member and ladder in memory, and stored as `user|ladder`
/// in snapshots, as before the key was typed.
@Suite struct StrikeKeyTests {
    @Test func theStoredFormRoundTripsEvenWhenAUserIdHoldsABar() throws {
        let key = StrikeKey(user: "wx|u1", ladder: "ads")
        #expect(key.stored == "wx|u1|ads")
        #expect(StrikeKey(stored: key.stored) == key)
        #expect(StrikeKey(stored: "no-bar") == nil)
    }

    @Test func aSnapshotStoresStrikesAsBeforeAndReadsThemBack() throws {
        var state = EngineState()
        state.ladders.strikes[StrikeKey(user: "u1", ladder: "ads")] = StrikeRecord(count: 1, last: Instant(milliseconds: 5), history: [])
        let data = try JSONEncoder().encode(state)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let community = try #require(json["community"] as? [String: Any])
        #expect((community["strikes"] as? [String: Any])?.keys.sorted() == ["u1|ads"])
        let back = try JSONDecoder().decode(EngineState.self, from: data)
        #expect(back.ladders.strikes[StrikeKey(user: "u1", ladder: "ads")]?.count == 1)
    }

    @Test func listingsKeepTheOrderOfTheStoredForm() {
        let keys = [StrikeKey(user: "u1", ladder: "ads"), StrikeKey(user: "u10", ladder: "ads")].sorted()
        #expect(keys.map(\.stored) == ["u10|ads", "u1|ads"])
    }
}

/// Ad-slot quota counts are keyed by member, slot and occurrence, stored as before.
@Suite struct SlotUseKeyTests {
    @Test func theStoredFormRoundTrips() {
        let key = SlotUseKey(group: "g-fans-01", user: "wx|u1", slot: 0, day: 20_415)
        #expect(key.stored == "g-fans-01|wx|u1|0@20415")
        #expect(SlotUseKey(stored: key.stored) == key)
        #expect(SlotUseKey(stored: "g1|u1|x@5") == nil)
    }

    @Test func pruningForgetsOccurrencesOlderThanTwoWeeks() {
        var state = EngineState()
        let day: Int64 = 86_400_000
        state.adSlots.used[SlotUseKey(group: "g1", user: "u1", slot: 0, day: 100)] = 1
        state.adSlots.used[SlotUseKey(group: "g1", user: "u1", slot: 0, day: 90)] = 1
        state.prune(now: Instant(milliseconds: 110 * day))
        #expect(state.adSlots.used.keys.map(\.day) == [100])
    }
}

/// An action's bookkeeping note is a typed value, stored in its old text form.
@Suite struct ActionNoteTests {
    @Test func notesRoundTripThroughTheirStoredForm() throws {
        let pardon = ActionNote.pardoned(["flood": 1, "ad-contact": 2])
        #expect(pardon.stored == "pardoned:ad-contact=2,flood=1")
        #expect(ActionNote(stored: pardon.stored) == pardon)
        #expect(ActionNote(stored: "strike") == .strike)
        #expect(ActionNote(stored: "pardoned:x") == nil)
        let data = try JSONEncoder().encode([ActionNote.strike])
        #expect(String(decoding: data, as: UTF8.self) == #"["strike"]"#)
    }
}
