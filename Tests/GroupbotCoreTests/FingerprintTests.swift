@testable import GroupbotCore
import Testing

/// A message's fingerprint (what `repeated` counts) is kept in snapshots: the quick way of
/// working it out must give the hash it always gave.
@Suite struct FingerprintTests {
    /// The fingerprint as first written: the kept scalars in a string, hashed.
    static func reference(_ text: String) -> UInt64? {
        var kept = ""
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isWhitespace || properties.generalCategory.isPunctuation { continue }
            let value = scalar.value
            kept.unicodeScalars.append((65...90).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
        }
        return kept.isEmpty ? nil : StableHash.of(kept)
    }

    @Test func theQuickFingerprintIsTheOneSnapshotsKeep() {
        let texts = [
            "鱼油今天有货吗", "鱼油今天有货吗？", "鱼油 今天有货吗！！", "Price $99 + tax = <100> ^_^ `ok` | ~", "👍👍", "",
            "  \t\n", "加我wеchat：VΧ88", "「限时」《特价》…——", "Ｆｕｌｌ　Ｗｉｄｔｈ　１２３", "mixed 中文 and ASCII, with punctuation!",
        ]
        for text in texts { #expect(RecentTexts.fingerprint(text) == Self.reference(text), "\(text)") }
        // Every character once, in runs, so no scalar is sorted differently.
        var run = ""
        for value in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            run.unicodeScalars.append(scalar)
            if run.unicodeScalars.count == 64 {
                #expect(RecentTexts.fingerprint(run) == Self.reference(run), "run ending U+\(String(value, radix: 16))")
                run = ""
            }
        }
    }
}
