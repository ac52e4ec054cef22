import Foundation
import GroupbotRules
import GroupbotTestSupport
import Testing

/// Examples in the documentation are run: when the binary drifts from what the docs
/// show, these fail.
@Suite struct DocExampleTests {
    static let repository = Repository.root

    /// The lines of the first console block after `marker` in a doc, without the `$` line.
    static func consoleBlock(in doc: String, after marker: String) throws -> [String] {
        let text = try String(contentsOfFile: repository + "/" + doc, encoding: .utf8)
        let start = try #require(text.range(of: marker)).upperBound
        let open = try #require(text.range(of: "```console\n", range: start..<text.endIndex)).upperBound
        let close = try #require(text.range(of: "\n```", range: open..<text.endIndex)).lowerBound
        return text[open..<close].split(separator: "\n").map(String.init).filter { !$0.hasPrefix("$ ") }
    }

    /// A copy of the shipped rules with `changes` made: (file, line, text, replacement).
    static func rulesCopy(_ changes: [(String, Int, String, String)]) throws -> String {
        let directory = NSTemporaryDirectory() + "groupbot-doc-\(UUID().uuidString)/rules"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: repository + "/rules") where name.hasSuffix(".yaml") {
            var lines = try String(contentsOfFile: repository + "/rules/" + name, encoding: .utf8)
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (file, line, text, replacement) in changes where file == name {
                let original = lines[line - 1]
                try #require(original.contains(text), "\(file):\(line) has no '\(text)': \(original)")
                lines[line - 1] = original.replacingOccurrences(of: text, with: replacement)
            }
            try lines.joined(separator: "\n").write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
        return directory
    }

    /// docs/rules.md, "Twelve typos planted in a copy of the example rules": the errors `check` prints.
    @Test func twelveTyposInTheShippedRules() throws {
        let directory = try Self.rulesCopy([
            ("ads.yaml", 6, "extends: base", "extends: bas"),
            ("base.yaml", 25, "mention: true", "mentoin: true"),
            ("base.yaml", 174, "ladder: ads", "ladder: add"),
            ("general.yaml", 81, "match: whole", "match: exact"),
            ("general.yaml", 92, "types: [general]", "types: [genral]"),
            ("general.yaml", 133, "- approve", "- aprove"),
            ("groups.yaml", 9, "type: vip", "type: vpi"),
            ("regional.yaml", 32, "[区县市]", "[市-区]"),
            ("regional.yaml", 66, "roles: [owner, admin]", "roles: [owner, admn]"),
            ("vip.yaml", 45, "- id: link-card-note", "- id: link-card-not"),
            ("vip.yaml", 115, "priority: 20", "priority: high"),
            ("vip.yaml", 137, "duration: 10m", "duration: 10min"),
        ])
        defer { try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent) }
        var printed: [String] = []
        do {
            _ = try RuleBookLoader.load(directory: directory)
        } catch {
            printed = error.errors.map(\.description) + ["\(error.errors.count) errors in rules/"]
        }
        let relative = printed.map { $0.replacingOccurrences(of: directory + "/", with: "rules/") }
        let documented = try Self.consoleBlock(in: "docs/rules.md", after: "Twelve typos planted")
        #expect(relative.count == documented.count)
        for (got, shown) in zip(relative, documented) { #expect(got == shown) }
    }
}
