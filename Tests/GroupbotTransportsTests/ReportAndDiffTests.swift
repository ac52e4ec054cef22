import Foundation
import GroupbotCore
import GroupbotReplay
import GroupbotRules
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire
import Testing

/// The replay report and the rule-set diff, on small inline rule sets.
@Suite struct ReportAndDiffTests {
    static let rules = """
        ladders:
          ads: { steps: [[{ dm: 广告请在广告时段发 }], [delete]] }
        rules:
          - id: ad
            on: message
            when: { keywords: { any: [加微信] } }
            ladder: ads
          - id: faq
            on: message
            when: { keywords: { any: [发货] } }
            actions: [{ reply: 48 小时内发货 }]
          - id: never
            on: message
            when: { keywords: { any: [不会出现的词] } }
            actions: [{ send: x }]
        """

    static let log = [
        #"{"type":"message","id":"m1","ts":"2026-11-20T10:00:00+08:00","group":"g1","user":"u1","text":"加微信看看"}"#,
        #"{"type":"message","id":"m2","ts":"2026-11-20T10:01:00+08:00","group":"g1","user":"u1","text":"加微信看看"}"#,
        #"{"type":"message","id":"m3","ts":"2026-11-20T10:02:00+08:00","group":"g2","user":"u2","text":"什么时候发货"}"#,
        #"{"type":"message","id":"m4","ts":"2026-11-20T10:03:00+08:00","group":"g1","user":"u3","text":"你好"}"#,
    ].joined(separator: "\n") + "\n"

    func book(_ yaml: String) throws -> RuleBook {
        try RuleBookLoader.load(files: [("rules/general.yaml", yaml)])
    }

    func temporaryFile(_ contents: String) throws -> String {
        let path = NSTemporaryDirectory() + "groupbot-\(UUID().uuidString).jsonl"
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func reportCountsHitsSilentRulesStrikesAndGroups() throws {
        let book = try book(Self.rules)
        let collector = ReplayReportCollector(book: book)
        let pipeline = EventPipeline(book: book, clock: .events, sink: collector, report: { _ in })
        pipeline.onEvent = collector.observe
        StreamRunner.run(input: try #require(FileInput(path: try temporaryFile(Self.log))), pipeline: pipeline, clock: .events)
        let report = collector.report(engine: pipeline.engine)
        #expect(report.events == 4 && report.actions == 4)
        #expect(report.rules.map(\.rule) == ["ad", "faq", "never"])
        #expect(report.rules.map(\.hits) == [2, 1, 0])
        #expect(report.rules[0].examples == ["m1", "m2"])
        #expect(report.silentRules == ["never"])
        #expect(report.busiestGroups.map(\.group) == ["g1", "g2"])
        #expect(report.actionsByType == ["general": 4])
        #expect(report.strikes.map(\.user) == ["u1"])
        #expect(report.strikes.first?.count == 2)
        #expect(report.strikes.first?.history.map(\.cause) == ["m1", "m2"])

        let json = ReplayReportFormat.json.render(report)
        let parsed = try JSONParser.parse(json)
        guard case .object(let object) = parsed else { Issue.record("not an object"); return }
        #expect(object["silent_rules"] == .array([.string("never")]))
        #expect(ReplayReportFormat.table.render(report).contains("rules that never fired: never"))
        #expect(ReplayReportFormat.html.render(report).contains("<td>u1</td><td>ads</td><td class=\"n\">2</td>"))
    }

    @Test func diffShowsOnlyTheEventsThatChange() throws {
        let old = try book(Self.rules)
        let new = try book(Self.rules.replacingOccurrences(of: "any: [发货]", with: "any: [发货, 你好]"))
        var differences: [RuleSetDiff.Difference] = []
        let events = RuleSetDiff(old: old, new: new).run(
            input: try #require(FileInput(path: try temporaryFile(Self.log))), report: { _ in }) { differences.append($0) }
        #expect(events == 4)
        #expect(differences.map(\.line) == [4])
        #expect(differences.first?.removed == [])
        #expect(differences.first?.added.first?.contains(#""id":"m4:faq:0""#) == true)
    }
}
