import GroupbotConsole
import GroupbotCore
import GroupbotStore

/// The console's audit log: search by member, group, rule, action, cause and days, newest
/// first, 50 a page; and the notices of rules on trial, grouped by rule.
enum ConsoleAudit {
    static let pageSize = 50

    struct Query {
        var user, group, rule, action, from, to, cause: String?
        var page: Int

        init(_ fields: [String: String]) {
            func field(_ name: String) -> String? { fields[name].flatMap { $0.isEmpty ? nil : $0 } }
            user = field("user"); group = field("group"); rule = field("rule"); action = field("action")
            from = field("from"); to = field("to"); cause = field("cause")
            page = max(1, Int(fields["page"] ?? "") ?? 1)
        }

        /// The search form's values, to write back into it.
        var values: [String: String] {
            ["user": user ?? "", "group": group ?? "", "rule": rule ?? "", "action": action ?? "", "from": from ?? "", "to": to ?? ""]
        }

        /// The link to another page of the same search.
        func link(page: Int) -> String {
            var parts = ["page=\(page)"]
            for (name, value) in [("user", user), ("group", group), ("rule", rule), ("action", action), ("from", from), ("to", to),
                                  ("cause", cause)] {
                if let value { parts.append(name + "=" + ConsoleRoutes.percentEncoded(value)) }
            }
            return "/console/audit?" + parts.joined(separator: "&")
        }
    }

    struct Result {
        var entries: [AuditEntry]
        var total: Int
        var pages: Int
        var previous: String?
        var next: String?
    }

    static func search(_ reader: StoreReader, _ query: Query) throws -> Result {
        let matching = try reader.auditLog(group: query.group, user: query.user, rule: query.rule).filter { entry in
            let action = entry.action
            if let kind = query.action, action.kind.rawValue != kind { return false }
            if let cause = query.cause, action.cause != cause { return false }
            let day = String(Timestamp.format(action.due, utcOffsetSeconds: action.utcOffsetSeconds).prefix(10))
            if let from = query.from, day < from { return false }
            if let to = query.to, day > to { return false }
            return true
        }
        let pages = max(1, (matching.count + pageSize - 1) / pageSize)
        let page = min(query.page, pages)
        let newestFirst = matching.reversed().dropFirst((page - 1) * pageSize).prefix(pageSize)
        return Result(entries: Array(newestFirst), total: matching.count, pages: pages,
                      previous: page > 1 ? query.link(page: page - 1) : nil, next: page < pages ? query.link(page: page + 1) : nil)
    }

    /// Table rows; a mute or a deletion of a member offers a pardon to admins.
    static func rows<Entries: Sequence>(_ entries: Entries, viewer: ConsolePages.Viewer) -> [[String: Any]]
    where Entries.Element == AuditEntry {
        let admin = viewer.holder?.isAdmin ?? false
        return entries.map { entry in
            let action = entry.action
            var row: [String: Any] = [
                "id": action.id, "time": Timestamp.format(action.due, utcOffsetSeconds: action.utcOffsetSeconds),
                "group": action.group, "user": action.user ?? "", "kind": action.kind.rawValue, "rule": action.rule,
                "text": action.text ?? "", "cause": action.cause, "csrf": viewer.csrf,
            ]
            if admin, action.user != nil, [.mute, .delete, .kick].contains(action.kind) { row["pardonable"] = true }
            // Actions caused by a member's message (not a schedule, not the console's own) may mark it as spam.
            if admin, action.user != nil, !action.cause.contains("@"), !action.cause.hasPrefix("console-"), action.id.hasSuffix(":0") {
                row["markable"] = true
            }
            return row
        }
    }

    /// What each rule on trial would have done: its notices (ids ending in `:shadow`), counted,
    /// with the latest five.
    static func shadowRules(_ entries: [AuditEntry]) -> [[String: Any]] {
        var byRule: [String: [Action]] = [:]
        for entry in entries where entry.action.id.hasSuffix(":shadow") { byRule[entry.action.rule, default: []].append(entry.action) }
        return byRule.keys.sorted().map { rule in
            let actions = byRule[rule]!
            return ["rule": rule, "count": actions.count, "examples": actions.suffix(5).reversed().map { action -> [String: Any] in
                ["time": Timestamp.format(action.due, utcOffsetSeconds: action.utcOffsetSeconds), "group": action.group,
                 "text": action.text ?? ""]
            }]
        }
    }
}
