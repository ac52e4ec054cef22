import GroupbotCore
import GroupbotWire
import Testing

/// The wire format's strictness (docs/security.md): one answer for each doubtful input.
@Suite struct StrictInputTests {
    func reason(_ line: String) -> String? {
        do {
            _ = try EventDecoder.decode(line: line)
            return nil
        } catch {
            return error.reason
        }
    }

    let base = #""type":"message","ts":"2026-11-20T09:00:00+08:00","group":"g1","user":"u1""#

    @Test(arguments: [#""id":007"#, #""id":-01"#, #""id":00"#])
    func numbersWithLeadingZerosAreRefused(id: String) {
        #expect(reason("{\(base),\(id)}")?.contains("leading zero") == true)
    }

    @Test(arguments: [#""id":0"#, #""id":-0"#, #""id":0.5"#, #""id":10"#])
    func numbersWithoutLeadingZerosStillRead(id: String) {
        #expect(reason("{\(base),\(id)}") == nil)
    }

    @Test(arguments: [
        #"{"type":"message","id":"a","id":"b","ts":"2026-11-20T09:00:00+08:00","group":"g1","user":"u1"}"#,
        #"{"type":"message","id":"a","i\u0064":"b","ts":"2026-11-20T09:00:00+08:00","group":"g1","user":"u1"}"#,
        #"{"type":"message","id":"a","ts":"2026-11-20T09:00:00+08:00","group":"g1","user":"u1","text":null,"text":"x"}"#,
        #"{"type":"message","id":"a","ts":"2026-11-20T09:00:00+08:00","group":"g1","user":"u1","extra":1,"ext\u0072a":2}"#,
    ])
    func aKeyWrittenTwiceIsRefusedWhateverItsSpelling(line: String) {
        #expect(reason(line)?.contains("appears twice in one object") == true)
    }

    @Test func nestedObjectsRefuseDuplicateKeysToo() {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"a":{"b":1,"b":2}}"#) }
    }

    @Test(arguments: [#""nan""#, #""inf""#, #""-infinity""#, #""0x1p3""#, #""1e400""#, "1e400", #""01""#, #"" 5""#])
    func amountsMustBeFiniteDecimalNumbers(amount: String) {
        let line = "{\(base),\"id\":\"m1\",\"kind\":\"red_packet\",\"amount\":\(amount)}"
        #expect(reason(line) != nil, "accepted amount \(amount)")
    }

    @Test(arguments: [#""8.8""#, "8.8", "20", #""20""#])
    func amountsAsNumbersOrDecimalTextRead(amount: String) throws {
        let event = try EventDecoder.decode(line: "{\(base),\"id\":\"m1\",\"kind\":\"red_packet\",\"amount\":\(amount)}")
        #expect(event.amount == Double(amount.filter { $0 != "\"" }))
    }

    @Test(arguments: ["9990000000000", "-1", #""9999-12-31T00:00:00Z""#, #""2200-01-01T00:00:00Z""#, #""1969-12-31T23:59:59Z""#])
    func timesOutsideTheValidRangeAreRefused(ts: String) {
        let line = #"{"type":"message","id":"m1","group":"g1","user":"u1","ts":"# + ts + "}"
        #expect(reason(line)?.contains("out of range") == true, "accepted ts \(ts)")
    }

    @Test(arguments: [#""2199-12-31T23:59:59+08:00""#, #""1970-01-01T00:00:00Z""#, "1764000000"])
    func timesInsideTheValidRangeRead(ts: String) {
        let line = #"{"type":"message","id":"m1","group":"g1","user":"u1","ts":"# + ts + "}"
        #expect(reason(line) == nil)
    }
}
