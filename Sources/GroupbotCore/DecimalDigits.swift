/// Counts decimal digits the way PCRE2's `\d` sees them in UCP mode: every
/// Unicode Nd character, not only 0–9 (full-width ０–９ included).
enum DecimalDigits {
    static func count(in text: String) -> Int {
        var count = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value >= 0x30 && value <= 0x39 { count += 1 }
            } else if value >= 0xFF10 && value <= 0xFF19 {
                count += 1  // full-width digits, common in Chinese text
            } else if (0x3000...0x9FFF).contains(value) {
                continue  // CJK punctuation, kana and ideographs: no digits there
            } else if scalar.properties.numericType == .decimal {
                count += 1
            }
        }
        return count
    }
}
