import Foundation
import GroupbotCore
import GroupbotRuntime
@testable import GroupbotStore
import Testing

/// The delivery ledger and the transports' settings, on a SQLite file and on PostgreSQL.
@Suite struct DeliveryLedgerTests {
    func delivery(_ id: String, target: String = "callback", at second: Int64, priority: PacingClass.Priority = .message) -> Delivery {
        Delivery(id: id, target: target, endpoint: "/hook", body: Array("{\"id\":\"\(id)\"}".utf8), created: Instant(seconds: second),
                 pacing: PacingClass(priority: priority, group: "g1", postsInGroup: true), utcOffsetSeconds: 28_800)
    }

    @Test(arguments: StoreBackend.all) func pendingDeadAndRevivedDeliveries(backend: StoreBackend) throws {
        let ledger = try StateStore.open(try backend.newLocation()).deliveries
        try ledger.enqueue([delivery("a", at: 1), delivery("b", at: 2, priority: .enforcement), delivery("c", target: "onebot", at: 3)])
        try ledger.enqueue([delivery("a", at: 9)])  // the same work again: one copy, as it was
        #expect(try ledger.counts() == (pending: 3, dead: 0))
        // Everything due, oldest first; one channel's lane by priority first.
        #expect(try ledger.due(at: Instant(seconds: 10), target: nil, limit: 10).map(\.id) == ["a", "b", "c"])
        #expect(try ledger.due(at: Instant(seconds: 10), target: "callback", limit: 10).map(\.id) == ["b", "a"])
        let read = try #require(try ledger.due(at: Instant(seconds: 10), target: "callback", limit: 1).first)
        #expect(read == delivery("b", at: 2, priority: .enforcement))
        #expect(try ledger.nextDue() == Instant(seconds: 1))

        try ledger.fail(id: "a", error: "HTTP 503", retryAt: Instant(seconds: 60))
        try ledger.fail(id: "b", error: "HTTP 400", retryAt: nil)
        #expect(try ledger.due(at: Instant(seconds: 10), target: "callback", limit: 10).isEmpty)
        let dead = try ledger.deadLetters()
        #expect(dead.map(\.id) == ["b"] && dead.first?.lastError == "HTTP 400" && dead.first?.attempts == 1)
        #expect(try ledger.revive(ids: ["b"], at: Instant(seconds: 70)) == 1)
        #expect(try ledger.revive(ids: nil, at: Instant(seconds: 70)) == 0)
        #expect(try ledger.due(at: Instant(seconds: 70), target: "callback", limit: 10).map(\.id) == ["b", "a"])
        try ledger.complete(id: "b")
        #expect(try ledger.counts() == (pending: 2, dead: 0))
    }

    @Test(arguments: StoreBackend.all) func settingsAreKeptAcrossOpenings(backend: StoreBackend) throws {
        let location = try backend.newLocation()
        let settings = try StateStore.open(location).settings
        #expect(try settings.value("telegram_offset") == nil)
        try settings.set("telegram_offset", 41)
        try settings.set("telegram_offset", 42)
        #expect(try StateStore.open(location).settings.value("telegram_offset") == 42)
    }

    @Test(.enabled(if: StoreBackend.postgresServer != nil, "needs GROUPBOT_TEST_POSTGRES (make test starts a server under CI)"))
    func twoInstancesNeverHoldTheSameDeliveryAndALapsedClaimPassesOn() throws {
        let store = try StateStore.open(try StoreBackend.newDatabase(on: try #require(StoreBackend.postgresServer)))
        let a = store.deliveries(claimedBy: "a", claimMilliseconds: 10_000)
        let b = store.deliveries(claimedBy: "b", claimMilliseconds: 10_000)
        try a.enqueue([delivery("x", at: 1), delivery("y", at: 2)])
        let now = Instant(seconds: 100)
        #expect(try a.due(at: now, target: "callback", limit: 1).map(\.id) == ["x"])
        #expect(try b.due(at: now, target: "callback", limit: 10).map(\.id) == ["y"])  // x is a's
        #expect(try a.due(at: now, target: "callback", limit: 10).map(\.id) == ["x"])  // a renews x; y is b's
        #expect(try a.renewClaim(id: "x", at: now))
        // a goes silent: 10 s later its claim has lapsed, b takes x, and a may no longer send it.
        let later = Instant(seconds: 111)
        #expect(try b.due(at: later, target: "callback", limit: 10).map(\.id) == ["x", "y"])
        #expect(try !a.renewClaim(id: "x", at: later))
        try b.complete(id: "x")
        #expect(try b.counts() == (pending: 1, dead: 0))
    }
}
