import Foundation
import GRDB
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotStore
import Testing

/// The store's behaviour, on a SQLite file and (when a server is at hand) on PostgreSQL.
@Suite struct StateStoreTests {
    func temporaryPath() -> String {
        NSTemporaryDirectory() + "groupbot-store-\(UUID().uuidString).sqlite"
    }

    static let rules = """
        ladders:
          ads: { steps: [[{ dm: 广告请在周五发 }], [delete, { mute: 10m }]] }
        rules:
          - id: ad
            on: message
            when: { keywords: { any: [加微信] } }
            ladder: ads
          - id: later
            on: message
            when: { keywords: { any: [稍后] } }
            actions: [{ send: 稍后回复, after: 10m }]
        """

    func event(_ id: String, _ text: String, at minute: Int, type: EventType = .message, group: String = "g1") -> Event {
        let base = Timestamp.parse("2026-11-20T10:00:00+08:00")!.instant
        return Event(type: type, id: id, time: base.adding(seconds: Int64(minute * 60)), utcOffsetSeconds: 28_800,
                     group: group, groupName: "鱼油粉丝群", user: "u1", nick: "小美", text: text, memberCount: type == .join ? 120 : nil)
    }

    func pipeline(_ store: StateStore, sink: CollectingSink) throws -> EventPipeline {
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", Self.rules)])
        return EventPipeline(book: book, clock: .events, sink: sink, store: store, report: { Issue.record("\($0)") })
    }

    @Test(arguments: StoreBackend.all) func stateSurvivesARestartAndRepeatedEventsActOnce(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        do {
            let sink = CollectingSink()
            let first = try pipeline(try StateStore.open(path), sink: sink)
            first.handle(event("m1", "加微信", at: 0))
            first.handle(event("m2", "稍后联系", at: 1))
            first.flush()  // committed, emitted; no snapshot: the restart must replay the journal
            #expect(sink.actions.map(\.kind) == [.dm])
        }
        let sink = CollectingSink()
        let second = try pipeline(try StateStore.open(path), sink: sink)
        #expect(try second.recover() == 2)
        second.handle(event("m1", "加微信", at: 0))          // delivered again: ignored
        second.handle(event("m3", "加微信", at: 20))         // the strike survived: second step
        second.finish()
        #expect(second.summary.duplicates == 1)
        #expect(sink.actions.map(\.id) == ["m2:later:0", "m3:ad:0", "m3:ad:1", "m3:ad:2"])
    }

    @Test(arguments: StoreBackend.all) func snapshotsWrittenInTheBackgroundCoverExactlyWhatWasCommitted(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        do {
            let store = try StateStore.open(path)
            store.snapshotInBackground()
            let sink = CollectingSink()
            let first = try pipeline(store, sink: sink)
            first.handle(event("m1", "加微信", at: 0))
            first.flush()
            try store.save(first.engine.snapshot())    // handed to the background
            first.handle(event("m2", "稍后联系", at: 1))  // committed after the snapshot: in the journal only
            first.flush()
            try store.waitForSnapshots()
        }
        let sink = CollectingSink()
        let second = try pipeline(try StateStore.open(path), sink: sink)
        #expect(try second.recover() == 1)                 // only m2 is run again
        second.handle(event("m3", "加微信", at: 20))         // the strike from the snapshot: second step
        second.finish()
        #expect(sink.actions.map(\.id) == ["m2:later:0", "m3:ad:0", "m3:ad:1", "m3:ad:2"])
    }

    @Test(arguments: StoreBackend.all) func theRepeatedConditionRemembersAcrossASnapshotAndARestart(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        let rules = """
            rules:
              - id: again
                on: message
                when: { repeated: { count: 2, within: 1h } }
                actions: [delete]
            """
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", rules)])
        do {
            let first = EventPipeline(book: book, clock: .events, sink: CollectingSink(), store: try StateStore.open(path),
                                      report: { Issue.record("\($0)") })
            first.handle(event("m1", "同一句话说两遍", at: 0))
            first.finish()  // a snapshot: the texts go in its own column, as bytes
        }
        let sink = CollectingSink()
        let second = EventPipeline(book: book, clock: .events, sink: sink, store: try StateStore.open(path),
                                   report: { Issue.record("\($0)") })
        #expect(try second.recover() == 0)
        second.handle(event("m2", "同一句话说两遍", at: 5))
        second.finish()
        #expect(sink.actions.map(\.kind) == [.delete, .notify])  // the recall and its admin notice
    }

    @Test(arguments: StoreBackend.all) func unemittedActionsAreEmittedAfterACrash(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        do {
            let store = try StateStore.open(path)
            let action = Action(id: "x:r:0", group: "g1", body: .send(text: "hi"), rule: "r", cause: "x",
                                due: Instant(seconds: 1), utcOffsetSeconds: 0)
            try store.commit([JournalEntry(event: event("x", "hi", at: 0), time: Instant(seconds: 1), actions: [action])])
            // The process dies here, before emitting.
        }
        let sink = CollectingSink()
        let restarted = try pipeline(try StateStore.open(path), sink: sink)
        try restarted.recover()
        #expect(sink.actions.map(\.id) == ["x:r:0"])
        let again = CollectingSink()
        try pipeline(try StateStore.open(path), sink: again).recover()
        #expect(again.actions.isEmpty)
    }

    @Test func anOlderStateFileIsMigrated() throws {
        let path = temporaryPath()
        do {
            let pool = try DatabasePool(path: path)
            try StoreMigrations.migrator.migrate(pool, upTo: "v1-journal-outbox-snapshots")
            try pool.write { db in
                let hash = withUnsafeBytes(of: StableHash.of(id: "old-1").bigEndian) { Data($0) }
                try db.execute(sql: "INSERT INTO processed (hashes) VALUES (?)", arguments: [hash])
            }
        }
        let store = try StateStore(path: path)
        #expect(try store.contains(eventID: "old-1"))
        #expect(try store.dailyFigures().isEmpty)
        let applied = try #require(store.pool).read { try StoreMigrations.migrator.appliedIdentifiers($0) }
        #expect(applied.count == 11)
        #expect(applied.contains("v9-delivery-pacing") && applied.contains("v10-console-figures") && applied.contains("v11-active-counts"))
        #expect(applied.contains("v6-deliveries"))
    }

    @Test func activeMembersOfAnOlderStateFileAreKeptAsHashes() throws {
        let path = temporaryPath()
        do {
            let pool = try DatabasePool(path: path)
            try StoreMigrations.migrator.migrate(pool, upTo: "v7-snapshot-texts")
            try pool.write { db in
                try db.execute(sql: "INSERT INTO daily_stats (group_id, day, messages) VALUES ('g1', '2026-11-20', 3)")
                for user in ["u1", "u2"] {
                    try db.execute(sql: "INSERT INTO daily_active (group_id, day, user_id) VALUES ('g1', '2026-11-20', ?)",
                                   arguments: [user])
                }
            }
        }
        let store = try StateStore(path: path)
        #expect(try store.dailyFigures().map(\.active) == [2])
        // The same members posting again that day are not counted twice; a new one is.
        let run = try pipeline(store, sink: CollectingSink())
        for (index, user) in ["u1", "u2", "u3"].enumerated() {
            var message = event("m\(index)", "你好", at: index)
            message.user = user
            run.handle(message)
        }
        run.finish()
        #expect(try store.dailyFigures().map(\.active) == [3])
    }

    @Test(arguments: StoreBackend.all) func activeMembersAddUpAcrossSnapshotsWithoutCountingAnyoneTwice(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        for (round, users) in [["u1", "u2"], ["u2", "u3", "u4"]].enumerated() {
            let run = try pipeline(try StateStore.open(path), sink: CollectingSink())
            try run.recover()
            for (index, user) in users.enumerated() {
                var message = event("r\(round)-\(index)", "你好", at: round * 10 + index)
                message.user = user
                run.handle(message)
            }
            run.finish()
        }
        let day = try #require(try StateStore.open(path).dailyFigures().first)
        #expect(day.active == 4 && day.messages == 5)
    }

    /// Once a day is over everywhere (two UTC days on), its active members are kept as a count
    /// and their hashes go; the count reads the same, and a late event for the day adds to it.
    @Test(arguments: StoreBackend.all) func aPastDaysActiveMembersAreFoldedIntoACount(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        let store = try StateStore.open(path)
        let run = try pipeline(store, sink: CollectingSink())
        func post(_ id: String, by user: String, at minute: Int) {
            var message = event(id, "你好", at: minute)
            message.user = user
            run.handle(message)
        }
        for (index, user) in ["u1", "u2", "u1"].enumerated() { post("d1-\(index)", by: user, at: index) }
        post("d2", by: "u1", at: 24 * 60)                               // the next day: still open
        run.snapshotNow()
        let hashRows = { try store.database.read { db in try db.int("SELECT COUNT(*) FROM daily_active_members") ?? 0 } }
        #expect(try hashRows() == 2)
        post("d4", by: "u3", at: 3 * 24 * 60)                           // the 23rd: the 20th and 21st are past
        run.snapshotNow()
        #expect(try hashRows() == 1)
        #expect(try store.dailyFigures().map(\.active) == [2, 1, 1])
        post("late", by: "u4", at: 5)                                   // a late event for the 20th
        run.finish()
        #expect(try StateStore.open(path).dailyFigures().map(\.active) == [3, 1, 1])
    }

    /// A new snapshot takes the old one's pages: the file does not keep room for two.
    @Test func aSnapshotReplacesTheLastInPlace() throws {
        let store = try StateStore(path: temporaryPath())
        // A rule that remembers every member's recent texts: a snapshot of some size.
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", Self.rules + """

              - id: flood
                on: message
                when: { repeated: { count: 3, within: 1d } }
                actions: [delete]
            """)])
        let run = EventPipeline(book: book, clock: .events, sink: CollectingSink(), store: store, report: { Issue.record("\($0)") })
        // Ten snapshots as members keep coming: each a little larger than the last, the
        // journal between them small.
        for index in 0..<3_000 {
            var message = event("m\(index)", "大家好，我是新来的第\(index)位", at: index / 100)
            message.user = "u\(index)"
            message.nick = "会员\(index)号"
            run.handle(message)
            if index % 300 == 299 { run.snapshotNow() }
        }
        let snapshotBytes = try store.database.read { db in
            try db.int("SELECT CAST(SUM(length(data) + COALESCE(length(texts), 0)) AS BIGINT) FROM snapshots") ?? 0
        }
        #expect(snapshotBytes > 100_000)
        let free = try #require(store.pool).read { db in
            try Int.fetchOne(db, sql: "SELECT freelist_count * page_size FROM pragma_freelist_count, pragma_page_size") ?? 0
        }
        #expect(free < snapshotBytes / 2)
    }

    @Test func aNewStateFileGivesThePagesASnapshotFreesBack() throws {
        let store = try StateStore(path: temporaryPath())
        let pool = try #require(store.pool)
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") } == 2)
        func pages() throws -> (total: Int, free: Int) {
            try pool.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0, try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
            }
        }
        // A busy stretch: the journal of 3,000 events in 60 commits, then the snapshot that makes
        // it unnecessary (and deletes it).
        let run = try pipeline(store, sink: CollectingSink())
        for index in 0..<3_000 {
            var message = event("m\(index)", "第\(index)条：今天的活动几点开始？门店地址在哪里？", at: index / 100)
            message.user = "u\(index % 500)"
            run.handle(message)
            if index % 50 == 49 { run.flush() }
        }
        let busy = try pages()
        run.snapshotNow()
        let after = try pages()
        #expect(after.free == 0)
        #expect(after.total < busy.total)
    }

    /// The test rules less the advert rule: what an operator's edit might leave.
    static func withoutTheAdRule() throws -> RuleBook {
        try RuleBookLoader.load(files: [("rules/general.yaml", """
            rules:
              - id: later
                on: message
                when: { keywords: { any: [稍后] } }
                actions: [{ send: 稍后回复, after: 10m }]
            """)])
    }

    @Test(arguments: StoreBackend.all) func aSnapshotWhenTheRulesChangeKeepsTheOldRulesWorkOutOfARecovery(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        do {
            let sink = CollectingSink()
            let first = try pipeline(try StateStore.open(path), sink: sink)
            first.handle(event("m1", "加微信", at: 0))  // a strike under the old rules
            first.handle(event("m2", "稍后联系", at: 1))
            // What `run` and `serve` do after a reload: new rules, then a snapshot.
            first.engine.replaceBook(try Self.withoutTheAdRule())
            first.snapshotNow()
            first.handle(event("m3", "加微信", at: 2))  // nothing fires under the new rules
            first.flush()  // committed and emitted, then a crash: no snapshot at the end
            #expect(sink.actions.map(\.id) == ["m1:ad:0"])
        }
        let sink = CollectingSink()
        let second = EventPipeline(book: try Self.withoutTheAdRule(),
                                   clock: .events, sink: sink, store: try StateStore.open(path), report: { Issue.record("\($0)") })
        // Only m3 runs again, and under the rules it first ran with; m1 and m2 are in the snapshot,
        // m2's delayed reply still pending there.
        #expect(try second.recover() == 1)
        second.handle(event("m4", "你好", at: 20))
        second.finish()
        #expect(sink.actions.map(\.id) == ["m2:later:0"])
    }

    @Test func commitsSyncTheFileOnlyWhenAsked() throws {
        let store = try StateStore(path: temporaryPath())
        #expect(!store.syncsEveryCommit)  // NORMAL: WAL keeps the file whole; syncs at checkpoints
        try store.syncEveryCommit()
        #expect(store.syncsEveryCommit)
        let run = try pipeline(store, sink: CollectingSink())
        run.handle(event("s1", "加微信", at: 0))
        run.finish()
        #expect(try store.auditLog().count == 1)
    }

    @Test func finishingCheckpointsEmptiesTheWriteAheadLog() throws {
        let path = temporaryPath()
        let store = try StateStore(path: path)
        try store.checkpointInBackground(intervalMilliseconds: 60_000)  // no tick during the test
        let sink = CollectingSink()
        let run = try pipeline(store, sink: sink)
        for index in 0..<500 { run.handle(event("w\(index)", "稍后联系", at: index)) }
        run.finish()
        func logSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0 }
        #expect(try logSize() > 0)
        try store.finishCheckpoints()
        #expect(try logSize() == 0)
        #expect(sink.actions.count > 400)  // the delayed replies due before the last event
        #expect(try StateStore(path: path).auditLog().count == sink.actions.count)
    }

    /// Under a writer that never pauses, the background checkpoints never copy the last
    /// frames and the log would never start over; the writer then checkpoints itself.
    @Test func aRestartRequestLetsTheLogStartOverInsteadOfGrowing() throws {
        /// The log file's growth while a second large batch is committed.
        func growth(requestingRestart: Bool) throws -> Int {
            let path = temporaryPath()
            let store = try StateStore(path: path)
            try store.checkpointInBackground(intervalMilliseconds: 60_000)  // no tick: as if always behind
            let run = try pipeline(store, sink: CollectingSink())
            func batch(_ name: String, _ count: Int) {
                for index in 0..<count { run.handle(event("\(name)\(index)", "普通聊天 \(index)", at: index)) }
                run.flush()
            }
            func logSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0 }
            batch("a", 400)
            if requestingRestart { store.checkpointer?.requestRestart() }
            batch("b", 1)  // with the request, the writer copies the whole log after this commit
            let before = try logSize()
            batch("c", 200)  // ... so this smaller batch is written over the log's start
            return try logSize() - before
        }
        #expect(try growth(requestingRestart: false) > 0)
        #expect(try growth(requestingRestart: true) == 0)
    }

    @Test(arguments: StoreBackend.all) func aQuietInputStillGetsItsTimedSnapshot(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        let store = try StateStore.open(path)
        store.snapshotSeconds = 0.2
        let run = try pipeline(store, sink: CollectingSink())
        run.commitInBackground()
        run.handle(event("q1", "你好", at: 0))
        run.flush()  // committed; too soon for the time-based snapshot
        func snapshots() throws -> Int64 { try store.database.read { db in try db.int("SELECT COUNT(*) FROM snapshots") ?? 0 } }
        #expect(try snapshots() == 0)
        Thread.sleep(forTimeInterval: 0.3)  // the input stays quiet; the run loop calls idle
        run.idle()  // asks the store
        run.flush()  // waits for the writer
        run.idle()  // saves what it asked for
        run.flush()
        #expect(try snapshots() == 1)
        #expect(try store.dailyFigures().first?.messages == 1)
    }

    @Test func aFastRunSpacesItsSnapshotsOut() throws {
        let store = try StateStore(path: temporaryPath())
        store.snapshotInterval = 10
        let entries = (0..<20).map { JournalEntry(event: event("s\($0)", "你好", at: $0), time: Instant(milliseconds: 0), actions: []) }
        try store.commit(entries)
        // Twice the interval's entries, but within seconds of the last snapshot (the store's opening).
        #expect(!store.wantsSnapshot)
        store.snapshotSpacing = 0
        #expect(store.wantsSnapshot)
        // A snapshot that took a second waits ten before the next.
        store.lastSnapshotCost = 1
        #expect(!store.wantsSnapshot)
        store.lastSnapshotCost = 0
        // The cost is measured: after a snapshot, what it took.
        let engine = Engine(book: try RuleBookLoader.load(files: [("rules/general.yaml", Self.rules)]), clock: VirtualClock())
        try store.save(engine.snapshot())
        #expect(store.lastSnapshotCost > 0)
    }

    @Test(arguments: StoreBackend.all) func committingInTheBackgroundGivesTheSameActionsAndDropsRepeatsInFlight(backend: StoreBackend) throws {
        // 2,500 events: batches of 1,000 go to the writer while the engine goes on.
        func events() -> [Event] {
            (0..<2_500).map { index in
                var message = event("e\(index)", index % 7 == 0 ? "加微信" : "稍后联系", at: index)
                message.user = "u\(index % 50)"
                return message
            }
        }
        let expected = CollectingSink()
        let inMemory = EventPipeline(book: try RuleBookLoader.load(files: [("rules/general.yaml", Self.rules)]),
                                     clock: .events, sink: expected, report: { Issue.record("\($0)") })
        for event in events() { inMemory.handle(event) }
        inMemory.finish()

        let path = try backend.newLocation()
        let sink = CollectingSink()
        let background = try pipeline(try StateStore.open(path), sink: sink)
        background.commitInBackground()
        let all = events()
        for (index, event) in all.enumerated() {
            background.handle(event)
            // Repeats while their first copy is in the batch being built (the first 200, at once),
            // and while it is in the batch handed to the writer or already committed (200 more,
            // from the first batch, while the second is built): dropped every time.
            if index < 200 { background.handle(event) }
            if (1_000..<1_200).contains(index) { background.handle(all[index - 1_000]) }
        }
        background.finish()
        #expect(background.summary.duplicates == 400)
        #expect(background.summary.actions == expected.actions.count)
        #expect(sink.actions.map(\.id) == expected.actions.map(\.id))
        let log = try StateStore.open(path).auditLog()
        #expect(log.count == expected.actions.count && log.allSatisfy(\.emitted))
    }

    @Test(arguments: StoreBackend.all) func dailyFiguresAndTheAuditLog(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        let store = try StateStore.open(path)
        let sink = CollectingSink()
        let run = try pipeline(store, sink: sink)
        run.handle(event("j1", "", at: 0, type: .join))
        run.handle(event("m1", "加微信", at: 1))
        run.handle(event("m2", "加微信", at: 2))
        run.handle(event("m3", "你好", at: 3))
        run.finish()
        let figures = try store.dailyFigures()
        #expect(figures.count == 1)
        let day = try #require(figures.first)
        #expect(day.day == "2026-11-20" && day.group == "g1" && day.type == "general" && day.members == 120)
        #expect(day.joins == 1 && day.messages == 3 && day.active == 1)
        #expect(day.guided == 1 && day.deleted == 1 && day.muted == 1 && day.strikes == 2)
        #expect(day.hits == ["ad": 2])
        let log = try store.auditLog(user: "u1", rule: "ad")
        #expect(log.map(\.action.kind) == [.dm, .delete, .mute, .notify])
        #expect(log.allSatisfy { $0.emitted })
        #expect(try store.dailyFigures(type: "vip").isEmpty)
    }

    /// A day without a join or leave has no count from the platform: it keeps the last one.
    @Test(arguments: StoreBackend.all) func everyGroupDayHasTheMemberCountLastReported(backend: StoreBackend) throws {
        let store = try StateStore.open(try backend.newLocation())
        let run = try pipeline(store, sink: CollectingSink())
        run.handle(event("j1", "", at: 0, type: .join))               // day 1: 120 members
        run.handle(event("m1", "你好", at: 24 * 60))                   // day 2: messages only
        run.handle(event("m2", "你好", at: 2 * 24 * 60, group: "g2"))   // another group, never counted
        run.finish()
        let figures = try store.dailyFigures()
        #expect(figures.map(\.day) == ["2026-11-20", "2026-11-21", "2026-11-22"])
        #expect(figures.map(\.members) == [120, 120, nil])
    }

    /// A day before the group's first report takes that first count (the week's first days of
    /// a group whose first join comes later); with no report at all, nothing is made up.
    @Test(arguments: StoreBackend.all) func daysBeforeTheFirstReportTakeTheFirstCount(backend: StoreBackend) throws {
        let store = try StateStore.open(try backend.newLocation())
        let run = try pipeline(store, sink: CollectingSink())
        run.handle(event("m2", "你好", at: 0, group: "g2"))             // a group never counted
        run.handle(event("m1", "你好", at: 1))                          // day 1: messages only
        run.handle(event("j1", "", at: 24 * 60, type: .join))          // day 2: 120 members
        run.finish()
        let figures = try store.dailyFigures()
        #expect(figures.map { "\($0.group) \($0.day) \($0.members.map(String.init) ?? "-")" }
            == ["g1 2026-11-20 120", "g2 2026-11-20 -", "g1 2026-11-21 120"])
    }

    /// The file stays bounded: with each snapshot, actions handed on longer ago than the
    /// retention (in the engine's time) leave the audit log, and processed ids past what
    /// de-duplication remembers go; what is recent stays.
    @Test(arguments: StoreBackend.all) func retentionPrunesTheAuditLogAndTheProcessedIDs(backend: StoreBackend) throws {
        let path = try backend.newLocation()
        let store = try StateStore.open(path)
        store.retention = Retention(auditDays: 2, processedIDs: 2)
        let run = try pipeline(store, sink: CollectingSink())
        run.handle(event("old1", "加微信", at: 0))
        run.flush()
        run.handle(event("old2", "你好", at: 1))
        run.flush()
        run.handle(event("new1", "加微信", at: 5 * 24 * 60))
        run.flush()
        run.handle(event("new2", "你好", at: 5 * 24 * 60 + 1))
        run.finish()
        let causes = Set(try store.auditLog().map(\.action.cause))
        #expect(causes == ["new1"])
        #expect(try store.auditKeptFrom() != nil)
        let processedRows = try store.database.read { db in try db.int("SELECT COUNT(*) FROM processed") ?? 0 }
        #expect(processedRows == 2)
        // The daily figures are kept apart and keep every day.
        #expect(try store.dailyFigures().map(\.day) == ["2026-11-20", "2026-11-25"])
        let reopened = try StateStore.open(path)
        #expect(try reopened.contains(eventID: "new2"))
        #expect(try !reopened.contains(eventID: "old1"))
    }

    @Test(arguments: StoreBackend.all) func dailyFiguresCountDaysInTheGroupTypesTimeZone(backend: StoreBackend) throws {
        let store = try StateStore.open(try backend.newLocation())
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", "timezone: Asia/Shanghai\n" + Self.rules)])
        let run = EventPipeline(book: book, clock: .events, sink: CollectingSink(), store: store,
                                report: { Issue.record("\($0)") })
        // 17:30 UTC on the 19th, written with a +00:00 offset, is 01:30 on the 20th in Shanghai.
        let late = Timestamp.parse("2026-11-19T17:30:00+00:00")!
        run.handle(Event(type: .message, id: "m1", time: late.instant, utcOffsetSeconds: late.utcOffsetSeconds,
                         group: "g1", user: "u1", nick: "小美", text: "加微信"))
        run.finish()
        let figures = try store.dailyFigures()
        #expect(figures.map(\.day) == ["2026-11-20"])
        #expect(figures.first?.messages == 1 && figures.first?.guided == 1)
    }

    @Test(arguments: StoreBackend.all) func pardonedStrikesCountAsTheRulesFalsePositives(backend: StoreBackend) throws {
        let store = try StateStore.open(try backend.newLocation())
        let run = try pipeline(store, sink: CollectingSink())
        run.handle(event("m1", "加微信", at: 0))
        run.handle(event("m2", "加微信", at: 1))
        var pardon = event("p1", "赦免", at: 2)
        pardon.user = "a1"
        pardon.role = .admin
        pardon.replyTo = "m2"
        run.handle(pardon)
        run.finish()
        let day = try #require(try store.dailyFigures().first)
        #expect(day.hits["ad"] == 2)
        #expect(day.falsePositives == ["ad": 2])
    }
}

/// One process acts on a state file: a second `run` or `serve` on it stops with a reason.
@Suite struct WriterLockTests {
    @Test(arguments: StoreBackend.all) func aSecondWriterIsRefusedUntilTheFirstLetsGo(backend: StoreBackend) throws {
        let location = try backend.newLocation()
        var first: StateStore? = try StateStore.open(location)
        try first?.takeWriterLock()
        let second = try StateStore.open(location)
        // A lock file names the process holding it; PostgreSQL's advisory lock cannot.
        let holder: String
        switch backend {
        case .sqlite: holder = "another groupbot (run or serve, pid \(getpid())) is using it"
        case .postgres: holder = "another groupbot (run or serve) is using it"
        }
        #expect {
            try second.takeWriterLock()
        } throws: { error in
            "\(error)".contains(holder)
        }
        #expect(try second.dailyFigures().isEmpty)  // a reader needs no lock
        first = nil  // the process that held it ended (for PostgreSQL: its connection closed)
        switch backend {
        case .sqlite:
            try second.takeWriterLock()
        case .postgres:
            // The server notices the closed connection a moment later.
            var taken = false
            for _ in 0..<50 where !taken {
                taken = (try? second.takeWriterLock()) != nil
                if !taken { Thread.sleep(forTimeInterval: 0.1) }
            }
            #expect(taken)
        }
        _ = first
    }
}
