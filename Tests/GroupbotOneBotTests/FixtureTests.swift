import Foundation
import GroupbotCore
import GroupbotOneBot
import GroupbotWire
import Testing

/// Every report in Fixtures/events.jsonl decodes to the exact event, or is
/// ignored for the exact reason, listed here line by line.
@Suite struct FixtureTests {
    static func message(
        _ id: String, _ offset: Int64, user: String, nick: String?, role: MemberRole = .member, kind: String = "text",
        text: String, mentions: [String] = [], replyTo: String? = nil
    ) -> OneBotDecoded {
        .event(Event(type: .message, id: id, time: at(offset), utcOffsetSeconds: 28_800, group: "7770001", user: user,
                     nick: nick, role: role, kind: kind, text: text, mentions: mentions, replyTo: replyTo))
    }

    static let expected: [OneBotDecoded] = [
        // 1: a CQ string without codes.
        message("501", 0, user: "2001", nick: "西安-王芳-鱼油", text: "请问鱼油什么时候发货？"),
        // 2: an @-mention and all four escapes; the admin's card wins over the nickname.
        message("502", 5, user: "2002", nick: "客服-李明", role: .admin,
                text: "一般两天内发货,快递是顺丰 [官方] & 包邮", mentions: ["2001"]),
        // 3: segments: reply, at, text, face; an empty card falls back to the nickname.
        message("503", 9, user: "2003", nick: "老张", text: "我上周买的，三天就到了", mentions: ["2001"], replyTo: "501"),
        // 4: text and an image: the text makes it a text message.
        message("504", 20, user: "2004", nick: "回收王", text: "高价回收茅台，加V：abc12345，电话13812345678"),
        // 5: an image code with a caption.
        message("505", 30, user: "2005", nick: "成都-李娜-维E", text: "晒一下今天收到的维E"),
        // 6: a mini-program card: its prompt is the text.
        message("506", 40, user: "2006", nick: "秒杀达人", kind: "card", text: "[小程序]限时秒杀"),
        // 7
        .ignored(reason: "private message: groupbot's rules apply per group"),
        // 8: approved by an admin: no inviter.
        .event(Event(type: .join, id: "group_increase:7770001:2010:1763600060", time: at(60), utcOffsetSeconds: 28_800,
                     group: "7770001", user: "2010")),
        // 9: invited: the operator is the inviter.
        .event(Event(type: .join, id: "group_increase:7770001:2011:1763600061", time: at(61), utcOffsetSeconds: 28_800,
                     group: "7770001", user: "2011", inviter: "2005")),
        // 10: a card set for the first time: no old nickname.
        .event(Event(type: .rename, id: "group_card:7770001:2010:1763600070", time: at(70), utcOffsetSeconds: 28_800,
                     group: "7770001", user: "2010", nick: "北京-赵强-鱼油")),
        // 11, 12: leaving and being kicked are both `leave`.
        .event(Event(type: .leave, id: "group_decrease:7770001:2011:1763600080", time: at(80), utcOffsetSeconds: 28_800,
                     group: "7770001", user: "2011")),
        .event(Event(type: .leave, id: "group_decrease:7770001:2004:1763600090", time: at(90), utcOffsetSeconds: 28_800,
                     group: "7770001", user: "2004")),
        // 13, 14
        .ignored(reason: "group_recall: a recalled message leaves nothing to moderate"),
        .ignored(reason: "group_ban: a mute set in the client, not input for rules"),
        // 15, 16: join requests carry their sub_type and flag in the id; the comment is the text.
        .event(Event(type: .joinRequest, id: "add:flag-2020-add", time: at(110), utcOffsetSeconds: 28_800,
                     group: "7770002", user: "2020", text: "问题：您的店铺名称？\n答案：西安雁塔区鑫源药房")),
        .event(Event(type: .joinRequest, id: "invite:flag-2021-invite", time: at(111), utcOffsetSeconds: 28_800,
                     group: "7770003", user: "2021", text: "")),
        // 17, 18, 19
        .ignored(reason: "friend request: concerns the bot's friends, not a group"),
        .ignored(reason: "meta_event heartbeat: the connection's own status"),
        .ignored(reason: "meta_event lifecycle: the connection's own status"),
        // 20: anonymous: the anonymous flag stands for the sender.
        message("508", 130, user: "anonymous:anon-flag", nick: "匿名者", text: "有人要代购吗 微信 dg_888"),
    ]

    static func lines() throws -> [String] {
        try String(contentsOfFile: Paths.reports, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func everyReportIsMappedOrIgnoredOnPurpose() throws {
        let lines = try Self.lines()
        #expect(lines.count == Self.expected.count)
        for (number, (line, expected)) in zip(lines, Self.expected).enumerated() {
            #expect(try decode(line) == expected, "line \(number + 1)")
        }
    }

    /// The reports that carry both forms decode the same from `raw_message`
    /// (always a CQ string) as from `message` (a string or segments).
    @Test func rawMessageGivesTheSameEvent() throws {
        var compared = 0
        for line in try Self.lines() {
            guard case .object(var members) = try JSONParser.parse(line), let raw = members["raw_message"],
                  members["message_type"] == .string("group") else { continue }
            let original = try decode(line)
            members["message"] = raw
            #expect(try decode(jsonText(.object(members))) == original, "\(line)")
            compared += 1
        }
        #expect(compared == 7)
    }

    @Test func redeliveredNoticesKeepTheirID() throws {
        let line = try Self.lines()[7]
        #expect(try decode(line) == decode(line + "  "))
        #expect(event(line)?.id == "group_increase:7770001:2010:1763600060")
    }
}
