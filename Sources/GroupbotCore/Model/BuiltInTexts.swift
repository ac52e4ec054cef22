/// The texts the engine writes by itself rather than from a rule: notices to the admins,
/// shadow-mode notices, the quiet-group alert, the `{next_slot}` format and the words for
/// weekdays and durations. One set per language (Chinese by default, English too); a rule
/// file's `texts:` section picks the language and overrides any text for its group type,
/// and `check` validates each override's placeholders like a template's.
package struct BuiltInTexts: Sendable, Equatable {
    /// Each text, with the placeholders it may use.
    package enum Key: String, CaseIterable, Sendable {
        /// After an admin command: the admin and what was done.
        case adminNotice = "admin_notice"
        case pardoned
        /// Appended to `pardoned` when strikes were cleared.
        case pardonedRecords = "pardoned_records"
        case trusted
        case untrusted
        /// A member named in an admin notice, when their nickname is known.
        case memberName = "member_name"
        /// To the admins when a rule deleted, muted or removed.
        case enforcementNotice = "enforcement_notice"
        /// To the admins instead of what a rule on trial would have done.
        case shadowNotice = "shadow_notice"
        /// To the admins instead of a scheduled post on trial.
        case shadowPost = "shadow_post"
        /// Appended to `shadow_post` for a step that would have waited.
        case shadowPostAt = "shadow_post_at"
        case didSend = "did_send"
        case didDM = "did_dm"
        case didDelete = "did_delete"
        case didMute = "did_mute"
        case didUnmute = "did_unmute"
        case didKick = "did_kick"
        case didApprove = "did_approve"
        case didReject = "did_reject"
        case didNotify = "did_notify"
        /// Between the items of a list (actions done, members, weekdays).
        case listSeparator = "list_separator"
        /// Between the steps a rule on trial would have taken.
        case stepSeparator = "step_separator"
        case quietAlert = "quiet_alert"
        case quietAlertMembers = "quiet_alert_members"
        case quietAlertNobody = "quiet_alert_nobody"
        case quietMember = "quiet_member"
        case nextSlot = "next_slot"
        /// Why an ad did not pass its slot (`{slot_reason}`).
        case slotOutside = "slot_outside"
        case slotNoPacket = "slot_no_packet"
        case slotSmallPacket = "slot_small_packet"
        case slotQuotaUsed = "slot_quota_used"
        /// Raid mode switched on: the counts that did it.
        case raidStarted = "raid_started"
        case raidEnded = "raid_ended"
        /// A join request held for the admins during a raid.
        case raidHeld = "raid_held"
        /// What raid mode counted: joins, or newcomers' first messages.
        case raidJoins = "raid_joins"
        case raidFirstMessages = "raid_first_messages"
        /// After an admin's ban or unban command.
        case banned
        case unbanned
        /// A member on the shared ban list joined or asked to.
        case banListed = "ban_listed"
        /// After an admin marked a message as spam, or as not spam.
        case markedSpam = "marked_spam"
        case markedHam = "marked_ham"
        case days, hours, minutes, seconds
        case monday, tuesday, wednesday, thursday, friday, saturday, sunday

        /// The placeholders the text may use.
        package var placeholders: [String] {
            switch self {
            case .adminNotice: ["admin", "what"]
            case .pardoned, .trusted, .untrusted: ["member"]
            case .pardonedRecords: ["count", "rules"]
            case .enforcementNotice: ["rule", "reason", "done", "nick", "user", "text"]
            case .shadowNotice: ["rule", "would", "nick", "user", "text"]
            case .shadowPost: ["rule", "verb", "text"]
            case .shadowPostAt: ["time"]
            case .didSend, .didDM, .didReject, .didNotify: ["text"]
            case .didMute: ["duration"]
            case .didDelete, .didUnmute, .didKick, .didApprove, .listSeparator, .stepSeparator, .quietAlertNobody:
                []
            case .quietAlert: ["group", "days", "below"]
            case .quietAlertMembers: ["members"]
            case .quietMember: ["nick", "user", "count"]
            case .memberName: ["nick", "user"]
            case .nextSlot: ["month", "day", "weekday", "from", "to"]
            case .slotOutside: []
            case .slotNoPacket: ["minimum"]
            case .slotSmallPacket: ["largest", "minimum"]
            case .slotQuotaUsed: ["quota"]
            case .raidStarted: ["group", "count", "what", "window"]
            case .raidEnded: ["group", "calm"]
            case .raidHeld: ["nick", "user"]
            case .banListed: ["nick", "user", "list", "reason", "since", "group", "evidence"]
            case .raidJoins, .raidFirstMessages: []
            case .banned, .unbanned: ["member", "list"]
            case .markedSpam, .markedHam: ["member", "text"]
            case .days, .hours, .minutes, .seconds: ["n"]
            case .monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday: []
            }
        }
    }

    /// A language's set.
    package enum Language: String, CaseIterable, Sendable {
        case zhCN = "zh-CN"
        case en
    }

    private var texts: [Key: String]

    /// The set of `language`, with `overrides` in place of its texts.
    package init(language: Language = .zhCN, overrides: [Key: String] = [:]) {
        texts = (language == .en ? Self.english : Self.chinese).merging(overrides) { $1 }
    }

    /// The Chinese set, the default.
    package static let standard = BuiltInTexts()

    /// The text for `key` with its placeholders filled in (a placeholder without a value stays as written).
    package func render(_ key: Key, _ values: [String: String] = [:]) -> String {
        let text = texts[key] ?? ""
        guard text.contains("{") else { return text }
        return Self.pieces(of: text).reduce(into: "") { output, piece in
            output += piece.literal
            if let name = piece.name { output += values[name] ?? "{" + name + "}" }
        }
    }

    /// The placeholders of `text` that `key` does not offer (for `check`).
    package static func unknownPlaceholders(in text: String, for key: Key) -> [String] {
        var unknown: [String] = []
        for case let name? in pieces(of: text).map(\.name) where !key.placeholders.contains(name) && !unknown.contains(name) {
            unknown.append(name)
        }
        return unknown
    }

    /// `text` cut at its `{name}` placeholders: each literal run with the name after it (an
    /// unclosed `{` is literal).
    private static func pieces(of text: String) -> [(literal: Substring, name: String?)] {
        var pieces: [(literal: Substring, name: String?)] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            pieces.append((rest[..<open], String(rest[rest.index(after: open)..<close])))
            rest = rest[rest.index(after: close)...]
        }
        pieces.append((rest, nil))
        return pieces
    }

    /// A duration in the largest whole unit: 10分钟, 2天.
    func duration(_ seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return render(.days, ["n": String(seconds / 86_400)]) }
        if seconds % 3600 == 0 { return render(.hours, ["n": String(seconds / 3600)]) }
        if seconds % 60 == 0 { return render(.minutes, ["n": String(seconds / 60)]) }
        return render(.seconds, ["n": String(seconds)])
    }

    /// A weekday's name: 周五, Fri.
    func name(of weekday: Weekday) -> String {
        render([.monday, .tuesday, .wednesday, .thursday, .friday, .saturday, .sunday][weekday.rawValue - 1])
    }

    /// What a step did or would do, for the admins: 撤回消息, 禁言10分钟, 在群里发「…」.
    func deed(_ kind: ActionKind, text: String = "", seconds: Int64 = 0) -> String {
        switch kind {
        case .send: render(.didSend, ["text": text])
        case .dm: render(.didDM, ["text": text])
        case .delete: render(.didDelete)
        case .mute: render(.didMute, ["duration": duration(seconds)])
        case .unmute: render(.didUnmute)
        case .kick: render(.didKick)
        case .approve: render(.didApprove)
        case .reject: render(.didReject, ["text": text])
        case .notify: render(.didNotify, ["text": text])
        }
    }

    static let chinese: [Key: String] = [
        .adminNotice: "管理员 {admin} {what}",
        .pardoned: "赦免了 {member}",
        .pardonedRecords: "，撤销 {count} 条记录（{rules}）",
        .trusted: "信任 {member}：广告与刷屏类规则不再处理其消息",
        .untrusted: "取消了对 {member} 的信任",
        .memberName: "{nick}（{user}）",
        .enforcementNotice: "【{rule}】{reason}：{done} — {nick}（{user}）原文：{text}",
        .shadowNotice: "【试运行 {rule}】本应：{would} — {nick}（{user}）原文：{text}",
        .shadowPost: "【试运行 {rule}】本应{verb}：「{text}」",
        .shadowPostAt: "（{time}）",
        .didSend: "在群里发{text}", .didDM: "私信{text}", .didDelete: "撤回消息", .didMute: "禁言{duration}",
        .didUnmute: "解除禁言", .didKick: "移出群", .didApprove: "通过入群申请", .didReject: "拒绝入群申请{text}",
        .didNotify: "通知管理员{text}",
        .listSeparator: "、", .stepSeparator: "；",
        .quietAlert: "「{group}」已连续 {days} 天每天发言人数少于 {below} 人，进入冷清期。",
        .quietAlertMembers: "最活跃的成员：{members}，可以考虑邀请他们转到新群。",
        .quietAlertNobody: "这几天没有人发言。",
        .quietMember: "{nick}（{user}，{count} 条）",
        .nextSlot: "{month}月{day}日（{weekday}）{from}–{to}",
        .slotOutside: "现在不是广告时段",
        .slotNoPacket: "广告时段里要先发一个 {minimum} 元以上的红包",
        .slotSmallPacket: "红包 {largest} 元，不到 {minimum} 元",
        .slotQuotaUsed: "这个广告时段每人 {quota} 条的名额已经用完",
        .raidStarted: "「{group}」{window}内 {count} 次{what}，进入防刷模式：入群申请交管理员处理，新成员暂时禁言。",
        .raidEnded: "「{group}」已平静 {calm}，退出防刷模式。",
        .raidHeld: "防刷模式中，{nick}（{user}）的入群申请请管理员处理。",
        .raidJoins: "入群", .raidFirstMessages: "新人发言",
        .banned: "拉黑了 {member}（{list} 名单内所有群）",
        .unbanned: "把 {member} 移出了 {list} 黑名单",
        .banListed: "{nick}（{user}）在 {list} 黑名单上（{since} 在「{group}」：{reason}；当时的消息：{evidence}），已拦下。",
        .markedSpam: "把 {member} 的消息标为广告：{text}",
        .markedHam: "把 {member} 的消息标为正常：{text}",
        .days: "{n}天", .hours: "{n}小时", .minutes: "{n}分钟", .seconds: "{n}秒",
        .monday: "周一", .tuesday: "周二", .wednesday: "周三", .thursday: "周四", .friday: "周五",
        .saturday: "周六", .sunday: "周日",
    ]

    static let english: [Key: String] = [
        .adminNotice: "Admin {admin} {what}",
        .pardoned: "pardoned {member}",
        .pardonedRecords: ", clearing {count} record(s) ({rules})",
        .trusted: "trusts {member}: ad and flooding rules no longer act on their messages",
        .untrusted: "no longer trusts {member}",
        .memberName: "{nick} ({user})",
        .enforcementNotice: "[{rule}] {reason}: {done} — {nick} ({user}) wrote: {text}",
        .shadowNotice: "[trial {rule}] would have: {would} — {nick} ({user}) wrote: {text}",
        .shadowPost: "[trial {rule}] would have {verb}: \"{text}\"",
        .shadowPostAt: " (at {time})",
        .didSend: "posted {text}", .didDM: "messaged privately {text}", .didDelete: "deleted the message",
        .didMute: "muted for {duration}", .didUnmute: "lifted the mute", .didKick: "removed from the group",
        .didApprove: "approved the join request", .didReject: "rejected the join request {text}",
        .didNotify: "told the admins {text}",
        .listSeparator: ", ", .stepSeparator: "; ",
        .quietAlert: "\"{group}\" has had fewer than {below} members speaking each day for {days} days: it is going quiet. ",
        .quietAlertMembers: "Most active: {members}; consider inviting them to a new group.",
        .quietAlertNobody: "Nobody has spoken these days.",
        .quietMember: "{nick} ({user}, {count} messages)",
        .nextSlot: "{weekday} {month}/{day} {from}–{to}",
        .slotOutside: "it is not the ad slot now",
        .slotNoPacket: "an ad in the slot needs a red packet of at least {minimum} first",
        .slotSmallPacket: "the red packet of {largest} is less than {minimum}",
        .slotQuotaUsed: "the {quota} ad(s) each member may post in this slot are used",
        .raidStarted: "\"{group}\": {count} {what} within {window}; raid mode on: join requests go to the admins, newcomers are muted for now.",
        .raidEnded: "\"{group}\" has been calm for {calm}; raid mode off.",
        .raidHeld: "Raid mode: the join request of {nick} ({user}) waits for an admin.",
        .raidJoins: "joins", .raidFirstMessages: "first messages of newcomers",
        .banned: "banned {member} (in every group of the {list} list)",
        .unbanned: "took {member} off the {list} ban list",
        .banListed: "{nick} ({user}) is on the {list} ban list ({since} in \"{group}\": {reason}; the message: {evidence}); stopped.",
        .markedSpam: "marked a message of {member} as spam: {text}",
        .markedHam: "marked a message of {member} as not spam: {text}",
        .days: "{n} d", .hours: "{n} h", .minutes: "{n} min", .seconds: "{n} s",
        .monday: "Mon", .tuesday: "Tue", .wednesday: "Wed", .thursday: "Thu", .friday: "Fri",
        .saturday: "Sat", .sunday: "Sun",
    ]
}
