import Foundation
import GRDB
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
import GroupbotStore
import GroupbotTestSupport
import GroupbotWire
import Testing

/// State files written before the engine's state became one value made of a state per
/// flow keep working: the flows read the keys the old layout wrote.
@Suite struct OlderStateFileTests {
    static let repository = Repository.root

    /// The fixture in a temporary file (SQLite writes beside a file it opens).
    static func copyOfTheFixture() throws -> String {
        let path = NSTemporaryDirectory() + "groupbot-older-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: repository + "/Tests/GroupbotStoreTests/Fixtures/demo-first-80-events.sqlite",
                                         toPath: path)
        return path
    }

    /// `Fixtures/demo-first-80-events.sqlite` was written by the release build of 2026-12-07
    /// before the change (`head -80 examples/demo.jsonl | groupbot run --rules rules/
    /// --clock events --state …`): strikes, nicknames, memberships, invites, trust, red
    /// packets, ad-slot use, cooldowns, nickname watches, a welcome batch and delayed
    /// actions on the timer queue.
    @Test func theRestOfTheDemoActsAsInOneUninterruptedRun() throws {
        let book = try RuleBookLoader.load(directory: Self.repository + "/rules")
        let lines = try String(contentsOfFile: Self.repository + "/examples/demo.jsonl", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let events = try lines.map { line throws(EventDecodingError) in try EventDecoder.decode(line: line) }
        #expect(events.count == 100)

        let whole = CollectingSink()
        let uninterrupted = EventPipeline(book: book, clock: .events, sink: whole, store: nil, report: { Issue.record("\($0)") })
        for event in events.prefix(80) { uninterrupted.handle(event) }
        uninterrupted.flush()
        let before = whole.actions.count
        for event in events.dropFirst(80) { uninterrupted.handle(event) }
        uninterrupted.finish()

        let path = try Self.copyOfTheFixture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let resumed = CollectingSink()
        let pipeline = EventPipeline(book: book, clock: .events, sink: resumed, store: try StateStore(path: path),
                                     report: { Issue.record("\($0)") })
        #expect(try pipeline.recover() == 0)
        for event in events.dropFirst(80) { pipeline.handle(event) }
        pipeline.finish()

        let expected = Array(whole.actions[before...])
        #expect(!expected.isEmpty)
        #expect(expected.contains { $0.rule == "welcome-script" })
        #expect(resumed.actions == expected)
    }

    /// Every key the old layout wrote is read into a flow's state and written back as it was.
    @Test func theOldLayoutReadsAndWritesBackKeyForKey() throws {
        let path = try Self.copyOfTheFixture()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        let stored = try #require(try queue.read { try Data.fetchOne($0, sql: "SELECT data FROM snapshots ORDER BY rowid DESC LIMIT 1") })
        let snapshot = try JSONDecoder().decode(EngineSnapshot.self, from: stored)
        let written = try JSONEncoder().encode(snapshot)
        let old = try #require(try JSONSerialization.jsonObject(with: stored) as? NSDictionary)
        let new = try #require(try JSONSerialization.jsonObject(with: written) as? NSDictionary)
        let community = try #require(old["community"] as? [String: Any])
        #expect(community.count == 22)
        // Every key written before comes back as it was; keys added since (new flows, new
        // counts) come back empty.
        let newCommunity = try #require(new["community"] as? NSDictionary)
        for (key, value) in community {
            #expect((newCommunity[key] as? NSObject)?.isEqual(value) == true, "community.\(key)")
        }
        let added = Set(newCommunity.allKeys.compactMap { $0 as? String }).subtracting(community.keys)
        #expect(added == ["invitesByScope", "invited", "newcomers", "raids", "banLists", "spamModel", "spamRecent",
                          "nearDuplicates", "nearDuplicateHorizon"])
        for key in added {
            let value = newCommunity[key]
            var empty = (value as? NSDictionary)?.count == 0 || (value as? NSArray)?.count == 0 || (value as? NSNumber) == 0
            if key == "spamModel", let model = value as? NSDictionary {  // an untrained classifier
                empty = (model["counts"] as? NSArray)?.count == 0 && (model["spamMarks"] as? NSNumber) == 0
            }
            #expect(empty, "community.\(key)")
        }
        let withoutCommunity = { (object: NSDictionary) in
            object.filter { ($0.key as? String) != "community" }.map { ($0.key as? String ?? "", $0.value) }.sorted { $0.0 < $1.0 }
        }
        #expect(withoutCommunity(new).map(\.0) == withoutCommunity(old).map(\.0))
        for ((_, newValue), (key, oldValue)) in zip(withoutCommunity(new), withoutCommunity(old)) {
            #expect((newValue as? NSObject)?.isEqual(oldValue) == true, "\(key)")
        }
    }
}
