import Foundation
import GroupbotReplay
import GroupbotRules
import GroupbotRuntime
import GroupbotTransports
import GroupbotWire
import Testing

/// Realistic Chinese logs replayed through the shipped rules: `<name>.jsonl` in,
/// `<name>.expected.jsonl` out, compared byte for byte.
@Suite struct ReplayFixtureTests {
    static let cases: [(log: String, expected: String)] = [
        ("\(Paths.fixtures)/replay/faq-and-cooldown.jsonl", "\(Paths.fixtures)/replay/faq-and-cooldown.expected.jsonl"),
        ("\(Paths.fixtures)/replay/ads-and-exemptions.jsonl", "\(Paths.fixtures)/replay/ads-and-exemptions.expected.jsonl"),
        ("\(Paths.fixtures)/replay/joins-and-nicknames.jsonl", "\(Paths.fixtures)/replay/joins-and-nicknames.expected.jsonl"),
        ("\(Paths.fixtures)/replay/welcome-batches.jsonl", "\(Paths.fixtures)/replay/welcome-batches.expected.jsonl"),
        ("\(Paths.fixtures)/replay/nickname-grace.jsonl", "\(Paths.fixtures)/replay/nickname-grace.expected.jsonl"),
        ("\(Paths.fixtures)/replay/ad-slots.jsonl", "\(Paths.fixtures)/replay/ad-slots.expected.jsonl"),
        ("\(Paths.fixtures)/replay/admin-and-flood.jsonl", "\(Paths.fixtures)/replay/admin-and-flood.expected.jsonl"),
        ("\(Paths.fixtures)/replay/raid.jsonl", "\(Paths.fixtures)/replay/raid.expected.jsonl"),
        ("\(Paths.fixtures)/replay/same-ad-other-account.jsonl", "\(Paths.fixtures)/replay/same-ad-other-account.expected.jsonl"),
        ("\(Paths.fixtures)/replay/lookalikes.jsonl", "\(Paths.fixtures)/replay/lookalikes.expected.jsonl"),
        ("\(Paths.examples)/demo.jsonl", "\(Paths.examples)/demo.expected.jsonl"),
    ]

    /// Replays `log` and returns the actions as JSON lines, plus any problems reported.
    static func replay(_ log: String) throws -> (lines: [String], problems: [String]) {
        let book = try RuleBookLoader.load(directory: Paths.rules)
        let sink = CollectingSink()
        var problems: [String] = []
        let pipeline = EventPipeline(book: book, clock: .events, sink: sink, report: { problems.append($0) })
        let input = try #require(FileInput(path: log))
        StreamRunner.run(input: input, pipeline: pipeline, clock: .events)
        return (sink.actions.map(ActionEncoder.line(for:)), problems)
    }

    @Test(arguments: cases)
    func replayMatchesExpectedActions(log: String, expected: String) throws {
        let (lines, problems) = try Self.replay(log)
        #expect(problems.isEmpty)
        let expectedLines = try String(contentsOfFile: expected, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let diff = LineDiff.unified(expected: expectedLines, actual: lines, expectedName: expected, actualName: log)
        #expect(diff == nil, "\(diff ?? "")")
    }

    @Test func replayIsByteIdenticalOnEveryRun() throws {
        let first = try Self.replay("\(Paths.examples)/demo.jsonl").lines
        let second = try Self.replay("\(Paths.examples)/demo.jsonl").lines
        #expect(first == second)
        #expect(!first.isEmpty)
    }

    @Test func fixturesCoverTheFlowsTheyAreNamedFor() throws {
        func rules(_ log: String) throws -> [String] {
            try Self.replay("\(Paths.fixtures)/replay/\(log).jsonl").lines.compactMap { line in
                guard case .object(let object) = try JSONParser.parse(line), case .string(let rule)? = object["rule"]
                else { return nil }
                return rule
            }
        }
        let faq = try rules("faq-and-cooldown")
        #expect(faq.contains("faq-price") && faq.contains("faq-shipping"))
        let ads = try rules("ads-and-exemptions")
        #expect(ads.contains("ad-contact") && ads.contains("ad-link-card") && ads.contains("scam-words")
            && ads.contains("contact-safety-note"))
        let joins = try rules("joins-and-nicknames")
        #expect(joins.contains("welcome-script") && joins.contains("nickname-template") && joins.contains("join-with-order")
            && joins.contains("night-quiet"))
        let welcome = try rules("welcome-batches")
        #expect(!welcome.isEmpty && welcome.allSatisfy { $0 == "welcome-script" })
        let nicknames = try rules("nickname-grace")
        #expect(nicknames.contains("nickname-template") && nicknames.contains("welcome-script"))
        let slots = try rules("ad-slots")
        #expect(slots.contains("ad-contact") && slots.contains("red-packet-thanks") && slots.contains("contact-safety-note"))
        let admin = try rules("admin-and-flood")
        #expect(admin.contains("flood") && admin.contains("one-general-group") && admin.contains("invite-reward")
            && admin.contains("admin-pardon") && admin.contains("admin-approve") && admin.contains("admin-revoke")
            && admin.contains("ad-link-card"))
        // A raid of thirty accounts in two minutes: one switch on, one off, held requests, no reminders.
        let raid = try rules("raid")
        #expect(raid.filter { $0 == "raid" }.count == 30 + 1 + 1 + 1)  // 30 mutes, on, a held request, off
        #expect(raid.contains("raid-newcomers") && !raid.contains("nickname-template"))
        let copies = try rules("same-ad-other-account")
        #expect(copies.filter { $0 == "same-ad-new-account" }.count == 4)  // two accounts: a deletion and a notice each
        let lookalikes = try rules("lookalikes")
        #expect(lookalikes.contains("lookalike-letters") && lookalikes.contains("ad-contact") && lookalikes.contains("friend-solicit"))
    }
}

/// Actions the documentation quotes from the fixtures and the demo are the actions the
/// engine writes: every JSON line in docs/ and README.md whose id is one of an expected
/// file's actions must be that line, byte for byte.
@Suite struct DocumentedActionTests {
    @Test func quotedActionsMatchTheExpectedOutputs() throws {
        var expected: [String: String] = [:]
        let fixtures = Paths.fixtures + "/replay"
        let files = try FileManager.default.contentsOfDirectory(atPath: fixtures).filter { $0.hasSuffix(".expected.jsonl") }
            .map { fixtures + "/" + $0 } + [Paths.examples + "/demo.expected.jsonl"]
        for file in files {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
                if let id = Self.id(of: line) { expected[id] = String(line) }
            }
        }
        let docs = try FileManager.default.contentsOfDirectory(atPath: Paths.repository + "/docs").filter { $0.hasSuffix(".md") }
            .map { Paths.repository + "/docs/" + $0 } + [Paths.repository + "/README.md"]
        var checked = 0
        for doc in docs {
            for line in try String(contentsOfFile: doc, encoding: .utf8).split(separator: "\n") where line.hasPrefix("{\"id\":\"") {
                guard let id = Self.id(of: line), let actual = expected[id] else { continue }
                checked += 1
                #expect(Self.matches(String(line), actual), "\((doc as NSString).lastPathComponent) quotes \(id)")
            }
        }
        #expect(checked >= 10)
    }

    /// Whether a quoted line is the actual one, where `…` in the quote stands for any text
    /// left out (long texts are shortened in the docs).
    static func matches(_ quoted: String, _ actual: String) -> Bool {
        let parts = quoted.components(separatedBy: "…")
        guard parts.count > 1 else { return quoted == actual }
        guard actual.hasPrefix(parts[0]), actual.hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = actual.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count)
        for part in parts.dropFirst().dropLast() {
            guard let range = rest.range(of: part) else { return false }
            rest = rest[range.upperBound...]
        }
        return true
    }

    static func id(of line: Substring) -> String? {
        guard line.hasPrefix("{\"id\":\""), let end = line.dropFirst(7).firstIndex(of: "\"") else { return nil }
        return String(line[line.index(line.startIndex, offsetBy: 7)..<end])
    }
}
