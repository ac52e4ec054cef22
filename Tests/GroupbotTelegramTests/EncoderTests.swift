import Foundation
import GroupbotCore
@testable import GroupbotTelegram
import Testing

/// Actions → Bot API calls: each kind, with exactly the parameters the Bot API defines.
@Suite struct EncoderTests {
    static let chat = "-1001234567890"
    static let due = Instant(milliseconds: 1_796_605_200_000)

    func action(_ body: Action.Body, cause: String = "tg:-1001234567890:41") -> Action {
        Action(id: cause + ":rule:0", group: Self.chat, body: body, rule: "rule", cause: cause, due: Self.due, utcOffsetSeconds: 28_800)
    }

    func encoded(_ body: Action.Body, adminChat: String? = "-1009999") -> [(String, String)] {
        TelegramEncoder.calls(for: [action(body)], options: TelegramOptions(adminChat: adminChat), names: { group, user in
            group == Self.chat && user == "7001" ? "王芳" : nil
        }).map { ($0.method, String(decoding: $0.body, as: UTF8.self)) }
    }

    @Test func aReplyQuotesTheMessageAndAMentionIsATextMention() {
        let calls = encoded(.send(text: "下午四点前付款当天发货", replyTo: "tg:-1001234567890:41", mention: "7001"))
        #expect(calls.map(\.0) == ["sendMessage"])
        #expect(calls[0].1 == #"{"chat_id":-1001234567890,"entities":[{"length":2,"offset":0,"type":"text_mention","user":{"first_name":"王芳","id":7001,"is_bot":false}}],"reply_parameters":{"allow_sending_without_reply":true,"message_id":41},"text":"王芳 下午四点前付款当天发货"}"#)
    }

    @Test func aReplyThatOpensWithTheNameIsNotNamedTwice() {
        let calls = encoded(.send(text: "王芳 您好～下午四点前付款当天发货", mention: "7001"))
        #expect(calls[0].1.contains(#""text":"王芳 您好～下午四点前付款当天发货""#))
        #expect(calls[0].1.contains(#""length":2,"offset":0,"type":"text_mention""#))
    }

    @Test func moderationCalls() {
        #expect(encoded(.delete(message: "tg:-1001234567890:42", user: "7001")).map(\.1) == [#"{"chat_id":-1001234567890,"message_id":42}"#])
        let mute = encoded(.mute(user: "7001", seconds: 600))
        #expect(mute.map(\.0) == ["restrictChatMember"])
        #expect(mute[0].1.contains(#""can_send_messages":false"#))
        #expect(mute[0].1.hasSuffix(#""until_date":\#(1_796_605_200 + 600),"user_id":7001}"#))
        #expect(encoded(.unmute(user: "7001"))[0].1.contains(#""can_send_messages":true"#))
        #expect(encoded(.kick(user: "7001")).map(\.0) == ["banChatMember", "unbanChatMember"])
        #expect(encoded(.kick(user: "7001"))[1].1 == #"{"chat_id":-1001234567890,"only_if_banned":true,"user_id":7001}"#)
        #expect(encoded(.approve(user: "7001")).map(\.0) == ["approveChatJoinRequest"])
        #expect(encoded(.reject(user: "7001", reason: "请先填写订单号")).map(\.0) == ["declineChatJoinRequest"])
    }

    @Test func aShortMuteLastsThirtySecondsNotForever() {
        #expect(encoded(.mute(user: "7001", seconds: 5))[0].1.contains(#""until_date":\#(1_796_605_200 + 30)"#))
    }

    @Test func dmsGoToTheMemberAndNoticesToTheAdminChat() {
        #expect(encoded(.dm(user: "7001", text: "广告请留到周五")).map(\.1) == [#"{"chat_id":7001,"text":"广告请留到周五"}"#])
        #expect(encoded(.notify(text: "有人发广告", about: "7001")).map(\.1) == [#"{"chat_id":-1009999,"text":"有人发广告"}"#])
        #expect(encoded(.notify(text: "有人发广告", about: "7001"), adminChat: nil).isEmpty)
    }

    @Test func answersAreRead() {
        let limited = TelegramAPIResponse(Array(#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#.utf8))
        #expect(limited?.ok == false && limited?.retryAfter == 7 && limited?.errorCode == 429)
        #expect(TelegramAPIResponse(Array(#"{"ok":true,"result":238}"#.utf8))?.count == 238)
        let admins = TelegramAPIResponse(Array(#"{"ok":true,"result":[{"status":"creator","user":{"id":1,"is_bot":false,"first_name":"陈姐"}},{"status":"administrator","user":{"id":2,"is_bot":false,"first_name":"阿杰"}}]}"#.utf8))
        #expect(admins?.administrators["1"] == .owner && admins?.administrators["2"] == .admin)
        #expect(TelegramAPIResponse(Array("not json".utf8)) == nil)
    }
}
