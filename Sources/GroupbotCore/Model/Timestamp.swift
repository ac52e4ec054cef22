/// RFC 3339 timestamps, parsed and formatted without Foundation so that the
/// output is identical on every machine.
package enum Timestamp {
    /// Parses `2026-11-20T09:15:01+08:00`, `2026-11-20T01:15:01Z` or
    /// `2026-11-20 09:15:01.250+08:00`. Returns the instant and the UTC offset in seconds.
    package static func parse(_ text: String) -> (instant: Instant, utcOffsetSeconds: Int)? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    /// Parses a timestamp from its UTF-8 bytes (as ``parse(_:)`` does a string).
    package static func parse(bytes: UnsafeBufferPointer<UInt8>) -> (instant: Instant, utcOffsetSeconds: Int)? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ first: Unicode.Scalar, or second: Unicode.Scalar? = nil, or third: Unicode.Scalar? = nil) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            guard byte == UInt8(ascii: first) || second.map({ byte == UInt8(ascii: $0) }) == true
                    || third.map({ byte == UInt8(ascii: $0) }) == true
            else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              expect("T", or: "t", or: " "), let hour = digits(2), expect(":"), let minute = digits(2), expect(":"),
              let second = digits(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var milliseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                milliseconds += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if expect("Z", or: "z") {
            offset = 0
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let offsetHours = digits(2), expect(":"), let offsetMinutes = digits(2),
                  offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let localSeconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        let utcMilliseconds = (localSeconds - Int64(offset)) * 1000 + Int64(milliseconds)
        return (Instant(milliseconds: utcMilliseconds), offset)
    }

    /// Formats `instant` as RFC 3339 in the given UTC offset (`Z` for zero);
    /// milliseconds appear only when they are not zero.
    package static func format(_ instant: Instant, utcOffsetSeconds: Int) -> String {
        let local = LocalTime(instant, utcOffsetSeconds: utcOffsetSeconds)
        var text = pad(local.year, 4) + "-" + pad(local.month, 2) + "-" + pad(local.day, 2)
        text += "T" + pad(local.hour, 2) + ":" + pad(local.minute, 2) + ":" + pad(local.second, 2)
        if local.millisecond != 0 { text += "." + pad(local.millisecond, 3) }
        if utcOffsetSeconds == 0 { return text + "Z" }
        let magnitude = abs(utcOffsetSeconds)
        let sign = utcOffsetSeconds < 0 ? "-" : "+"
        return text + sign + pad(magnitude / 3600, 2) + ":" + pad(magnitude % 3600 / 60, 2)
    }

    /// `YYYY-MM-DD` of a day number (days since 1970-01-01).
    package static func dayText(_ days: Int) -> String {
        let date = civil(fromDays: days)
        return pad(date.year, 4) + "-" + pad(date.month, 2) + "-" + pad(date.day, 2)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
