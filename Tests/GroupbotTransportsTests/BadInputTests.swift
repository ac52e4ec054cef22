import GroupbotCore
import GroupbotRules
import GroupbotRuntime
import GroupbotWire
import Testing

/// Bad input never stops the stream: each bad line is reported as `line N: reason`.
@Suite struct BadInputTests {
    /// Feeds raw bytes through a pipeline over the shipped rules, in small chunks as a pipe would.
    func run(_ bytes: [UInt8], chunk: Int = 7) throws -> (actions: [Action], problems: [String], summary: StreamSummary) {
        let book = try RuleBookLoader.load(directory: Paths.rules)
        let sink = CollectingSink()
        var problems: [String] = []
        let pipeline = EventPipeline(book: book, clock: .events, sink: sink, report: { problems.append($0) })
        var splitter = LineSplitter(maximumLineLength: 2 << 20)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            bytes[offset..<end].withUnsafeBytes { splitter.feed($0) { pipeline.process($0) } }
            offset = end
        }
        splitter.finish { pipeline.process($0) }
        return (sink.actions, problems, pipeline.summary)
    }

    let good = #"{"type":"message","id":"m1","ts":"2026-11-20T10:00:00+08:00","group":"g-fans-01","group_name":"鱼油粉丝福利1群","user":"u1","nick":"西安-王芳-鱼油","text":"什么时候发货呀"}"#

    @Test func malformedLinesAreReportedAndTheStreamGoesOn() throws {
        var bytes: [UInt8] = []
        bytes += Array("{not json\n".utf8)                                         // line 1
        bytes += Array("\n   \n".utf8)                                             // lines 2-3: blank, skipped
        bytes += Array(#"{"type":"message","id":"m0","ts":1,"group":"g","user":"u","text":5}"#.utf8) + [10]  // line 4
        bytes += Array(#"{"type":"message","id":"bad-utf8","ts":1,"group":"g","user":"u","text":""#.utf8)
            + [0xFF, 0xFE] + Array("\"}\n".utf8)                                   // line 5
        bytes += Array(good.utf8) + [10]                                           // line 6
        bytes += Array("[]".utf8)                                                  // line 7, no final newline
        let (actions, problems, summary) = try run(bytes)
        #expect(problems == [
            "line 1: invalid JSON at byte 2: expected a key in quotes",
            "line 4: field 'text' should be a string, got a number",
            "line 5: invalid JSON at byte 73: invalid UTF-8 in a string",
            "line 7: an event must be a JSON object, got an array",
        ])
        #expect(actions.map(\.rule) == ["faq-shipping"])
        #expect(summary == StreamSummary(lines: 7, events: 1, rejectedLines: 4, actions: 1))
    }

    @Test func aOneMegabyteTextIsProcessedNormally() throws {
        let text = String(repeating: "今天天气很好，", count: 50_000) + "加微信领取福利"
        let line = #"{"type":"message","id":"big","ts":"2026-11-20T10:00:00+08:00","group":"g-fans-01","user":"u1","text":"\#(text)"}"#
        #expect(line.utf8.count > 1_000_000)
        let (actions, problems, _) = try run(Array(line.utf8) + [10] + Array(good.utf8) + [10], chunk: 65_536)
        #expect(problems.isEmpty)
        #expect(actions.map(\.rule) == ["friend-solicit", "friend-solicit", "faq-shipping"])
    }

    @Test func overLongLinesAreSkippedWithAReason() throws {
        let huge = Array(repeating: UInt8(ascii: "x"), count: 3 << 20)
        let (actions, problems, _) = try run(huge + [10] + Array(good.utf8) + [10], chunk: 1 << 20)
        #expect(problems == ["line 1: longer than the limit (3145728 bytes), skipped"])
        #expect(actions.count == 1)
    }

    @Test func crlfLineEndingsAreAccepted() throws {
        let (actions, problems, _) = try run(Array(good.utf8) + [13, 10])
        #expect(problems.isEmpty && actions.count == 1)
    }
}
