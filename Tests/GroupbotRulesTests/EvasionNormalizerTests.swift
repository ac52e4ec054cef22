@testable import GroupbotRules
import Testing

@Suite struct EvasionNormalizerTests {
    @Test func whiteSpaceIsUnicodesWhiteSpace() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(EvasionNormalizer.isWhitespace(value) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    @Test func fillersSpacesAndLookAlikesAreUndone() {
        let normalizer = EvasionNormalizer(words: ["微信": ["薇信", "V信"]], strip: EvasionNormalizer.defaultStrip)
        #expect(normalizer.normalize("加 薇·信：１３８ 1234\u{200B}5678") == "加微信:13812345678")
        #expect(normalizer.normalize("加Ｖ信 一三八") == "加微信138")
        #expect(normalizer.normalize("Add  V*X\tNOW") == "addvxnow")
        #expect(normalizer.normalize("ASCII only, no fillers") == "asciionly,nofillers")
    }
}
