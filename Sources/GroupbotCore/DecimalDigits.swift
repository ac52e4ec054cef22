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
                } else if lead >= 0xE3 && lead <= 0xE9 {
                    index += 3  // U+3000–U+9FFF: CJK punctuation, kana, ideographs; no digits there
                } else if lead == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBC,
                          bytes[index + 2] &- 0x90 < 10 {
                    count += 1  // full-width ０–９ (U+FF10–U+FF19)
                    index += 3
                } else {
                    // Anything else: decode the scalar and ask Unicode.
                    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                    let end = min(bytes.count, index + length)
                    let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
                        .unicodeScalars.first
                    if scalar?.properties.numericType == .decimal { count += 1 }
                    index = end
                }
            }
            return count
        }
    }
}
