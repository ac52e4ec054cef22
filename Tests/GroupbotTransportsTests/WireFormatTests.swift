import GroupbotCore
import GroupbotReplay
import GroupbotWire
import Testing

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesAndEscapes() throws {
        let value = try JSONParser.parse(#"{"a":[1,-2.5e1,true,false,null],"s":"引号\"\\ \u4f60\ud83d\ude00\n"}"#)
        #expect(value == .object([
            "a": .array([.number(1), .number(-25), .bool(true), .bool(false), .null]),
            "s": .string("引号\"\\ 你😀\n"),
        ]))
    }

    @Test(arguments: [
        (#"{"a":1"#, "unexpected end of input in an object"),
        (#"{"a" 1}"#, "expected ':' after a key"),
        (#"{a:1}"#, "expected a key in quotes"),
        (#"{"a":01x}"#, "a number may not start with a leading zero"),
        (#"{"a":"\x"}"#, "unknown escape '\\x'"),
        (#"{"a":"\ud800"}"#, "lone surrogate in \\u escape"),
        (#"[1,2] 3"#, "unexpected data after the value"),
        (#"{"a":tru}"#, "unknown literal"),
        ("", "unexpected end of input"),
    ])
    func reportsWhatIsWrong(text: String, reason: String) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(deep) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = Array(#"{"text":""#.utf8) + [0xE4, 0xBD] + Array(#""}"#.utf8)
        _ = bytes.withUnsafeBufferPointer { buffer in
            #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(buffer) }
        }
    }
}

@Suite struct EventDecoderTests {
    @Test func decodesEveryField() throws {
        let event = try EventDecoder.decode(line: """
            {"type":"join","id":"j1","ts":"2026-11-20T09:15:01+08:00","group":"g1","group_name":"鱼油粉丝群","user":"u1",\
            "nick":"小美","role":"admin","kind":"text","text":"","inviter":"u9","mentions":["u2","u3"],"reply_to":"m0",\
            "amount":"8.8","unknown":{"ignored":true}}
            """)
        #expect(event.type == .join && event.id == "j1" && event.group == "g1" && event.groupName == "鱼油粉丝群")
        #expect(event.role == .admin && event.inviter == "u9" && event.mentions == ["u2", "u3"] && event.replyTo == "m0")
        #expect(event.amount == 8.8 && event.utcOffsetSeconds == 28_800)
    }

    @Test func defaultsAndEpochSeconds() throws {
        let event = try EventDecoder.decode(line: #"{"type":"message","id":42,"ts":1795137301,"group":"g1","user":"u1","mentions":[7,"u8"]}"#)
        #expect(event.mentions == ["7", "u8"])
        #expect(event.id == "42" && event.role == .member && event.kind == "text" && event.text == "")
        #expect(event.time == Instant(seconds: 1_795_137_301) && event.utcOffsetSeconds == 0)
    }

    @Test func escapedKeysAreRecognised() throws {
        let event = try EventDecoder.decode(line: #"{"t\u0079pe":"join","id":"j","ts":1,"group":"g","user":"u","\u6635\u79f0":"x"}"#)
        #expect(event.type == .join)
    }

    @Test func tickNeedsOnlyATime() throws {
        let tick = try EventDecoder.decode(line: #"{"type":"tick","ts":"2026-11-20T10:00:00+08:00"}"#)
        #expect(tick.type == .tick && tick.id == "tick@2026-11-20T10:00:00+08:00")
    }

    @Test(arguments: [
        (#"{"type":"message","id":"m1","group":"g1","user":"u1"}"#, "missing required field 'ts'"),
        (#"{"type":"message","ts":1,"group":"g1","user":"u1"}"#, "missing required field 'id'"),
        (#"{"type":"message","id":"m1","ts":1,"user":"u1"}"#, "missing required field 'group'"),
        (#"{"type":"shout","id":"m1","ts":1,"group":"g1","user":"u1"}"#,
         "unknown event type 'shout'; expected one of message, join, leave, rename, join_request, tick, member"),
        (#"{"type":"message","id":"m1","ts":"yesterday","group":"g1","user":"u1"}"#,
         "field 'ts' is not an RFC 3339 time: \"yesterday\"; expected e.g. 2026-11-20T09:15:01+08:00"),
        (#"{"type":"message","id":"m1","ts":1,"group":"g1","user":"u1","text":["a"]}"#,
         "field 'text' should be a string, got an array"),
        (#"{"type":"message","id":"m1","ts":1,"group":"g1","user":"u1","role":"boss"}"#,
         "unknown role 'boss'; expected owner, admin or member"),
        (#"{"type":"message","id":"m1","ts":1,"group":"g1","user":"u1","mentions":[true]}"#,
         "field 'mentions' should list strings, found a boolean"),
        (#"["type","message"]"#, "an event must be a JSON object, got an array"),
        (#"{"type":"message",}"#, "invalid JSON at byte 19: expected a key in quotes"),
    ])
    func rejectsBadEventsWithAReason(line: String, reason: String) {
        do {
            _ = try EventDecoder.decode(line: line)
            Issue.record("decoded \(line)")
        } catch {
            #expect(error.reason == reason)
        }
    }
}

@Suite struct ActionEncoderTests {
    @Test func writesKeysInFixedOrderAndOmitsAbsentOnes() {
        let action = Action(id: "m1:faq:0", group: "g1", body: .send(text: "第一行\n\"引号\"\t\u{1}", replyTo: "m1", mention: "u1"),
                            rule: "faq", cause: "m1",
                            due: Instant(seconds: 1_795_137_301), utcOffsetSeconds: 28_800)
        #expect(ActionEncoder.line(for: action) == #"{"id":"m1:faq:0","action":"send","group":"g1","text":"第一行\n\"引号\"\t\u0001","reply_to":"m1","mention":"u1","rule":"faq","cause":"m1","ts":"2026-11-20T09:15:01+08:00"}"#)
        let mute = Action(id: "m2:ad:1", group: "g1", body: .mute(user: "u2", seconds: 600), rule: "ad", cause: "m2",
                          due: Instant(seconds: 0), utcOffsetSeconds: 0)
        #expect(ActionEncoder.line(for: mute) == #"{"id":"m2:ad:1","action":"mute","group":"g1","user":"u2","seconds":600,"rule":"ad","cause":"m2","ts":"1970-01-01T00:00:00Z"}"#)
    }

    @Test func encodedActionsParseBackAsJSON() throws {
        let action = Action(id: "x", group: "g", body: .notify(text: "控制字符\u{7}和表情😀", about: "u"), rule: "r",
                            cause: "c", due: Instant(seconds: 5), utcOffsetSeconds: 0)
        let value = try JSONParser.parse(ActionEncoder.line(for: action))
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object["text"] == .string("控制字符\u{7}和表情😀"))
    }
}

@Suite struct LineDiffTests {
    @Test func showsRemovedAndAddedLinesWithContext() {
        let diff = LineDiff.unified(expected: ["a", "b", "c", "d"], actual: ["a", "b", "x", "d"],
                                    expectedName: "expected.jsonl", actualName: "replay")
        #expect(diff == "--- expected.jsonl\n+++ replay\n@@ -1,4 +1,4 @@\n  a\n  b\n- c\n+ x\n  d\n")
        #expect(LineDiff.unified(expected: ["a"], actual: ["a"], expectedName: "e", actualName: "a") == nil)
    }
}

@Suite struct NumericIdTests {
    @Test func largeNumericIdsKeepEveryDigit() throws {
        let event = try EventDecoder.decode(line: #"{"type":"message","id":9007199254740993,"ts":1,"group":123456789012345678,"user":42}"#)
        #expect(event.id == "9007199254740993" && event.group == "123456789012345678" && event.user == "42")
    }
}

/// The field table (`WireFields.swift`) is the wire format's one list of fields: it matches
/// the documentation's tables, row for row, and its record tags are never shared.
@Suite struct WireFieldTableTests {
    /// The keys of the first column of the markdown table that starts with `header`.
    static func documentedKeys(under header: String) throws -> [String] {
        let text = try String(contentsOfFile: Paths.repository + "/docs/wire-format.md", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix(header) })
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.compactMap { row in
            row.split(separator: "`").dropFirst().first.map(String.init)
        }
    }

    @Test func eventFieldsAreTheDocumentedOnes() throws {
        let documented = try Self.documentedKeys(under: "| Field | Type | Required")
        #expect(EventField.allCases.map(\.rawValue).sorted() == documented.sorted())
        let tags = EventField.allCases.map(\.recordTag) + [EventField.utcOffsetTag]
        #expect(Set(tags).count == tags.count)
    }

    @Test func actionFieldsAreTheDocumentedOnesInTheirOrder() throws {
        let documented = try Self.documentedKeys(under: "| Key | Type | Present")
        #expect(ActionField.allCases.map(\.rawValue) == documented)
        let tags = ActionField.allCases.map(\.recordTag) + [ActionField.utcOffsetTag, ActionField.noteTag]
        #expect(Set(tags).count == tags.count)
        // The encoder finds a field's key by its tag: tags run 1, 2, … in the order of the wire.
        #expect(ActionField.allCases.map(\.recordTag) == Array(1...UInt8(ActionField.allCases.count)))
    }
}
