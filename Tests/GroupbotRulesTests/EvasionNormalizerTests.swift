@testable import GroupbotRules
import Testing

@Suite struct EvasionNormalizerTests {
    @Test func whiteSpaceIsUnicodesWhiteSpace() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(EvasionNormalizer.isWhitespace(value) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    /// The quick path gives Foundation's NFKC for every character it takes, and takes no other.
    @Test func theQuickCompatibilityMappingIsNFKC() {
        var taken = 0
        for value in UInt32(0)...0x1FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(Character(scalar))
            guard let quick = EvasionNormalizer.quickCompatibility(text) else { continue }
            taken += 1
            #expect(String(quick) == text.precomposedStringWithCompatibilityMapping, "U+\(String(value, radix: 16))")
        }
        #expect(taken > 20_000)
        let message = "请问ＶＩＰ群🎉什么时候发货？谢谢！「鱼油」\n第２瓶半价"
        #expect(String(EvasionNormalizer.quickCompatibility(message)!) == message.precomposedStringWithCompatibilityMapping)
        #expect(EvasionNormalizer.quickCompatibility("加我wеchat") == nil)  // a Cyrillic е: Foundation decides
    }

    @Test func fillersSpacesAndLookAlikesAreUndone() {
        let normalizer = EvasionNormalizer(words: ["微信": ["薇信", "V信"]], strip: EvasionNormalizer.defaultStrip)
        #expect(normalizer.normalize("加 薇·信：１３８ 1234\u{200B}5678") == "加微信:13812345678")
        #expect(normalizer.normalize("加Ｖ信 一三八") == "加微信138")
        #expect(normalizer.normalize("Add  V*X\tNOW") == "addvxnow")
        #expect(normalizer.normalize("ASCII only, no fillers") == "asciionly,nofillers")
    }

    /// The evasions of #20's list that a normaliser can undo: capital numerals, numbered
    /// forms, Cyrillic and Greek look-alikes, heart and star fillers.
    @Test func capitalNumeralsNumberedFormsAndLookAlikes() {
        let normalizer = EvasionNormalizer(words: ["微信": ["威信", "wechat", "vx"]], strip: EvasionNormalizer.defaultStrip)
        #expect(normalizer.normalize("壹叁捌 壹贰叁肆 伍陆柒捌") == "13812345678")
        #expect(normalizer.normalize("⒈⒊⒏⒈⒉⒊⒋⒌⒍⒎⒏") == "13812345678")
        #expect(normalizer.normalize("⑴⑶⑻ ❶❸❽ ➀➂➇ ⓵⓷⓼") == "138138138138")
        #expect(normalizer.normalize("加我wеchat") == "加我微信")  // a Cyrillic е
        #expect(normalizer.normalize("加VΧ") == "加微信")  // a Greek Chi
        #expect(normalizer.normalize("加威❤信") == "加微信")
        #expect(normalizer.normalize("加威★信") == "加微信")
        // Chinese text without any of these stays as it was.
        #expect(normalizer.normalize("鱼油多少钱一瓶") == "鱼油多少钱1瓶")
    }
}
