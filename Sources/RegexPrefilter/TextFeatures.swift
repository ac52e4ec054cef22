/// Coarse facts about which kinds of characters a text holds, one bit each:
/// ASCII digits, letters, spaces and each punctuation mark, and, for other
/// characters, the range their UTF-8 lead byte falls in (Han ideographs,
/// CJK punctuation, full-width forms, emoji…).
///
/// A text's mask is one table lookup per byte. A pattern that needs, say, an
/// upper-case letter or an emoji cannot match a text whose mask lacks every
/// feature that could supply it, so the pattern need not run.
package enum TextFeatures {
    /// Every feature: a class about which nothing useful is known.
    package static let all: UInt64 = ~0

    /// The feature of each byte value; continuation bytes have none of their own.
    static let ofByte: [UInt8] = (0..<256).map { feature(ofByte: UInt8($0)) }

    private static let punctuation = Array(##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##.utf8)

    private static func feature(ofByte byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: return 0
        case 0x41...0x5A: return 1
        case 0x61...0x7A: return 2
        case 0x09...0x0D, 0x20: return 3
        case 0x00...0x7F:
            if let index = punctuation.firstIndex(of: byte) { return UInt8(4 + index) }  // 4...35
            return 36  // other control characters
        case 0x80...0xBF: return 63  // continuation: never the first byte of a character
        case 0xC2...0xC3: return 39
        case 0xC4...0xCF: return 40
        case 0xD0...0xDF: return 41
        case 0xE0...0xE9: return 42 + (byte - 0xE0)  // 42...51: E3 is CJK punctuation and kana, E4–E9 Han
        case 0xEA...0xED: return 52
        case 0xEE: return 53
        case 0xEF: return 54  // full-width forms
        case 0xF0: return 55  // emoji and other astral characters
        case 0xF1...0xF4: return 56
        default: return 38  // bytes that never start a character
        }
    }

    /// The mask of a text.
    package static func mask(of bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var mask: UInt64 = 0
        ofByte.withUnsafeBufferPointer { table in
            for byte in bytes { mask |= 1 << UInt64(table[Int(byte)]) }
        }
        return mask
    }

    /// The mask of a text given as a string.
    package static func mask(of text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { mask(of: $0) }
    }

    /// The feature bit of one character (that of its first UTF-8 byte).
    static func of(_ scalar: Unicode.Scalar) -> UInt64 {
        1 << UInt64(ofByte[Int(leadByte(of: scalar.value))])
    }

    /// The features of a character as the literal analysis writes it: ASCII letters
    /// there are folded to lower case, so both cases' features are allowed.
    static func ofSearchForm(_ scalar: Unicode.Scalar) -> UInt64 {
        let value = scalar.value | 0x20
        if scalar.isASCII, value >= 0x61, value <= 0x7A { return 1 << 1 | 1 << 2 }
        return of(scalar)
    }

    /// Letters in caseless mode: both ASCII cases, plus the Kelvin sign (E2) and long s (C5)
    /// that UCP caseless matching also accepts for k and s.
    static let caselessLetters: UInt64 = 1 << 1 | 1 << 2 | 1 << 40 | 1 << 44

    /// The features any character in `low...high` may have.
    static func of(range low: Unicode.Scalar, _ high: Unicode.Scalar) -> UInt64 {
        var mask: UInt64 = 0
        if low.value < 0x80 {
            for value in low.value...min(high.value, 0x7F) { mask |= 1 << UInt64(ofByte[Int(value)]) }
        }
        if high.value >= 0x80 {
            let first = leadByte(of: max(low.value, 0x80)), last = leadByte(of: high.value)
            for lead in first...last { mask |= 1 << UInt64(ofByte[Int(lead)]) }
        }
        return mask
    }

    private static func leadByte(of value: UInt32) -> UInt8 {
        switch value {
        case ..<0x80: return UInt8(value)
        case ..<0x800: return UInt8(0xC0 | (value >> 6))
        case ..<0x10000: return UInt8(0xE0 | (value >> 12))
        default: return UInt8(0xF0 | (value >> 18))
        }
    }

    /// Where Unicode decimal digits (what `\d` matches in UCP mode) can be:
    /// ASCII, and the lead-byte ranges of the scripts with their own digits.
    /// A test checks this against every Nd character.
    static let decimalDigits: UInt64 = [0, 41, 42, 43, 52, 54, 55].reduce(0) { $0 | 1 << $1 }

    /// Where Unicode white space (what `\s` matches in UCP mode) can be.
    /// A test checks this against every White_Space character.
    static let whiteSpace: UInt64 = [3, 39, 43, 44, 45].reduce(0) { $0 | 1 << $1 }
}
