/// Counts decimal digits the way PCRE2's `\d` sees them in UCP mode: every
/// Unicode Nd character, not only 0–9 (full-width ０–９ included).
enum DecimalDigits {
    static func count(in text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            var index = 0
            while index < bytes.count {
                let lead = bytes[index]
                if lead < 0x80 {
                    if lead &- 0x30 < 10 { count += 1 }
                    index += 1
                    continue
                }
                if lead >= 0xE2 && lead <= 0xE9 {
                    index += 3  // U+2000–U+9FFF: punctuation, symbols, CJK, kana, ideographs; no digits
                    continue
                }
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                guard index + length <= bytes.count else { break }  // a cut-off sequence is no digit
                var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
                index += length
                if mayBeDigit(value), Unicode.Scalar(value)?.properties.numericType == .decimal { count += 1 }
            }
            return count
        }
    }

    /// False for the ranges most chat text is made of and where Unicode has no
    /// decimal digit: U+2000–U+A61F (punctuation, symbols, CJK, kana, Yi) and
    /// U+F000–U+FFFF apart from full-width ０–９. Anything else is looked up.
    /// (The loop above already skips lead bytes E2–E9 without decoding.)
    @inline(__always)
    private static func mayBeDigit(_ value: UInt32) -> Bool {
        if value >= 0x2000 && value < 0xA620 { return false }
        if value >= 0xF000 && value <= 0xFFFF { return value >= 0xFF10 && value <= 0xFF19 }
        return true
    }
}
