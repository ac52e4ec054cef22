/// The console's words in Chinese and English; the browser's `Accept-Language` picks
/// (Chinese when it prefers any `zh`, English otherwise).
package enum ConsoleLanguage: String, Sendable {
    case zh = "zh-CN"
    case en

    /// The language an `Accept-Language` header prefers, by its order and q-values.
    package static func preferred(by header: String?) -> ConsoleLanguage {
        guard let header else { return .en }
        var best: (language: ConsoleLanguage, weight: Double)?
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";")
            let tag = pieces.first.map { $0.trimmingSpaces.lowercased() } ?? ""
            var weight = 1.0
            for parameter in pieces.dropFirst() where parameter.trimmingSpaces.hasPrefix("q=") {
                weight = Double(parameter.trimmingSpaces.dropFirst(2)) ?? 0
            }
            let language: ConsoleLanguage? = tag.hasPrefix("zh") ? .zh : tag.hasPrefix("en") ? .en : nil
            if let language, weight > (best?.weight ?? 0) { best = (language, weight) }
        }
        return best?.language ?? .en
    }

    /// The words of the pages, by key (templates read them as `{{t.key}}`).
    package var words: [String: String] {
        self == .zh ? Self.chinese : Self.english
    }

    static let english: [String: String] = [
        "console": "groupbot console", "overview": "Overview", "audit": "Audit log", "try": "Try a rule", "shadow": "Shadow rules",
        "deliveries": "Deliveries", "signOut": "Sign out", "signIn": "Sign in", "token": "Operator token",
        "badToken": "That token is not valid.", "signedInAs": "Signed in as", "rulesLoaded": "Rules loaded",
        "version": "version", "loadedAt": "loaded at", "lastReloadError": "Last reload error", "none": "none",
        "latestDay": "Latest day", "type": "Type", "groups": "Groups", "members": "Members", "joins": "Joins",
        "leaves": "Leaves", "messages": "Messages", "enforcement": "Enforcement", "guidance": "Guidance sent",
        "last30": "Last 30 days", "quietGroups": "Quiet groups", "quietNote": "fewer than 5 messages in the last 7 days",
        "busiest": "Busiest groups", "group": "Group", "noState": "No state file: figures and the audit log need `--state <file>`.",
        "mapping": "Type and why", "strikes": "Members with strikes", "pending": "Pending flows", "recent": "Recent actions",
        "member": "Member", "rule": "Rule", "action": "Action", "time": "Time", "text": "Text", "cause": "Cause",
        "pardon": "Pardon", "search": "Search", "from": "From", "to": "To", "any": "any", "page": "Page", "next": "Next",
        "previous": "Previous", "found": "actions found", "message": "Message", "role": "Role", "kind": "Kind",
        "explain": "Explain", "pasteLog": "Paste a log (JSON lines)", "report": "Replay report", "compare": "Compare two rule folders",
        "oldRules": "Old folder", "newRules": "New folder", "diff": "Compare", "pendingCount": "Pending", "dead": "Dead",
        "retry": "Retry", "retryAll": "Retry all", "attempts": "Attempts", "lastError": "Last error", "target": "Target",
        "wouldHave": "would have", "hits": "notices", "examples": "latest", "adminOnly": "Only admins may do this.",
        "pardoned": "Pardoned", "retried": "Queued again", "nothing": "Nothing here.", "welcome": "welcome",
        "nickname": "nickname reminders", "steps": "steps", "figures": "Daily figures", "day": "Day", "active": "Active", "ladder": "Ladder", "count": "Strikes", "replies": "Replies", "rules": "rules", "types": "group types", "markSpam": "This is spam",
        "marked": "Marked as spam: the classifier learnt the message and it is recalled.",
        "notMarked": "Not marked: the message is no longer remembered, or no rule reads spam_score.",
    ]

    static let chinese: [String: String] = [
        "console": "groupbot 运营后台", "overview": "总览", "audit": "操作记录", "try": "试一试规则", "shadow": "试运行规则",
        "deliveries": "投递", "signOut": "退出", "signIn": "登录", "token": "运营令牌", "badToken": "令牌不对。",
        "signedInAs": "当前登录", "rulesLoaded": "已加载规则", "version": "版本", "loadedAt": "加载于",
        "lastReloadError": "上次加载错误", "none": "无", "latestDay": "最近一天", "type": "群类型", "groups": "群数",
        "members": "成员", "joins": "入群", "leaves": "退群", "messages": "消息", "enforcement": "处理（撤回/禁言/移出）",
        "guidance": "私信引导", "last30": "近 30 天", "quietGroups": "冷清的群", "quietNote": "近 7 天消息少于 5 条",
        "busiest": "最活跃的群", "group": "群", "noState": "没有状态文件：数据和操作记录需要 `--state <文件>`。",
        "mapping": "群类型及原因", "strikes": "有违规记录的成员", "pending": "进行中的流程", "recent": "最近的操作",
        "member": "成员", "rule": "规则", "action": "操作", "time": "时间", "text": "内容", "cause": "起因",
        "pardon": "赦免", "search": "搜索", "from": "从", "to": "到", "any": "全部", "page": "页", "next": "下一页",
        "previous": "上一页", "found": "条操作", "message": "消息", "role": "身份", "kind": "类型", "explain": "解释",
        "pasteLog": "粘贴日志（JSON 行）", "report": "回放报告", "compare": "比较两个规则目录", "oldRules": "旧目录",
        "newRules": "新目录", "diff": "比较", "pendingCount": "待投递", "dead": "投递失败", "retry": "重试",
        "retryAll": "全部重试", "attempts": "尝试次数", "lastError": "最后的错误", "target": "目标",
        "wouldHave": "本应", "hits": "条通知", "examples": "最近", "adminOnly": "只有管理员可以这样做。", "pardoned": "已赦免",
        "retried": "已重新排队", "nothing": "暂无。", "welcome": "欢迎", "nickname": "昵称提醒", "steps": "步",
        "figures": "每日数据", "day": "日期", "active": "发言人数", "ladder": "阶梯", "count": "次数", "replies": "回复", "rules": "条规则", "types": "个群类型", "markSpam": "这是广告",
        "marked": "已标为广告：分类器学习了这条消息，消息已撤回。", "notMarked": "没有标记：这条消息已不在记忆中，或没有规则使用 spam_score。",
    ]
}
