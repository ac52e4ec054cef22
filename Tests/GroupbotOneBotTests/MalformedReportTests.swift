import GroupbotOneBot
import Testing

/// The fields of a valid group message, all but `message`.
private let group = #""post_type":"message","message_type":"group","message_id":1,"group_id":5,"user_id":7,"time":1"#

/// Bodies that are not valid reports are refused with a reason that names
/// the field, and nothing a client sends can make the decoder trap.
@Suite struct MalformedReportTests {
    @Test(arguments: [
        ("", "the body is empty"),
        (" \r\n\t", "the body is empty"),
        ("{", "invalid JSON at byte 2: expected a key in quotes"),
        ("post_type=message", "invalid JSON at byte 1: unexpected character 'p'"),
        ("[1]", "a report must be a JSON object, got an array"),
        (#""message""#, "a report must be a JSON object, got a string"),
        ("{}", "missing required field 'post_type'"),
        (#"{"post_type":null}"#, "missing required field 'post_type'"),
        (#"{"post_type":1}"#, "field 'post_type' should be a string, got a number"),
        (#"{"post_type":"message"}"#, "missing required field 'message_type'"),
        (#"{"post_type":"notice"}"#, "missing required field 'notice_type'"),
        (#"{"post_type":"request"}"#, "missing required field 'request_type'"),
        (#"{"post_type":"meta_event","meta_event_type":5}"#, "field 'meta_event_type' should be a string, got a number"),
        (#"{"post_type":"message","message_type":"group","message_id":1,"group_id":"5","user_id":7,"time":1,"message":"x"}"#,
         "field 'group_id' should be a number, got a string"),
        (#"{"post_type":"message","message_type":"group","message_id":1.5,"group_id":5,"user_id":7,"time":1,"message":"x"}"#,
         "field 'message_id' should be a whole number below 2^53, got 1.5"),
        (#"{"post_type":"message","message_type":"group","message_id":1,"group_id":5,"user_id":1e20,"time":1,"message":"x"}"#,
         "field 'user_id' should be a whole number below 2^53, got 1e+20"),
        (#"{"post_type":"message","message_type":"group","group_id":5,"user_id":7,"time":1,"message":"x"}"#,
         "missing required field 'message_id'"),
        (#"{"post_type":"message","message_type":"group","message_id":1,"group_id":5,"user_id":7,"message":"x"}"#,
         "missing required field 'time'"),
        (#"{"post_type":"message","message_type":"group","message_id":1,"group_id":5,"user_id":7,"time":"1","message":"x"}"#,
         "field 'time' should be a number, got a string"),
        (#"{"post_type":"message","message_type":"group","message_id":1,"group_id":5,"user_id":7,"time":1e20,"message":"x"}"#,
         "field 'time' is out of range, got 1e+20; expected epoch seconds from 1970 up to 2199"),
        ("{\(group)}", "missing required field 'message'"),
        ("{\(group),\"message\":{\"text\":\"x\"}}", "field 'message' should be a string or an array of segments, got an object"),
        ("{\(group),\"message\":[\"x\"]}", "field 'message[0]' should be a segment object, got a string"),
        ("{\(group),\"message\":[{\"type\":\"text\",\"data\":{}},{\"data\":{}}]}", "missing required field 'message[1].type'"),
        ("{\(group),\"message\":[{\"type\":\"text\",\"data\":\"x\"}]}", "field 'message[0].data' should be an object, got a string"),
        ("{\(group),\"message\":\"x\",\"sender\":\"老张\"}", "field 'sender' should be an object, got a string"),
        ("{\(group),\"message\":\"x\",\"sender\":{\"card\":5}}", "field 'sender.card' should be a string, got a number"),
        ("{\(group),\"message\":\"x\",\"sender\":{\"role\":true}}", "field 'sender.role' should be a string, got a boolean"),
        ("{\(group),\"message\":\"x\",\"anonymous\":{\"id\":1,\"name\":\"匿名\"}}", "missing required field 'anonymous.flag'"),
        ("{\(group),\"message\":\"x\",\"anonymous\":{\"flag\":\"\"}}", "field 'anonymous.flag' is empty"),
        ("{\(group),\"message\":\"x\",\"anonymous\":true}", "field 'anonymous' should be an object, got a boolean"),
        (#"{"post_type":"notice","notice_type":"group_increase","group_id":5,"time":1}"#, "missing required field 'user_id'"),
        (#"{"post_type":"notice","notice_type":"group_card","group_id":5,"user_id":7,"time":1}"#, "missing required field 'card_new'"),
        (#"{"post_type":"request","request_type":"group","group_id":5,"user_id":7,"time":1,"flag":"f"}"#,
         "missing required field 'sub_type'"),
        (#"{"post_type":"request","request_type":"group","sub_type":"add","group_id":5,"user_id":7,"time":1}"#,
         "missing required field 'flag'"),
        (#"{"post_type":"request","request_type":"group","sub_type":"add","group_id":5,"user_id":7,"time":1,"flag":""}"#,
         "field 'flag' is empty"),
        (#"{"post_type":"request","request_type":"group","sub_type":"add","group_id":5,"user_id":7,"time":1,"flag":"f","comment":3}"#,
         "field 'comment' should be a string, got a number"),
    ])
    func refusedWithAReason(body: String, reason: String) {
        #expect(refusal(Array(body.utf8)) == reason)
    }

    @Test func invalidUTF8IsRefused() {
        let body = Array(#"{"post_type":""#.utf8) + [0xE4, 0xBD] + Array(#""}"#.utf8)
        #expect(refusal(body) == "invalid JSON at byte 15: invalid UTF-8 in a string")
    }

    /// Every cut of every fixture report, down to single bytes and through the
    /// middle of Chinese characters, is refused with a reason instead of trapping.
    @Test func truncatedReportsAreRefused() throws {
        for line in try FixtureTests.lines() {
            let bytes = Array(line.utf8)
            for length in 0..<bytes.count {
                #expect(refusal(Array(bytes[..<length])) != nil, "\(length) bytes of \(line)")
            }
        }
    }

    /// Single bytes overwritten with structural characters: the result may be
    /// valid or not, but it is always an answer.
    @Test func damagedReportsNeverTrap() throws {
        var answers = 0
        for line in try FixtureTests.lines() {
            let bytes = Array(line.utf8)
            for index in stride(from: 0, to: bytes.count, by: 3) {
                for replacement in [UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "&"), UInt8(ascii: ","), 0xFF] {
                    var damaged = bytes
                    damaged[index] = replacement
                    _ = try? OneBotDecoder.decode(damaged, options: OneBotOptions())
                    answers += 1
                }
            }
        }
        #expect(answers > 1000)
    }
}
