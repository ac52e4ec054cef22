/// Whether a text has a word that mixes alphabets: `wеchat` with a Cyrillic е, `VΧ` with a
/// Greek Chi. Honest words keep to one script; mixing is how look-alikes slip past filters.
///
/// A word is a run of letters of alphabetic scripts (Latin, Greek, Cyrillic, Armenian,
/// Cherokee) and digits; Chinese characters, kana, spaces and punctuation end it, so
/// `加V信` or `iPhone手机` is no mix (Han beside Latin is everyday Chinese).
enum MixedScript {
    private enum Script: UInt8 {
        case latin = 1, greek = 2, cyrillic = 4, armenian = 8, cherokee = 16
    }

    static func has(in text: String) -> Bool {
        // ASCII is one script: most messages are decided on their bytes.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        var seen: UInt8 = 0
        for scalar in text.unicodeScalars {
            if let script = script(of: scalar.value) {
                seen |= script.rawValue
                if seen & (seen - 1) != 0 { return true }  // two bits: two scripts in one word
            } else if !(0x30...0x39).contains(scalar.value), !isMark(scalar.value) {
                seen = 0  // the word ends
            }
        }
        return false
    }

    private static func script(of value: UInt32) -> Script? {
        switch value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x24F, 0x1D00...0x1D7F, 0x1E00...0x1EFF,
             0x2C60...0x2C7F, 0xA720...0xA7FF, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            .latin
        case 0x370...0x373, 0x376...0x377, 0x37B...0x37D, 0x37F, 0x386, 0x388...0x3FF, 0x1F00...0x1FFF:
            .greek
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F:
            .cyrillic
        case 0x531...0x58F:
            .armenian
        case 0x13A0...0x13FF, 0xAB70...0xABBF:
            .cherokee
        default:
            nil
        }
    }

    /// Combining marks stay inside a word.
    private static func isMark(_ value: UInt32) -> Bool {
        (0x300...0x36F).contains(value) || (0x1AB0...0x1AFF).contains(value) || (0x20D0...0x20FF).contains(value)
    }
}
