/// Characters that read as an ASCII letter or digit, folded to that character: the part of
/// Unicode's confusables data (the skeleton of UTS #39) whose prototype is one ASCII letter
/// or digit, shipped in `ConfusablesData.swift` (written by `scripts/confusables.py`, which
/// names its source), plus a few pairs of our own.
///
/// Only this part of the skeleton is applied, after NFKC and on non-ASCII characters only:
/// the full skeleton folds Han characters into radicals and kana (一 to ー, 口 to ロ) and
/// ASCII digits into letters (1 to l, 0 to O), which would break Chinese keywords and
/// phone numbers alike.
enum Confusables {
    /// Our own pairs, which win over the data: matching is done in lower case, so the forms of
    /// capital I read as `i` (the data says `l`); lower-case Cyrillic and Greek letters that look
    /// like Latin small capitals (в к м н т κ χ), and the Latin small capitals of "fancy text"
    /// generators (ᴀ ʙ ᴇ ʜ ᴛ…), which the data leaves out, read as those letters.
    static let overlay: [Unicode.Scalar: Unicode.Scalar] = [
        "І": "i", "Ι": "i", "ӏ": "l", "в": "b", "к": "k", "м": "m", "н": "h", "т": "t", "κ": "k", "χ": "x",
        "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k",
        "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ǫ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v",
        "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
    ]

    /// Source → ASCII letter or digit (letters in lower case).
    static let table: [Unicode.Scalar: Unicode.Scalar] = {
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for line in data.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count >= 2, let source = UInt32(fields[0], radix: 16).flatMap(Unicode.Scalar.init),
                  let target = UInt32(fields[1], radix: 16).flatMap(Unicode.Scalar.init)
            else { continue }
            table[source] = (65...90).contains(target.value) ? Unicode.Scalar(target.value + 32)! : target
        }
        table.merge(overlay) { $1 }
        return table
    }()

    /// The ASCII character `scalar` reads as, when it is a look-alike of one. Han, kana and
    /// Hangul, most of a Chinese message, are passed over without a look-up.
    @inline(__always)
    static func ascii(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let value = scalar.value
        guard value >= 0x80, !(0x2E80...0xD7AF).contains(value) else { return nil }
        return table[scalar]
    }
}
