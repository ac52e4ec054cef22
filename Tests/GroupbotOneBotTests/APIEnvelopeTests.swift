import GroupbotOneBot
import Testing

/// API responses: `ok` and `async` succeed, anything else fails with a reason.
@Suite struct APIEnvelopeTests {
    func failure(_ body: String) -> OneBotAPIFailure? {
        guard case .failure(let failure) = OneBotAPIEnvelope.check(Array(body.utf8)) else { return nil }
        return failure
    }

    @Test(arguments: [
        #"{"status":"ok","retcode":0,"data":{"message_id":1024}}"#,
        #"{"status":"async","retcode":1,"data":null}"#,
        #"{"retcode":0,"data":null}"#,
        #"{"status":"ok"}"#,
    ])
    func succeeds(body: String) {
        #expect(failure(body) == nil)
    }

    @Test(arguments: [
        (#"{"status":"failed","retcode":100,"data":null,"msg":"PARAM_ERROR","wording":"参数错误"}"#,
         OneBotAPIFailure(retcode: 100, reason: "参数错误")),
        (#"{"status":"failed","retcode":102,"msg":"NO_PERMISSION"}"#, OneBotAPIFailure(retcode: 102, reason: "NO_PERMISSION")),
        (#"{"status":"failed","retcode":102,"data":null}"#, OneBotAPIFailure(retcode: 102, reason: "status 'failed'")),
        (#"{"status":"ok","retcode":100}"#, OneBotAPIFailure(retcode: 100, reason: "status 'ok'")),
        (#"{"status":"failed"}"#, OneBotAPIFailure(retcode: nil, reason: "status 'failed'")),
        (#"{"data":null}"#, OneBotAPIFailure(retcode: nil, reason: "an API response needs 'status' or 'retcode'")),
        ("", OneBotAPIFailure(retcode: nil, reason: "the response body is empty")),
        ("<html>", OneBotAPIFailure(retcode: nil, reason: "invalid JSON at byte 1: unexpected character '<'")),
        ("[]", OneBotAPIFailure(retcode: nil, reason: "an API response must be a JSON object, got an array")),
    ])
    func fails(body: String, expected: OneBotAPIFailure) {
        #expect(failure(body) == expected)
    }

    @Test func descriptionShowsTheCode() {
        #expect(OneBotAPIFailure(retcode: 100, reason: "参数错误").description == "retcode 100: 参数错误")
        #expect(OneBotAPIFailure(retcode: nil, reason: "the response body is empty").description == "the response body is empty")
    }
}
