import GroupbotCore
import GroupbotOneBot
import Testing

/// Group messages: both message formats, escapes, kinds, senders.
@Suite struct MessageDecodingTests {
    /// A group message report with `message` written as given (a JSON string or array).
    static func report(_ message: String, sender: String = #"{"card":"","nickname":"老张","role":"member"}"#,
                       extra: String = "") -> String {
        #"{"time":1763600000,"self_id":10001,"post_type":"message","message_type":"group","sub_type":"normal","message_id":600,"group_id":7770001,"user_id":2003,"anonymous":null,"message":\#(message),"sender":\#(sender)\#(extra)}"#
    }

    @Test func stringAndSegmentsGiveTheSameEvent() throws {
        let string = Self.report(#""[CQ:reply,id=501][CQ:at,qq=2001] 看&#91;置顶&#93;&#44;满 99 &amp; 包邮[CQ:face,id=14]""#)
        let segments = Self.report("""
            [{"type":"reply","data":{"id":"501"}},{"type":"at","data":{"qq":"2001"}},\
            {"type":"text","data":{"text":" 看[置顶],满 99 & 包邮"}},{"type":"face","data":{"id":"14"}}]
            """)
        let fromString = try #require(event(string))
        #expect(fromString == event(segments))
        #expect(fromString.text == "看[置顶],满 99 & 包邮")
        #expect(fromString.mentions == ["2001"] && fromString.replyTo == "501" && fromString.kind == "text")
    }

    @Test(arguments: [
        // Escapes are undone once, left to right: `&amp;#91;` is the text `&#91;`.
        (#""&amp;#91;不是代码&amp;#93;""#, "&#91;不是代码&#93;"),
        (#""a &amp b &#9; c""#, "a &amp b &#9; c"),
        // A `[CQ:` that never closes is text, as written.
        (#""价格[CQ:at,qq=2001""#, "价格[CQ:at,qq=2001"),
        (#""[CQ:at,qq=2001]""#, ""),
        (#""  \n 早上好 \n""#, "早上好"),
    ])
    func plainText(message: String, text: String) throws {
        #expect(event(Self.report(message))?.text == text)
    }

    @Test func parameterValuesAreUnescapedAndMayHoldEquals() throws {
        let decoded = try #require(event(Self.report(#""[CQ:share,url=http://x.invalid/?a=1&amp;b=2,title=砍一刀&#44;帮我点=谢谢&#93;]""#)))
        #expect(decoded.kind == "link" && decoded.text == "砍一刀,帮我点=谢谢]")
    }

    @Test func mentionsSkipAllAndRepeats() throws {
        let decoded = event(Self.report(#""[CQ:at,qq=all] [CQ:at,qq=2001][CQ:at,qq=2002][CQ:at,qq=2001] 开会""#))
        #expect(decoded?.mentions == ["2001", "2002"])
    }

    @Test func segmentValuesMayBeNumbersAndDataMayBeNull() throws {
        let decoded = event(Self.report(#"[{"type":"at","data":{"qq":2001}},{"type":"reply","data":{"id":-17}},{"type":"shake","data":null}]"#))
        #expect(decoded?.mentions == ["2001"] && decoded?.replyTo == "-17")
    }

    @Test(arguments: [
        (#"[{"type":"image","data":{"file":"a.image"}}]"#, "image", ""),
        (#"[{"type":"image","data":{"file":"a.image"}},{"type":"text","data":{"text":"  "}}]"#, "image", ""),
        (#""[CQ:image,file=a.image]看看""#, "text", "看看"),
        (#""[CQ:video,file=b.video]""#, "video", ""),
        (#""[CQ:face,id=14]""#, "text", ""),
        (#"[{"type":"json","data":{"data":"{\"app\":\"com.tencent.miniapp\"}"}}]"#, "card", ""),
        (#"[{"type":"json","data":{"data":"not json"}}]"#, "card", ""),
        (#"[{"type":"xml","data":{"data":"<?xml version='1.0'?><msg serviceID=\"1\" brief=\"[分享]帮我砍一刀 &amp; 领红包\"></msg>"}}]"#,
         "card", "[分享]帮我砍一刀 & 领红包"),
        (#""[CQ:share,url=http://x.invalid,title=投票]""#, "link", "投票"),
    ])
    func kinds(message: String, kind: String, text: String) throws {
        let decoded = try #require(event(Self.report(message)))
        #expect(decoded.kind == kind && decoded.text == text)
    }

    @Test func cardStringAndSegmentsAgree() throws {
        let string = Self.report(#""[CQ:json,data={\"app\":\"x\"&#44;\"prompt\":\"&#91;小程序&#93;拼单\"}]""#)
        let segments = Self.report(#"[{"type":"json","data":{"data":"{\"app\":\"x\",\"prompt\":\"[小程序]拼单\"}"}}]"#)
        #expect(event(string) == event(segments))
        #expect(event(string)?.text == "[小程序]拼单")
    }

    @Test(arguments: [
        (#"{"card":"西安-王芳","nickname":"小芳","role":"owner"}"#, "西安-王芳", MemberRole.owner),
        (#"{"card":"","nickname":"小芳","role":"admin"}"#, "小芳", .admin),
        (#"{"card":"","nickname":"","role":"member"}"#, nil, .member),
        (#"{"nickname":"小芳","role":"boss"}"#, "小芳", .member),
        (#"{"nickname":"小芳","role":""}"#, "小芳", .member),
        ("null", nil, .member),
    ] as [(String, String?, MemberRole)])
    func senderNickAndRole(sender: String, nick: String?, role: MemberRole) throws {
        let decoded = try #require(event(Self.report(#""你好""#, sender: sender)))
        #expect(decoded.nick == nick && decoded.role == role)
    }

    @Test func anonymousSenderIsNamedByFlag() throws {
        let body = Self.report(#""加我""#, sender: #"{"user_id":80000000,"nickname":"匿名消息","role":"admin"}"#)
            .replacingAnonymous(#"{"id":7,"name":"小鲸鱼","flag":"7|小鲸鱼"}"#)
        let decoded = try #require(event(body))
        #expect(decoded.user == "anonymous:7|小鲸鱼" && decoded.nick == "小鲸鱼" && decoded.role == .member)
    }

    @Test func numbersBecomeDecimalIDs() throws {
        let body = #"{"time":1763600000.5,"post_type":"message","message_type":"group","message_id":-2147483000,"group_id":987654321012,"user_id":3000000000,"message":"hi"}"#
        let decoded = try #require(event(body))
        #expect(decoded.id == "-2147483000" && decoded.group == "987654321012" && decoded.user == "3000000000")
        #expect(decoded.time == Instant(milliseconds: 1_763_600_000_500) && decoded.nick == nil)
    }

    @Test func theOffsetComesFromTheOptions() throws {
        let decoded = try decode(Self.report(#""hi""#), options: OneBotOptions(utcOffsetSeconds: 0))
        guard case .event(let event) = decoded else { Issue.record("not an event: \(decoded)"); return }
        #expect(event.utcOffsetSeconds == 0 && event.time == Instant(seconds: 1_763_600_000))
    }

    @Test(arguments: [
        (MessageDecodingTests.report(#""hi""#).replacingOccurrences("\"user_id\":2003", "\"user_id\":10001"), "the bot's own message"),
        (MessageDecodingTests.report(#""管理员已禁止群内匿名聊天""#).replacingOccurrences("\"normal\"", "\"notice\""),
         "group system notice: not sent by a member"),
        (MessageDecodingTests.report(#""hi""#).replacingOccurrences("\"group\"", "\"guild\""), "message_type 'guild' is not one groupbot maps"),
        (#"{"post_type":"message_sent","message_type":"group"}"#, "message_sent: the bot's own message"),
        (#"{"post_type":"mystery"}"#, "post_type 'mystery' is not one groupbot maps"),
        (#"{"post_type":"notice","notice_type":"notify","sub_type":"poke"}"#, "notify poke: a client gesture or honour, not moderated"),
        (#"{"post_type":"notice","notice_type":"group_admin","sub_type":"set"}"#, "group_admin: roles arrive with each message's sender"),
        (#"{"post_type":"notice","notice_type":"group_upload"}"#, "group_upload: file uploads are not mapped"),
        (#"{"post_type":"notice","notice_type":"friend_add"}"#, "friend_add: concerns the bot's friends, not a group"),
        (#"{"post_type":"notice","notice_type":"essence"}"#, "notice_type 'essence' is not one groupbot maps"),
        (#"{"post_type":"request","request_type":"group","sub_type":"other"}"#, "group request sub_type 'other' is not one groupbot maps"),
        (#"{"post_type":"request","request_type":"guild"}"#, "request_type 'guild' is not one groupbot maps"),
        (#"{"post_type":"meta_event"}"#, "meta_event report: the connection's own status"),
    ])
    func ignoredOnPurpose(body: String, reason: String) throws {
        #expect(try decode(body) == .ignored(reason: reason))
    }

    @Test func kickMeIsALeaveAndZeroOperatorIsNoInviter() throws {
        let kickMe = event(#"{"time":1,"post_type":"notice","notice_type":"group_decrease","sub_type":"kick_me","group_id":5,"operator_id":6,"user_id":10001}"#)
        #expect(kickMe?.type == .leave && kickMe?.user == "10001" && kickMe?.id == "group_decrease:5:10001:1")
        let invite = event(#"{"time":1,"post_type":"notice","notice_type":"group_increase","sub_type":"invite","group_id":5,"operator_id":0,"user_id":7}"#)
        #expect(invite?.type == .join && invite?.inviter == nil)
    }

    @Test func renameKeepsTheOldCard() throws {
        let rename = event(#"{"time":1,"post_type":"notice","notice_type":"group_card","group_id":5,"user_id":7,"card_new":"","card_old":"Sunny"}"#)
        #expect(rename?.type == .rename && rename?.nick == nil && rename?.oldNick == "Sunny")
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    func replacingAnonymous(_ anonymous: String) -> String {
        replacingOccurrences("\"anonymous\":null", "\"anonymous\":" + anonymous)
    }
}
