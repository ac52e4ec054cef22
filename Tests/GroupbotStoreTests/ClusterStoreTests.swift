import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotStore
import Testing

/// The database side of several instances (docs/scaling.md), on PostgreSQL.
@Suite(.enabled(if: StoreBackend.postgresServer != nil, "needs GROUPBOT_TEST_POSTGRES (make test starts a server under CI)"))
struct ClusterStoreTests {
    func cluster(partitions: Int = 8) throws -> ClusterStore {
        let url = try StoreBackend.newDatabase(on: try #require(StoreBackend.postgresServer))
        return try ClusterStore(database: try #require(try StateStore.open(url).postgres), partitions: partitions)
    }

    func event(_ id: String, type: EventType = .message, group: String = "g1") -> Event {
        Event(type: type, id: id, time: Instant(seconds: 1_764_000_000), utcOffsetSeconds: 28_800, group: group, user: "u1", text: "你好")
    }

    @Test func theLogKeepsEachEventOnceInOneOrder() throws {
        let store = try cluster()
        #expect(try store.append([event("e1"), event("e2"), event("e1")]) == [.logged(seq: 1), .logged(seq: 2), .duplicate])
        // Another instance sends e2 again: a duplicate (its number stays unused); ticks are never
        // de-duplicated.
        #expect(try store.append([event("e2"), event("e3"), event("t", type: .tick), event("t", type: .tick)])
            == [.duplicate, .logged(seq: 4), .logged(seq: 5), .logged(seq: 6)])
        #expect(try store.read(after: 0, limit: 10).map(\.event.id) == ["e1", "e2", "e3", "t", "t"])
        #expect(try store.read(after: 2, limit: 2).map(\.seq) == [4, 5])
        #expect(try store.read(after: 1, limit: 1).first?.event.text == "你好")
    }

    @Test func partitionsAreSharedAndGivenBackOnlyWhenHandedOn() throws {
        let store = try cluster()
        let first = try store.heartbeat(instance: "a", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [])
        #expect(first.owned(by: "a").count == 8 && first.liveInstances == 1)
        let second = try store.heartbeat(instance: "b", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [])
        #expect(second.owned(by: "b").isEmpty && second.liveInstances == 2)  // nothing free yet
        // a may give back only partitions 6 and 7 (the others have work not handed on).
        let third = try store.heartbeat(instance: "a", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [6, 7])
        #expect(third.owned(by: "a").map(\.id) == [0, 1, 2, 3, 4, 5])
        let fourth = try store.heartbeat(instance: "b", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [])
        #expect(fourth.owned(by: "b").map(\.id) == [6, 7])
        #expect(store.partition(ofGroup: "g1") == store.partition(ofGroup: "g1") && (0..<8).contains(store.partition(ofGroup: "g1")))
    }

    @Test func aSilentInstancesPartitionsAreTakenOverAndItsLateHandOnIsRefused() throws {
        let store = try cluster(partitions: 2)
        let owned = try store.heartbeat(instance: "a", processedSeq: 0, leaseMilliseconds: 300, releasable: []).owned(by: "a")
        #expect(owned.count == 2)
        let action = Action(id: "e1:r:0", group: "g1", body: .send(text: "hi"), rule: "r", cause: "e1", due: Instant(seconds: 1),
                            utcOffsetSeconds: 0)
        let entry = JournalEntry(event: event("e1"), time: Instant(seconds: 1), actions: [action], groupType: "general")
        let delivery = Delivery(id: action.id, target: "callback", endpoint: "/hook", body: [1], created: Instant(seconds: 1))
        Thread.sleep(forTimeInterval: 0.5)  // a stops heartbeating: its leases lapse
        let taken = try store.heartbeat(instance: "b", processedSeq: 0, leaseMilliseconds: 300, releasable: []).owned(by: "b")
        #expect(taken.map(\.id) == [0, 1] && taken.allSatisfy { $0.epoch == owned[0].epoch + 1 })
        // a wakes up and hands on with the epoch it had: refused, nothing written.
        let stale = ClusterStore.HandOn(partition: 0, epoch: owned[0].epoch, upTo: 1, entries: [entry], deliveries: [delivery])
        #expect(try store.handOn([stale], owner: "a").isEmpty)
        #expect(try store.database.read { db in try db.int("SELECT COUNT(*) FROM deliveries") } == 0)
        // The new owner hands it on: the delivery, the audit log and the mark, once.
        let current = ClusterStore.HandOn(partition: 0, epoch: taken[0].epoch, upTo: 1, entries: [entry], deliveries: [delivery])
        #expect(try store.handOn([current], owner: "b") == [0])
        #expect(try store.database.read { db in try db.int("SELECT COUNT(*) FROM deliveries") } == 1)
        #expect(try StoreReader(database: store.database).auditLog().map(\.action.id) == ["e1:r:0"])
        #expect(try store.status().partitions.first?.emittedSeq == 1)
        #expect(try store.lowestEmittedSeq() == 0)  // partition 1 has handed nothing on
    }

    @Test func aSnapshotIsFoundAtOrBeforeARow() throws {
        let store = try cluster()
        #expect(try store.snapshot(atOrBefore: 100) == nil)
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", "rules: []")])
        let engine = Engine(book: book, clock: VirtualClock())
        try store.saveSnapshot(engine.snapshot(), at: 10)
        try store.saveSnapshot(engine.snapshot(), at: 20)
        #expect(try store.snapshot(atOrBefore: 15)?.seq == 10)
        #expect(try store.snapshot(atOrBefore: 25)?.seq == 20)
        #expect(try store.snapshot(atOrBefore: 5) == nil)
    }

    /// Pruning folds a past day's active members into its count, as a state's retention does.
    @Test func pruningFoldsPastDaysActiveMembers() throws {
        let store = try cluster(partitions: 1)
        let lease = try #require(try store.heartbeat(instance: "a", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [])
            .owned(by: "a").first)
        func message(_ id: String, user: String, day: Int) -> Event {
            var message = event(id)
            message.user = user
            message.time = Instant(seconds: 1_764_000_000 + Int64(day) * 86_400)
            return message
        }
        let events = [message("d0-1", user: "u1", day: 0), message("d0-2", user: "u2", day: 0), message("d3", user: "u1", day: 3)]
        _ = try store.append(events)
        let entries = events.map { JournalEntry(event: $0, time: $0.time, actions: [], groupType: "general") }
        #expect(try store.handOn([ClusterStore.HandOn(partition: lease.id, epoch: lease.epoch, upTo: 3, entries: entries, deliveries: [])],
                                 owner: "a") == [lease.id])
        try store.prune()
        #expect(try store.database.read { db in try db.int("SELECT COUNT(*) FROM daily_active_members") } == 1)
        #expect(try StoreReader(database: store.database).dailyFigures().map(\.active) == [2, 1])
    }

    @Test func instancesRunningOtherRulesAreNamed() throws {
        let store = try cluster()
        _ = try store.heartbeat(instance: "a", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [], rulesVersion: "r1")
        _ = try store.heartbeat(instance: "b", processedSeq: 0, leaseMilliseconds: 60_000, releasable: [], rulesVersion: "r2")
        #expect(try store.instancesWithOtherRules(than: "r2", besides: "c", leaseMilliseconds: 60_000).map(\.id) == ["a"])
        #expect(try store.instancesWithOtherRules(than: "r2", besides: "a", leaseMilliseconds: 60_000).isEmpty)
    }
}
