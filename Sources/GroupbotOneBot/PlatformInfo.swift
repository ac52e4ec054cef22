import Foundation
import GroupbotCore

/// A group as `get_group_info` describes it.
package struct OneBotGroupInfo: Sendable, Equatable {
    package var name: String?
    package var memberCount: Int?

    package init(name: String?, memberCount: Int?) {
        self.name = name
        self.memberCount = memberCount
    }
}

/// A member as `get_group_member_info` (or a line of `get_group_member_list`) describes them.
package struct OneBotMemberInfo: Sendable, Equatable {
    package var user: String
    /// The group card when set, else the QQ nickname: the name members see in the group.
    package var nick: String?
    package var role: MemberRole

    package init(user: String, nick: String?, role: MemberRole) {
        self.user = user
        self.nick = nick
        self.role = role
    }
}

/// The info calls of OneBot v11 (`get_group_info`, `get_group_member_info`,
/// `get_group_member_list`): their request bodies, their answers read, and events
/// enriched with them. Pure: `serve`'s ``PlatformInfoCache`` makes the calls.
package enum PlatformInfo {
    /// The body of an info call about `group` (and `user`); `noCache` asks the implementation
    /// for fresh data (after a join, a leave or a rename).
    package static func request(group: String, user: String? = nil, noCache: Bool = false) -> [UInt8] {
        var body = JSONObjectWriter()
        body.id("group_id", group)
        if let user { body.id("user_id", user) }
        if noCache { body.bool("no_cache", true) }
        return body.object
    }

    /// The `data` of a successful API response, or nil.
    private static func data(_ body: [UInt8]) -> Any? {
        guard case .success = OneBotAPIEnvelope.check(body),
              let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
        return object["data"]
    }

    private static func text(_ value: Any?) -> String? {
        if let string = value as? String { return string.isEmpty ? nil : string }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    /// `get_group_info`'s answer.
    package static func groupInfo(_ body: [UInt8]) -> OneBotGroupInfo? {
        guard let data = data(body) as? [String: Any] else { return nil }
        return OneBotGroupInfo(name: text(data["group_name"]), memberCount: (data["member_count"] as? NSNumber)?.intValue)
    }

    private static func member(_ data: [String: Any]) -> OneBotMemberInfo? {
        guard let user = text(data["user_id"]) else { return nil }
        return OneBotMemberInfo(user: user, nick: text(data["card"]) ?? text(data["nickname"]),
                                role: text(data["role"]).flatMap(MemberRole.init(rawValue:)) ?? .member)
    }

    /// `get_group_member_info`'s answer.
    package static func memberInfo(_ body: [UInt8]) -> OneBotMemberInfo? {
        (data(body) as? [String: Any]).flatMap(member)
    }

    /// `get_group_member_list`'s answer.
    package static func memberList(_ body: [UInt8]) -> [OneBotMemberInfo]? {
        (data(body) as? [[String: Any]]).map { $0.compactMap(member) }
    }

    /// `event` with what the report left out filled in: the group's name and member count,
    /// the member's name and role. What the report carried wins (it is the newer word).
    package static func enrich(_ event: Event, group: OneBotGroupInfo?, member: OneBotMemberInfo?) -> Event {
        var event = event
        if event.groupName == nil { event.groupName = group?.name }
        if event.memberCount == nil { event.memberCount = group?.memberCount }
        if let member, member.user == event.user {
            if event.nick == nil { event.nick = member.nick }
            // A notice carries no role; a message's sender does.
            if event.type != .message { event.role = member.role }
        }
        return event
    }

    /// A member list as `member` events (docs/wire-format.md), run before the report that
    /// first showed the group.
    package static func memberEvents(_ list: [OneBotMemberInfo], group: String, groupName: String?, at time: Instant,
                                     utcOffsetSeconds: Int) -> [Event] {
        list.map { member in
            Event(type: .member, id: "member:\(group):\(member.user)@\(time.milliseconds)", time: time,
                  utcOffsetSeconds: utcOffsetSeconds, group: group, groupName: groupName, user: member.user, nick: member.nick,
                  role: member.role)
        }
    }
}
