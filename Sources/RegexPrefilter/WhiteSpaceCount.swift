/// Counts the characters that PCRE2's `\s`, `\h` and `\v` can match in UCP mode, as a
/// superset: tab to carriage return, space, NEL, no-break space, U+1680, U+180E,
/// U+2000–U+200A, the line and paragraph separators, U+202F, U+205F and the
/// ideographic space U+3000. A pattern that needs n white-space characters cannot
/// match a text with fewer (``RequiredLiterals/minimumSpaces``).
package enum WhiteSpaceCount {
    /// The number of such characters in `text`; one pass over its bytes, no decoding.
    package static func count(in text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            var count = 0
            var index = 0
            let end = bytes.count
            while index < end {
                let lead = bytes[index]
                if lead < 0x80 {
                    if lead == 0x20 || (lead >= 0x09 && lead <= 0x0D) { count += 1 }
                    index += 1
                    continue
                }
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                guard index + length <= end else { break }
                let second = bytes[index + 1], third = length > 2 ? bytes[index + 2] : 0
                switch lead {
                case 0xC2 where second == 0x85 || second == 0xA0: count += 1  // NEL, no-break space
                case 0xE1 where (second == 0x9A && third == 0x80) || (second == 0xA0 && third == 0x8E): count += 1
                case 0xE2 where second == 0x80 && (third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF):
                    count += 1  // U+2000–U+200A, U+2028, U+2029, U+202F
                case 0xE2 where second == 0x81 && third == 0x9F: count += 1  // U+205F
                case 0xE3 where second == 0x80 && third == 0x80: count += 1  // U+3000
                default: break
                }
                index += length
            }
            return count
        }
    }
}
