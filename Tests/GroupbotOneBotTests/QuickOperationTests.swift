import GroupbotCore
import GroupbotOneBot
import Testing

/// Answering a report: what goes into the quick operation, and what stays a call.
@Suite struct QuickOperationTests {
    /// Fixture report 4: 回收王 posts a recycling ad with a QR code.
    static let ad = Event(type: .message, id: "504", time: at(20), utcOffsetSeconds: 28_800, group: "7770001",
                          user: "2004", nick: "回收王", text: "高价回收茅台")
    static let options = OneBotOptions(adminUsers: ["9001"])

    func respond(to event: Event = ad, _ actions: [Action]) -> (quick: String?, calls: [String]) {
        let response = OneBotEncoder.respond(to: event, actions: actions, options: Self.options)
        return (text(response.quickOperation), lines(response.calls))
    }

    @Test func theReportsOwnActionsGoInTheQuickOperation() {
        let (quick, calls) = respond([
            action(.send, id: "504:ad-contact:0", text: "请勿发广告", replyTo: "504", mention: "2004"),
            action(.delete, id: "504:ad-contact:1", user: "2004", message: "504"),
            action(.dm, id: "504:ad-contact:2", user: "2004", text: "已撤回"),
            action(.mute, id: "504:ad-contact:3", user: "2004", seconds: 600),
            action(.notify, id: "504:ad-contact:4", user: "2004", text: "回收王 发广告"),
        ])
        #expect(quick == #"{"reply":"[CQ:reply,id=504][CQ:at,qq=2004] 请勿发广告","at_sender":false,"delete":true,"ban":true,"ban_duration":600}"#)
        #expect(calls == [
            #"send_private_msg {"user_id":2004,"message":"已撤回"}"#,
            #"send_private_msg {"user_id":9001,"message":"回收王 发广告"}"#,
        ])
    }

    @Test func onlyTheFirstSendIsTheReply() {
        let (quick, calls) = respond([
            action(.send, id: "504:a:0", text: "第一条"),
            action(.send, id: "504:a:1", text: "第二条"),
            action(.send, id: "504:b:0", text: "第三条", mention: "2004"),
        ])
        #expect(quick == #"{"reply":"第一条","at_sender":false}"#)
        #expect(calls == [
            #"send_group_msg {"group_id":7770001,"message":"第二条"}"#,
            #"send_group_msg {"group_id":7770001,"message":"[CQ:at,qq=2004] 第三条"}"#,
        ])
    }

    @Test func kickAndBanTogether() {
        let (quick, calls) = respond([action(.kick, user: "2004"), action(.mute, user: "2004", seconds: 600)])
        #expect(quick == #"{"kick":true,"ban":true,"ban_duration":600}"#)
        #expect(calls.isEmpty)
    }

    @Test func actionsAboutOthersBecomeCalls() {
        let (quick, calls) = respond([
            action(.mute, id: "t", user: "2004", seconds: 60, cause: "ladder@2025-11-20T09:00:00+08:00"),  // a timer due now
            action(.send, id: "o", group: "7770002", text: "另一个群"),                                       // another group
            action(.mute, id: "m", user: "2010", seconds: 60),                                              // another member
            action(.kick, id: "k", user: "2010"),
            action(.delete, id: "d", user: "2010", message: "503"),                                        // another message
            action(.unmute, id: "u", user: "2004"),                                                         // no quick field
        ])
        #expect(quick == nil)
        #expect(calls == [
            #"set_group_ban {"group_id":7770001,"user_id":2004,"duration":60}"#,
            #"send_group_msg {"group_id":7770002,"message":"另一个群"}"#,
            #"set_group_ban {"group_id":7770001,"user_id":2010,"duration":60}"#,
            #"set_group_kick {"group_id":7770001,"user_id":2010,"reject_add_request":false}"#,
            #"delete_msg {"message_id":503}"#,
            #"set_group_ban {"group_id":7770001,"user_id":2004,"duration":0}"#,
        ])
    }

    @Test func repeatsOfAFieldBecomeCalls() {
        let (quick, calls) = respond([
            action(.delete, id: "a", user: "2004", message: "504"),
            action(.delete, id: "b", user: "2004", message: "504"),
            action(.mute, id: "c", user: "2004", seconds: 60),
            action(.mute, id: "d", user: "2004", seconds: 600),
        ])
        #expect(quick == #"{"delete":true,"ban":true,"ban_duration":60}"#)
        #expect(calls == [#"delete_msg {"message_id":504}"#, #"set_group_ban {"group_id":7770001,"user_id":2004,"duration":600}"#])
    }

    @Test func nothingToDoIsNoQuickOperation() {
        let response = OneBotEncoder.respond(to: Self.ad, actions: [], options: Self.options)
        #expect(response == OneBotResponse(quickOperation: nil, calls: []))
    }

    @Test func anonymousSenders() {
        var anonymous = Self.ad
        anonymous.id = "508"
        anonymous.user = "anonymous:anon-flag"
        let (quick, calls) = respond(to: anonymous, [
            action(.send, text: "请勿发广告", replyTo: "508", mention: "anonymous:anon-flag", cause: "508"),
            action(.mute, user: "anonymous:anon-flag", seconds: 600, cause: "508"),
            action(.kick, user: "anonymous:anon-flag", cause: "508"),
            action(.dm, user: "anonymous:anon-flag", text: "x", cause: "508"),
        ])
        #expect(quick == #"{"reply":"[CQ:reply,id=508]请勿发广告","at_sender":false,"ban":true,"ban_duration":600}"#)
        #expect(calls.isEmpty)
    }

    static let request = Event(type: .joinRequest, id: "add:flag-2020-add", time: at(110), utcOffsetSeconds: 28_800,
                               group: "7770002", user: "2020", text: "答案：西安雁塔区鑫源药房")

    @Test(arguments: [
        (action(.approve, group: "7770002", user: "2020", cause: "add:flag-2020-add"), #"{"approve":true}"#),
        (action(.reject, group: "7770002", user: "2020", text: "请先下单", cause: "add:flag-2020-add"),
         #"{"approve":false,"reason":"请先下单"}"#),
        (action(.reject, group: "7770002", user: "2020", cause: "add:flag-2020-add"), #"{"approve":false}"#),
    ])
    func joinRequestsAreAnsweredInTheResponse(action: Action, expected: String) {
        let response = OneBotEncoder.respond(to: Self.request, actions: [action], options: Self.options)
        #expect(text(response.quickOperation) == expected)
        #expect(response.calls.isEmpty)
    }

    @Test func aJoinRequestHasNoReply() {
        let (quick, calls) = respond(to: Self.request, [
            action(.approve, id: "r:0", group: "7770002", user: "2020", cause: "add:flag-2020-add"),
            action(.send, id: "r:1", group: "7770002", text: "欢迎", cause: "add:flag-2020-add"),
            action(.reject, id: "r:2", group: "7770002", user: "2020", cause: "add:flag-2020-add"),
        ])
        #expect(quick == #"{"approve":true}"#)
        #expect(calls == [
            #"send_group_msg {"group_id":7770002,"message":"欢迎"}"#,
            #"set_group_add_request {"flag":"flag-2020-add","sub_type":"add","approve":false}"#,
        ])
    }

    @Test func noticesHaveNoQuickOperation() {
        let join = Event(type: .join, id: "group_increase:7770001:2010:1763600060", time: at(60), utcOffsetSeconds: 28_800,
                         group: "7770001", user: "2010")
        let welcome = action(.send, id: join.id + ":welcome-script:0", text: "欢迎 2010", mention: "2010", cause: join.id)
        let (quick, calls) = respond(to: join, [welcome, action(.kick, user: "2010", cause: join.id)])
        #expect(quick == nil)
        #expect(calls == [
            #"send_group_msg {"group_id":7770001,"message":"[CQ:at,qq=2010] 欢迎 2010"}"#,
            #"set_group_kick {"group_id":7770001,"user_id":2010,"reject_add_request":false}"#,
        ])
    }
}
