import GroupbotCore
@testable import GroupbotRules
import Testing

/// Look-alikes: words mixing alphabets as a condition, and the confusables data folding
/// look-alike letters into the ASCII ones the keywords are written in.
@Suite struct MixedScriptTests {
    @Test func wordsMixingAlphabetsAreSeen() throws {
        let harness = try Harness(rules: """
              - id: mixed
                on: message
                when: { mixed_script: true }
                actions: [delete]
            """)
        let mixed = ["加我wеchat聊", "VΧ: abc123", "联系 ѕhop88", "Теlegram 群"]
        let honest = ["加V信", "iPhone手机到了", "Привет всем", "Γειά σας", "ok👌", "我在 café 等你", "用的是 vitamin E"]
        // The deletion and its notice to the admins.
        for text in mixed { #expect(harness.send(text, user: "u-\(text.count)").map(\.kind) == [.delete, .notify], "\(text)") }
        for text in honest { #expect(harness.send(text).isEmpty, "\(text)") }
    }

    @Test func theConfusablesDataFoldsLookAlikesOnlyIntoASCII() {
        #expect(Confusables.table.count > 300)
        #expect(Confusables.ascii(for: "е") == "e")  // Cyrillic
        #expect(Confusables.ascii(for: "Χ") == "x")  // Greek capital Chi, in lower case
        #expect(Confusables.ascii(for: "ᴠ") == "v")  // Latin small capital
        #expect(Confusables.ascii(for: "І") == "i")  // our overlay: the capital I form reads i
        // Chinese characters, kana and ASCII are never folded.
        for scalar: Unicode.Scalar in ["一", "口", "ロ", "l", "1", "0"] { #expect(Confusables.ascii(for: scalar) == nil) }
        // Every target is an ASCII letter or digit.
        #expect(Confusables.table.values.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) })
    }

    @Test func theNormaliserReadsSmallCapitalsAndOtherScripts() {
        let normalizer = EvasionNormalizer(words: ["微信": ["wechat", "vx"]], strip: EvasionNormalizer.defaultStrip)
        #expect(normalizer.normalize("加ᴡᴇᴄʜᴀᴛ") == "加微信")
        #expect(normalizer.normalize("加ⅴх") == "加微信")  // a Roman numeral five (NFKC) and a Cyrillic х
        #expect(normalizer.normalize("一口价") == "1口价")
    }
}
