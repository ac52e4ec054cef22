import Foundation
import GroupbotConsole
import GroupbotCore
import GroupbotStore

/// The overview's values for the page: the figures SQLite added up (``OverviewFigures``),
/// a chart per figure over the month, the busiest and the quiet groups.
struct ConsoleFigures {
    let figures: OverviewFigures

    /// A group is quiet when it sent fewer than this many messages in the last 7 days.
    static let quietBelow = 5

    static func load(_ reader: StoreReader, latest: String) throws -> ConsoleFigures {
        ConsoleFigures(figures: try reader.overview(latest: latest, from: day(latest, minus: 29), weekFrom: day(latest, minus: 6),
                                                    quietBelow: quietBelow))
    }

    func overviewValues(words: [String: String]) -> [String: Any] {
        let latest = figures.latestDay
        let typeRows = figures.types.map { row -> [String: Any] in
            ["name": row.type, "groups": row.groups, "members": row.members, "joins": row.latest.joins, "leaves": row.latest.leaves,
             "messages": row.latest.messages, "enforcement": row.latest.enforcement, "replies": row.latest.replies,
             "guided": row.latest.guided]
        }
        // Per figure, the month's daily totals (a day without figures counts 0).
        let dayList = (0..<30).map { Self.day(latest, minus: 29 - $0) }
        let series: [(String, KeyPath<OverviewFigures.Totals, Int>)] = [
            ("messages", \.messages), ("joins", \.joins), ("leaves", \.leaves), ("enforcement", \.enforcement),
            ("replies", \.replies), ("guidance", \.guided),
        ]
        let charts = series.map { name, path -> [String: Any] in
            ["svg": SVGChart.line(dayList.map { figures.days[$0]?[keyPath: path] ?? 0 }, firstLabel: dayList.first ?? "",
                                  lastLabel: dayList.last ?? "", title: words[name] ?? name)]
        }
        let busiest = figures.busiest.map { row -> [String: Any] in
            ["id": row.group, "type": row.type, "messages": row.messages, "enforcement": row.enforcement]
        }
        let quiet = figures.quiet.map { ["id": $0.group, "messages": $0.messages] as [String: Any] }
        return ["latestDay": latest, "types": typeRows, "charts": charts, "busiest": busiest, "quiet": quiet,
                "quietCount": figures.quietCount]
    }

    /// `YYYY-MM-DD` minus `days` days.
    static func day(_ text: String, minus days: Int) -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        return Timestamp.dayText(Timestamp.daysFromCivil(year: parts[0], month: parts[1], day: parts[2]) - days)
    }

    /// A moment as `YYYY-MM-DDTHH:MM:SSZ`.
    static func clock(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
