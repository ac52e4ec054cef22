import Foundation
import GroupbotCore

/// Undoes the usual tricks for slipping contact details past keyword filters,
/// so that `加 薇 信：1 3 8 1 2 3 4 5 6 7 8` reads `加微信:13812345678`:
///
/// - Unicode compatibility normalisation (NFKC): full-width letters and digits
///   become ASCII, circled digits (①②③) plain digits;
/// - zero-width characters, white space and filler symbols between characters removed;
/// - Latin letters in lower case;
/// - Chinese numerals (零〇一幺二两三…九) and their capital forms (壹贰叁…玖) written as digits;
/// - numbered forms NFKC leaves with punctuation or without a decomposition (⒈ ⑴ ❶ ➀ ⓵) as digits;
/// - letters of other scripts that look like Latin ones or digits (`wеchat` with a Cyrillic е,
///   `VΧ` with a Greek Chi, `ᴠx` with a small capital) as that Latin letter or digit: the part
///   of UTS #39's skeleton whose prototype is ASCII (``Confusables``, data shipped with its source);
/// - homophones and look-alikes of a word (薇信, 威信, V信 for 微信) replaced by the word.
struct EvasionNormalizer: TextNormalizing {
    /// Symbols removed by default: the ones people put between characters.
    static let defaultStrip = "·•*_~|❤♥♡★☆✨❣"

    private static let numerals: [Unicode.Scalar: Unicode.Scalar] = [
        "零": "0", "〇": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
        "五": "5", "六": "6", "七": "7", "八": "8", "九": "9",
        "壹": "1", "贰": "2", "貳": "2", "叁": "3", "參": "3", "肆": "4", "伍": "5", "陆": "6", "陸": "6", "柒": "7", "捌": "8",
        "玖": "9",
    ]

    /// The number a numbered form stands for, for the forms NFKC turns into digits with
    /// punctuation (⒈ → `1.`, ⑴ → `(1)`) or leaves alone (❶ ➀ ➊ ⓵ ⓫).
    static func numberedForm(_ value: UInt32) -> UInt32? {
        switch value {
        case 0x2488...0x249B: value - 0x2487  // ⒈ … ⒛
        case 0x2474...0x2487: value - 0x2473  // ⑴ … ⒇
        case 0x2776...0x277F: value - 0x2775  // ❶ … ❿
        case 0x2780...0x2789: value - 0x277F  // ➀ … ➉
        case 0x278A...0x2793: value - 0x2789  // ➊ … ➓
        case 0x24F5...0x24FE: value - 0x24F4  // ⓵ … ⓾
        case 0x24EB...0x24F4: value - 0x24EA + 10  // ⓫ … ⓴
        default: nil
        }
    }

    /// Variant → word as UTF-8, longest variants first so that `V信号` wins over `V信`.
    /// Matched on bytes: UTF-8 is self-synchronising, so a variant found in the text
    /// always starts and ends on character boundaries, and no Foundation search runs
    /// per variant and message.
    private let replacements: [(variant: [UInt8], word: [UInt8])]
    /// The filler symbols removed, as scalars after NFKC (a symbol of several scalars cannot
    /// be met one scalar at a time, so only single-scalar ones count, as always).
    private let strip: Set<Unicode.Scalar>

    init(words: [String: [String]], strip: String) {
        // Compared after the text's NFKC, so the symbols are normalised the same way first.
        let strip = Set(strip.precomposedStringWithCompatibilityMapping.filter { $0.unicodeScalars.count == 1 }
            .compactMap(\.unicodeScalars.first))
        var pairs: [(String, String)] = []
        for (word, variants) in words {
            for variant in variants { pairs.append((Self.basic(variant, strip: strip), Self.basic(word, strip: strip))) }
        }
        replacements = pairs.sorted { ($0.0.count, $0.0) > ($1.0.count, $1.0) }
            .map { (Array($0.0.utf8), Array($0.1.utf8)) }
        self.strip = strip
    }

    func normalize(_ text: String) -> String {
        var bytes = Array(Self.basic(text, strip: strip).utf8)
        for (variant, word) in replacements where !variant.isEmpty {
            guard let first = Self.find(variant, in: bytes, from: 0) else { continue }
            bytes = Self.replacing(variant, with: word, in: bytes, from: first)
        }
        // Numerals last: a word list may name variants written with them (none in ASCII).
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var result = String.UnicodeScalarView()
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars { result.append(Self.numerals[scalar] ?? scalar) }
        return String(result)
    }

    /// Every occurrence of `variant`, left to right and not overlapping, replaced by `word`.
    private static func replacing(_ variant: [UInt8], with word: [UInt8], in bytes: [UInt8], from first: Range<Int>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        var next: Range<Int>? = first
        while let match = next {
            output.append(contentsOf: bytes[position..<match.lowerBound])
            output.append(contentsOf: word)
            position = match.upperBound
            next = find(variant, in: bytes, from: position)
        }
        output.append(contentsOf: bytes[position...])
        return output
    }

    /// Where `needle` first occurs in `haystack` at or after `start`: a plain scan, which for
    /// a message and a short variant beats any generic search.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        let count = needle.count
        guard count > 0, haystack.count - start >= count else { return nil }
        return haystack.withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { word in
                let first = word[0]
                var index = start
                let last = text.count - count
                while index <= last {
                    if text[index] == first {
                        var matched = 1
                        while matched < count, text[index + matched] == word[matched] { matched += 1 }
                        if matched == count { return index..<(index + count) }
                    }
                    index += 1
                }
                return nil
            }
        }
    }

    /// NFKC, no white space, zero-width or filler characters, ASCII letters in lower case.
    private static func basic(_ text: String, strip: Set<Unicode.Scalar>) -> String {
        // NFKC leaves ASCII as it is: most messages skip Foundation's normalisation.
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        if isASCII { return lowered(text.unicodeScalars, strip: strip) }
        // Numbered forms first: NFKC would leave their punctuation between the digits. Most
        // texts have none, and are not copied for them.
        var source = text
        if text.unicodeScalars.contains(where: { numberedForm($0.value) != nil }) {
            var numbered = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                if let number = numberedForm(scalar.value) {
                    numbered.append(contentsOf: String(number).unicodeScalars)
                } else {
                    numbered.append(scalar)
                }
            }
            source = String(numbered)
        }
        if let quick = quickCompatibility(source) { return lowered(quick, strip: strip) }
        return lowered(source.precomposedStringWithCompatibilityMapping.unicodeScalars, strip: strip)
    }

    /// NFKC without Foundation for the texts most messages are: ASCII, Chinese characters,
    /// the CJK punctuation NFKC leaves alone, full-width ASCII (which NFKC maps to ASCII, as
    /// here) and emoji. None of these compose with a neighbour, so the result is NFKC's,
    /// character for character (a test compares the two over these ranges); any other
    /// character sends the whole text through Foundation. Measured on the community day
    /// (docs/performance.md): Foundation's normalisation was a fifth of the run.
    static func quickCompatibility(_ text: String) -> String.UnicodeScalarView? {
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x4E00...0x9FFF, 0x1F300...0x1FAFF, 0x3001...0x3035, 0x3037, 0x303B...0x303F:
                output.append(scalar)
            case 0xFF01...0xFF5E:
                output.append(Unicode.Scalar(value - 0xFEE0)!)
            default:
                return nil
            }
        }
        return output
    }

    /// White space, zero-width and filler characters out; ASCII letters in lower case, and
    /// the look-alikes of ASCII letters and digits as those characters.
    private static func lowered(_ scalars: String.UnicodeScalarView, strip: Set<Unicode.Scalar>) -> String {
        var kept = String.UnicodeScalarView()
        for scalar in scalars {
            let value = scalar.value
            if isWhitespace(value) || (0x200B...0x200D).contains(value) || value == 0x2060 || value == 0xFEFF
                || value == 0x180E || strip.contains(scalar) {
                continue
            }
            if (65...90).contains(value) {
                kept.append(Unicode.Scalar(value + 32)!)
            } else if let latin = Confusables.ascii(for: scalar) {
                kept.append(latin)
            } else {
                kept.append(scalar)
            }
        }
        return String(kept)
    }

    /// Unicode's White_Space property (PropList.txt: 25 code points, unchanged for many versions;
    /// a test compares it with the standard library's), without a property lookup for every
    /// scalar of a message.
    static func isWhitespace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
