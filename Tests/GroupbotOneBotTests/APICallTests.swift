import GroupbotCore
import GroupbotOneBot
import Testing

/// An action as the engine writes it; by default caused by message 504 in group 7770001.
func action(
    _ kind: ActionKind, id: String = "504:ad-contact:0", group: String = "7770001", user: String? = nil,
    text: String? = nil, replyTo: String? = nil, mention: String? = nil, message: String? = nil,
    seconds: Int64? = nil, cause: String = "504"
) -> Action {
    // Built from the flat fields as the state file stores them; the test lists give each kind its fields.
    let body = Action.Body(kind: kind, user: user, text: text, replyTo: replyTo, mention: mention, message: message, seconds: seconds)
    return Action(id: id, group: group, body: body!, rule: "ad-contact", cause: cause, due: at(20), utcOffsetSeconds: 28_800)
}

/// Calls as `endpoint body` lines, easy to compare whole.
func lines(_ calls: [OneBotAPICall]) -> [String] {
    calls.map { "\($0.endpoint) \(text($0.body) ?? "")" }
}

/// Actions with no report to answer: each kind's API call, byte for byte.
@Suite struct APICallTests {
    static let admins = OneBotOptions(adminUsers: ["9001", "9002"], adminGroup: "7779999")

    @Test(arguments: [
        (action(.send, text: "发货时间[见公告] & 包邮, 谢谢", replyTo: "504", mention: "2004"),
         #"send_group_msg {"group_id":7770001,"message":"[CQ:reply,id=504][CQ:at,qq=2004] 发货时间&#91;见公告&#93; &amp; 包邮, 谢谢"}"#),
        (action(.send, text: "早上好\n今天\"上新\""),
         #"send_group_msg {"group_id":7770001,"message":"早上好\n今天\"上新\""}"#),
        (action(.send, group: "g-fans-01", text: "hi", mention: "u,1]"),
         #"send_group_msg {"group_id":"g-fans-01","message":"[CQ:at,qq=u&#44;1&#93;] hi"}"#),
        (action(.dm, user: "2004", text: "请勿发广告 [第 1 次]"),
         #"send_private_msg {"user_id":2004,"message":"请勿发广告 &#91;第 1 次&#93;"}"#),
        (action(.delete, user: "2004", message: "504"), #"delete_msg {"message_id":504}"#),
        (action(.delete, user: "2004", message: "-2147483000"), #"delete_msg {"message_id":-2147483000}"#),
        (action(.delete, user: "2004", message: "0504"), #"delete_msg {"message_id":"0504"}"#),
        (action(.mute, user: "2004", seconds: 600), #"set_group_ban {"group_id":7770001,"user_id":2004,"duration":600}"#),
        (action(.unmute, user: "2004"), #"set_group_ban {"group_id":7770001,"user_id":2004,"duration":0}"#),
        (action(.kick, user: "2004"), #"set_group_kick {"group_id":7770001,"user_id":2004,"reject_add_request":false}"#),
        (action(.approve, group: "7770002", user: "2020", cause: "add:flag-2020-add"),
         #"set_group_add_request {"flag":"flag-2020-add","sub_type":"add","approve":true}"#),
        (action(.reject, group: "7770003", user: "2021", text: "本群只对已下单的顾客开放", cause: "invite:flag-2021-invite"),
         #"set_group_add_request {"flag":"flag-2021-invite","sub_type":"invite","approve":false,"reason":"本群只对已下单的顾客开放"}"#),
        (action(.reject, group: "7770002", user: "2020", cause: "add:a:b"),
         #"set_group_add_request {"flag":"a:b","sub_type":"add","approve":false}"#),
        (action(.mute, user: "anonymous:7|小鲸鱼", seconds: 600),
         #"set_group_anonymous_ban {"group_id":7770001,"anonymous_flag":"7|小鲸鱼","duration":600}"#),
        (action(.send, text: "请勿发广告", replyTo: "508", mention: "anonymous:7|小鲸鱼"),
         #"send_group_msg {"group_id":7770001,"message":"[CQ:reply,id=508]请勿发广告"}"#),
    ])
    func oneCall(action: Action, expected: String) {
        let calls = OneBotEncoder.calls(for: [action], options: OneBotOptions())
        #expect(lines(calls) == [expected])
        #expect(calls.map(\.actionID) == [action.id])
    }

    @Test(arguments: [
        action(.approve, user: "2004"),                          // caused by a message, not a request
        action(.reject, user: "2004", cause: "add:"),
        action(.kick, user: "anonymous:7|小鲸鱼"),                 // OneBot cannot remove an anonymous sender,
        action(.unmute, user: "anonymous:7|小鲸鱼"),               // lift an anonymous mute
        action(.dm, user: "anonymous:7|小鲸鱼", text: "hi"),       // or write to one
        action(.notify, user: "2004", text: "no admins configured"),
        action(.send, group: "", text: "no group"),
    ])
    func noCall(action: Action) {
        #expect(OneBotEncoder.calls(for: [action], options: OneBotOptions()).isEmpty)
    }

    @Test func notifyGoesToEveryAdminAndTheAdminGroup() {
        let notify = action(.notify, id: "504:ad-contact:2", user: "2004", text: "【ad-contact】回收王（2004）原文：[图片]")
        let calls = OneBotEncoder.calls(for: [notify], options: Self.admins)
        #expect(lines(calls) == [
            #"send_private_msg {"user_id":9001,"message":"【ad-contact】回收王（2004）原文：&#91;图片&#93;"}"#,
            #"send_private_msg {"user_id":9002,"message":"【ad-contact】回收王（2004）原文：&#91;图片&#93;"}"#,
            #"send_group_msg {"group_id":7779999,"message":"【ad-contact】回收王（2004）原文：&#91;图片&#93;"}"#,
        ])
        #expect(Set(calls.map(\.actionID)) == ["504:ad-contact:2"])
        let groupOnly = OneBotEncoder.calls(for: [notify], options: OneBotOptions(adminGroup: "7779999"))
        #expect(groupOnly.map(\.endpoint) == ["send_group_msg"])
    }

    @Test func callsKeepTheOrderOfTheActions() {
        let actions = [
            action(.delete, id: "a", user: "2004", message: "504"),
            action(.notify, id: "b", user: "2004", text: "x"),
            action(.mute, id: "c", user: "2004", seconds: 60),
        ]
        let calls = OneBotEncoder.calls(for: actions, options: OneBotOptions(adminUsers: ["9001"]))
        #expect(calls.map(\.actionID) == ["a", "b", "c"])
        #expect(calls.map(\.endpoint) == ["delete_msg", "send_private_msg", "set_group_ban"])
    }

    /// A join request decoded from a report can be answered later, from the
    /// action alone: its cause carries the flag and sub_type.
    @Test(arguments: [14, 15])
    func decodedRequestsCanBeAnsweredWithoutState(line: Int) throws {
        let request = try #require(event(FixtureTests.lines()[line]))
        let approve = Action(id: request.id + ":join-with-order:0", group: request.group, body: .approve(user: request.user),
                             rule: "join-with-order", cause: request.id, due: request.time, utcOffsetSeconds: 28_800)
        let expected = line == 14
            ? #"set_group_add_request {"flag":"flag-2020-add","sub_type":"add","approve":true}"#
            : #"set_group_add_request {"flag":"flag-2021-invite","sub_type":"invite","approve":true}"#
        #expect(lines(OneBotEncoder.calls(for: [approve], options: OneBotOptions())) == [expected])
    }
}

/// DMs through a temporary session of the member's group, where the implementation allows it.
@Suite struct DMThroughGroupTests {
    @Test func aDMNamesTheGroupOnlyWhenAsked() {
        let dm = action(.dm, user: "2004", text: "请勿发广告")
        #expect(lines(OneBotEncoder.calls(for: [dm], options: OneBotOptions())) == [
            #"send_private_msg {"user_id":2004,"message":"请勿发广告"}"#,
        ])
        #expect(lines(OneBotEncoder.calls(for: [dm], options: OneBotOptions(dmThroughGroup: true))) == [
            #"send_private_msg {"user_id":2004,"group_id":7770001,"message":"请勿发广告"}"#,
        ])
        // Admin notices go to the admins as friends: never through the member's group.
        let notify = action(.notify, user: "2004", text: "通知")
        let options = OneBotOptions(adminUsers: ["9001"], dmThroughGroup: true)
        #expect(lines(OneBotEncoder.calls(for: [notify], options: options)) == [#"send_private_msg {"user_id":9001,"message":"通知"}"#])
    }
}
