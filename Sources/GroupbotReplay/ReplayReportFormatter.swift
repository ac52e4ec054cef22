import GroupbotConsole
import GroupbotCore
import GroupbotWire

/// Writes a ``ReplayReport`` as a text table, JSON or a self-contained HTML page.
package enum ReplayReportFormat: String, Sendable, CaseIterable {
    case table, json, html

    /// The report in this format.
    package func render(_ report: ReplayReport) -> String {
        switch self {
        case .table: return Self.table(report)
        case .json: return Self.json(report)
        case .html: return Self.html(report)
        }
    }

    private static func table(_ report: ReplayReport) -> String {
        var lines = ["replay: \(report.events) events, \(report.actions) actions", "", "rules (hits = events acted on):"]
        let width = max(4, report.rules.map(\.rule.count).max() ?? 4)
        lines.append("  " + "rule".padding(width) + "  hits  actions  shadow  types / examples")
        for rule in report.rules where rule.hits > 0 {
            lines.append("  " + rule.rule.padding(width) + "  " + String(rule.hits).leftPadding(4) + "  "
                + String(rule.actions).leftPadding(7) + "  " + String(rule.shadowed).leftPadding(6) + "  "
                + rule.types.joined(separator: ",") + " / " + rule.examples.joined(separator: " "))
        }
        lines.append("")
        lines.append("rules that never fired: " + (report.silentRules.isEmpty ? "none" : report.silentRules.joined(separator: ", ")))
        lines.append("")
        lines.append("actions per group type:")
        for (type, count) in report.actionsByType.sorted(by: { $0.key < $1.key }) { lines.append("  \(type): \(count)") }
        lines.append("")
        lines.append("busiest groups (events):")
        for (group, events) in report.busiestGroups { lines.append("  \(group): \(events)") }
        lines.append("")
        lines.append("members with strikes:")
        if report.strikes.isEmpty { lines.append("  none") }
        for strike in report.strikes {
            let history = strike.history.map { "\(Timestamp.format($0.time, utcOffsetSeconds: 0)) \($0.rule) in \($0.group) (\($0.cause))" }
            lines.append("  \(strike.user) on \(strike.ladder): \(strike.count) now, \(strike.history.count) in all — "
                + history.joined(separator: "; "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func json(_ report: ReplayReport) -> String {
        func quoted(_ text: String) -> String {
            var bytes: [UInt8] = []
            ActionEncoder.appendQuoted(text, to: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
        let rules = report.rules.map { rule in
            "{\"rule\":\(quoted(rule.rule)),\"types\":\(list(rule.types.map(quoted))),\"hits\":\(rule.hits),"
                + "\"actions\":\(rule.actions),\"shadowed\":\(rule.shadowed),\"examples\":\(list(rule.examples.map(quoted)))}"
        }
        let types = report.actionsByType.sorted { $0.key < $1.key }.map { "\(quoted($0.key)):\($0.value)" }
        let groups = report.busiestGroups.map { "{\"group\":\(quoted($0.group)),\"events\":\($0.events)}" }
        let strikes = report.strikes.map { strike in
            let history = strike.history.map {
                "{\"time\":\(quoted(Timestamp.format($0.time, utcOffsetSeconds: 0))),\"rule\":\(quoted($0.rule)),"
                    + "\"group\":\(quoted($0.group)),\"cause\":\(quoted($0.cause))}"
            }
            return "{\"user\":\(quoted(strike.user)),\"ladder\":\(quoted(strike.ladder)),\"count\":\(strike.count),"
                + "\"history\":\(list(history))}"
        }
        return "{\"events\":\(report.events),\"actions\":\(report.actions),\"rules\":\(list(rules)),"
            + "\"silent_rules\":\(list(report.silentRules.map(quoted))),\"actions_by_type\":{\(types.joined(separator: ","))},"
            + "\"busiest_groups\":\(list(groups)),\"strikes\":\(list(strikes))}\n"
    }

    private static func html(_ report: ReplayReport) -> String {
        let escape = ConsoleHTML.escape
        var page = """
            <!doctype html>
            <html lang="zh"><head><meta charset="utf-8"><title>groupbot replay report</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}
            td.n{text-align:right}.silent{color:#999}</style></head><body>
            <h1>Replay report</h1><p>\(report.events) events, \(report.actions) actions</p>
            <h2>Rules</h2><table><tr><th>rule</th><th>types</th><th>hits</th><th>actions</th><th>shadow</th><th>examples</th></tr>

            """
        for rule in report.rules {
            page += "<tr\(rule.hits == 0 ? " class=\"silent\"" : "")><td>\(escape(rule.rule))</td><td>\(escape(rule.types.joined(separator: ", ")))</td>"
                + "<td class=\"n\">\(rule.hits)</td><td class=\"n\">\(rule.actions)</td><td class=\"n\">\(rule.shadowed)</td>"
                + "<td>\(escape(rule.examples.joined(separator: " ")))</td></tr>\n"
        }
        page += "</table>\n<h2>Actions per group type</h2><table>\n"
        for (type, count) in report.actionsByType.sorted(by: { $0.key < $1.key }) {
            page += "<tr><td>\(escape(type))</td><td class=\"n\">\(count)</td></tr>\n"
        }
        page += "</table>\n<h2>Busiest groups</h2><table>\n"
        for (group, events) in report.busiestGroups {
            page += "<tr><td>\(escape(group))</td><td class=\"n\">\(events)</td></tr>\n"
        }
        page += "</table>\n<h2>Members with strikes</h2><table><tr><th>member</th><th>ladder</th><th>now</th><th>history</th></tr>\n"
        for strike in report.strikes {
            let history = strike.history.map { "\(Timestamp.format($0.time, utcOffsetSeconds: 0)) \($0.rule) (\($0.cause))" }
            page += "<tr><td>\(escape(strike.user))</td><td>\(escape(strike.ladder))</td><td class=\"n\">\(strike.count)</td>"
                + "<td>\(escape(history.joined(separator: "; ")))</td></tr>\n"
        }
        return page + "</table>\n</body></html>\n"
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
