import Foundation
import GroupbotConsole
import GroupbotStore

/// The overview's figures: a month of every group's counts summed per type and per day,
/// the busiest groups and the quiet ones, and a chart per figure.
struct ConsoleFigures {
    let days: [GroupDay]
    let members: [String: Int]
    let latest: String

    /// A group is quiet when it sent fewer than this many messages in the last 7 days.
    static let quietBelow = 5

    func overviewValues(words: [String: String]) -> [String: Any] {
        let today = days.filter { $0.day == latest }
        var typeOf: [String: String] = [:]
        for day in days { typeOf[day.group] = day.type ?? "—" }
        var types: [String: [String: Int]] = [:]
        for (group, type) in typeOf {
            types[type, default: [:]]["groups", default: 0] += 1
            types[type, default: [:]]["members", default: 0] += members[group] ?? 0
        }
        for day in today {
            let type = typeOf[day.group] ?? "—"
            types[type, default: [:]]["joins", default: 0] += day.joins
            types[type, default: [:]]["leaves", default: 0] += day.leaves
            types[type, default: [:]]["messages", default: 0] += day.messages
            types[type, default: [:]]["enforcement", default: 0] += day.enforcement
            types[type, default: [:]]["guided", default: 0] += day.guided
        }
        let typeRows = types.keys.sorted().map { name -> [String: Any] in
            var row: [String: Any] = ["name": name]
            for key in ["groups", "members", "joins", "leaves", "messages", "enforcement", "guided"] { row[key] = types[name]?[key] ?? 0 }
            return row
        }
        // Per figure, the month's daily totals (a day without figures counts 0).
        let dayList = (0..<30).map { Self.day(latest, minus: 29 - $0) }
        var totals: [String: [String: Int]] = [:]
        for day in days {
            totals[day.day, default: [:]]["joins", default: 0] += day.joins
            totals[day.day, default: [:]]["leaves", default: 0] += day.leaves
            totals[day.day, default: [:]]["messages", default: 0] += day.messages
            totals[day.day, default: [:]]["enforcement", default: 0] += day.enforcement
            totals[day.day, default: [:]]["guidance", default: 0] += day.guided
        }
        let charts = ["messages", "joins", "leaves", "enforcement", "guidance"].map { figure -> [String: Any] in
            ["svg": SVGChart.line(dayList.map { totals[$0]?[figure] ?? 0 }, firstLabel: dayList.first ?? "",
                                  lastLabel: dayList.last ?? "", title: words[figure] ?? figure)]
        }
        let busiest = today.sorted { ($0.messages, $1.group) > ($1.messages, $0.group) }.prefix(10).map { day -> [String: Any] in
            ["id": day.group, "type": typeOf[day.group] ?? "—", "messages": day.messages, "enforcement": day.enforcement]
        }
        let week = Set((0..<7).map { Self.day(latest, minus: $0) })
        var weekly: [String: Int] = [:]
        for group in typeOf.keys { weekly[group] = 0 }
        for day in days where week.contains(day.day) { weekly[day.group, default: 0] += day.messages }
        let quiet = weekly.filter { $0.value < Self.quietBelow }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .map { ["id": $0.key, "messages": $0.value] as [String: Any] }
        return ["latestDay": latest, "types": typeRows, "charts": charts, "busiest": Array(busiest), "quiet": quiet]
    }

    /// `YYYY-MM-DD` minus `days` days (civil-date arithmetic, no calendar object).
    static func day(_ text: String, minus days: Int) -> String {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return text }
        let serial = daysFromCivil(year: parts[0], month: parts[1], day: parts[2]) - days
        let (year, month, day) = civilFromDays(serial)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// A moment as `YYYY-MM-DDTHH:MM:SSZ`.
    static func clock(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPart = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPart + 2) / 5 + 1
        let month = monthPart < 10 ? monthPart + 3 : monthPart - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
