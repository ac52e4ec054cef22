extension Timestamp {
    /// Appends `instant` in RFC 3339 form to `output`, as ``format(_:utcOffsetSeconds:)``
    /// writes it, without building a string (it runs once per action written).
    package static func append(_ instant: Instant, utcOffsetSeconds: Int, to output: inout [UInt8]) {
        let local = LocalTime(instant, utcOffsetSeconds: utcOffsetSeconds)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            if rest >= divisor * 10 {  // years past 9999: write every digit
                output.append(contentsOf: String(value).utf8)
                return
            }
            while divisor > 0 {
                output.append(UInt8(48 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(local.year, 4); output.append(UInt8(ascii: "-"))
        digits(local.month, 2); output.append(UInt8(ascii: "-"))
        digits(local.day, 2); output.append(UInt8(ascii: "T"))
        digits(local.hour, 2); output.append(UInt8(ascii: ":"))
        digits(local.minute, 2); output.append(UInt8(ascii: ":"))
        digits(local.second, 2)
        if local.millisecond != 0 {
            output.append(UInt8(ascii: "."))
            digits(local.millisecond, 3)
        }
        if utcOffsetSeconds == 0 {
            output.append(UInt8(ascii: "Z"))
            return
        }
        let magnitude = abs(utcOffsetSeconds)
        output.append(utcOffsetSeconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        digits(magnitude / 3600, 2); output.append(UInt8(ascii: ":"))
        digits(magnitude % 3600 / 60, 2)
    }
}
