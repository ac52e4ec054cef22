import GroupbotRules
import Yams
import Testing

/// YAML aliases repeat a subtree without repeating its text; a file that expands past
/// the limit is refused at the alias's place instead of costing minutes and gigabytes.
@Suite struct AliasExpansionTests {
    /// A 50 KB file that stands for twelve million keywords.
    static let aliasBomb: String = {
        let keywords = (0..<3_000).map { "k\($0)" }.joined(separator: ", ")
        let first = "  - &r {id: r, on: message, when: {keywords: {any: [\(keywords)]}}, actions: [{reply: hi}]}"
        return (["rules:", first] + Array(repeating: "  - *r", count: 4_000)).joined(separator: "\n")
    }()

    @Test func aFileThatExpandsPastTheLimitIsOneError() {
        do {
            _ = try RuleBookLoader.load(files: [("rules/general.yaml", Self.aliasBomb)])
            Issue.record("the alias bomb loaded")
        } catch {
            #expect(error.errors.count == 1)
            let description = error.errors.first?.description ?? ""
            #expect(description.hasPrefix("rules/general.yaml:"))
            #expect(description.contains("expands to more than 200000 nodes"))
        }
    }

    @Test func ordinaryAliasesStillWork() throws {
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", """
            rules:
              - id: a
                on: message
                when: { keywords: { any: &words [价格, 多少钱] } }
                actions: [{ reply: 看公告 }]
              - id: b
                on: message
                when: { keywords: { any: *words } }
                actions: [{ reply: 看公告 }]
            """)])
        #expect(book.types["general"]?.rules.count == 2)
    }

    @Test func theWalkStopsAtTheLimit() throws {
        #expect(YAMLExpansionLimit.firstNodePastLimit(in: try #require(try Yams.compose(yaml: "[1, 2, 3]")), maximumNodes: 3) != nil)
        #expect(YAMLExpansionLimit.firstNodePastLimit(in: try #require(try Yams.compose(yaml: "[1, 2, 3]")), maximumNodes: 4) == nil)
    }
}
