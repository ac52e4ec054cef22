/// Weekdays, Monday first, as rule files name them.
package enum Weekday: Int, CaseIterable, Sendable, Hashable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// The weekday of a day number (days since 1970-01-01, a Thursday).
    package init(dayNumber: Int) {
        self = Weekday(rawValue: (dayNumber + 3).floorModulo(7) + 1)!
    }

    /// The short names used in rule files (`mon` … `sun`).
    package static let names: [String: Weekday] = [
        "mon": .monday, "tue": .tuesday, "wed": .wednesday, "thu": .thursday,
        "fri": .friday, "sat": .saturday, "sun": .sunday,
    ]

    /// The weekday before this one.
    package var previous: Weekday { Weekday(rawValue: rawValue == 1 ? 7 : rawValue - 1)! }
}

/// The wall-clock reading of an instant at a UTC offset.
package struct LocalTime: Sendable, Equatable {
    package let year: Int, month: Int, day: Int
    package let hour: Int, minute: Int, second: Int, millisecond: Int
    /// Days since 1970-01-01 in local time.
    package let dayNumber: Int

    /// Reads `instant` at `utcOffsetSeconds` east of UTC.
    package init(_ instant: Instant, utcOffsetSeconds: Int) {
        let local = instant.milliseconds + Int64(utcOffsetSeconds) * 1000
        let days = Int(local.floorDivided(by: 86_400_000))
        let inDay = Int(local - Int64(days) * 86_400_000)
        dayNumber = days
        (year, month, day) = Timestamp.civil(fromDays: days)
        hour = inDay / 3_600_000
        minute = inDay / 60_000 % 60
        second = inDay / 1000 % 60
        millisecond = inDay % 1000
    }

    /// Minutes since local midnight.
    package var minuteOfDay: Int { hour * 60 + minute }

    /// The local weekday (1970-01-01 was a Thursday).
    package var weekday: Weekday { Weekday(dayNumber: dayNumber) }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

extension Int {
    func floorModulo(_ divisor: Int) -> Int {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
