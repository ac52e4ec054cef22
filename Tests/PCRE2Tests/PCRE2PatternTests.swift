import PCRE2
import Testing

@Suite struct PCRE2PatternTests {
    let scratch = MatchScratch()

    @Test func matchesChineseTextInUTFMode() throws {
        let pattern = try PCRE2Pattern("^.{4}$")
        #expect(try pattern.matches("请问价格", scratch: scratch))  // four characters, twelve bytes
        #expect(try !pattern.matches("请问价格呢", scratch: scratch))
    }

    @Test func hanScriptPropertyAndItsPunctuationPitfall() throws {
        let scriptExtensions = try PCRE2Pattern(#"^\p{Han}+$"#)
        let scriptOnly = try PCRE2Pattern(#"^\p{sc=Han}+$"#)
        #expect(try scriptExtensions.matches("王芳", scratch: scratch))
        #expect(try scriptOnly.matches("王芳", scratch: scratch))
        // PCRE2 10.40+: \p{Han} also accepts CJK punctuation; \p{sc=Han} does not.
        #expect(try scriptExtensions.matches("「」。", scratch: scratch))
        #expect(try !scriptOnly.matches("「」。", scratch: scratch))
    }

    @Test func unicodePropertiesApplyToShorthandClasses() throws {
        // With UCP, \w covers Chinese characters too.
        #expect(try PCRE2Pattern(#"^\w+$"#).matches("鱼油", scratch: scratch))
    }

    @Test func namedCapturesAreReturnedByName() throws {
        let pattern = try PCRE2Pattern(#"(?<product>鱼油|钙片).{0,4}(?<ask>多少钱|价格)"#)
        let match = try #require(try pattern.firstMatch(in: "请问鱼油现在多少钱？", scratch: scratch))
        #expect(pattern.captureNames == ["product", "ask"])
        #expect(match.matchedText == "鱼油现在多少钱")
        #expect(match.namedCaptures["product"] == "鱼油")
        #expect(match.namedCaptures["ask"] == "多少钱")
    }

    @Test func unsetOptionalGroupIsAbsent() throws {
        let pattern = try PCRE2Pattern(#"加(?<how>微信|V)?(?<id>\d{5,})"#)
        let match = try #require(try pattern.firstMatch(in: "加123456", scratch: scratch))
        #expect(match.namedCaptures["how"] == nil)
        #expect(match.namedCaptures["id"] == "123456")
    }

    @Test func caselessOption() throws {
        #expect(try PCRE2Pattern("wechat", caseless: true).matches("加我WeChat", scratch: scratch))
        #expect(try !PCRE2Pattern("wechat").matches("加我WeChat", scratch: scratch))
    }

    @Test func compileErrorCarriesCharacterOffsetAndPCRE2Message() {
        #expect {
            _ = try PCRE2Pattern("鱼油(价格")
        } throws: { error in
            guard let error = error as? PCRE2Error else { return false }
            return error.kind == .compile(characterOffset: 5) && error.message.contains("missing closing parenthesis")
        }
    }

    @Test func compileErrorDescriptionIsReadable() throws {
        do {
            _ = try PCRE2Pattern("a{2,1}")
            Issue.record("should not compile")
        } catch {
            #expect(error.description.hasPrefix("regex does not compile at character"))
            #expect(error.description.contains("out of order"))
        }
    }

    @Test func catastrophicBacktrackingHitsTheMatchLimit() throws {
        let limits = MatchLimits(matchLimit: 10_000, depthLimit: 10_000, heapLimitKiB: 20_000)
        let pattern = try PCRE2Pattern("^(a+)+$", limits: limits)
        let hostile = String(repeating: "a", count: 40) + "!"
        #expect(throws: PCRE2Error.self) { try pattern.matches(hostile, scratch: scratch) }
        do {
            _ = try pattern.matches(hostile, scratch: scratch)
        } catch {
            #expect(error.kind == .matchLimitExceeded)
        }
    }

    @Test func jitIsUsedWhenAvailable() throws {
        // x86_64 and arm64 builds of PCRE2 ship the JIT; matching must agree either way.
        let pattern = try PCRE2Pattern(#"1[3-9]\d{9}"#)
        #expect(pattern.isJITCompiled)
        #expect(try pattern.matches("电话13812345678", scratch: scratch))
    }

    @Test func scratchGrowsForPatternsWithManyGroups() throws {
        let small = MatchScratch(pairs: 1)
        let groups = (0..<20).map { "(?<g\($0)>\($0 % 10))" }.joined()
        let pattern = try PCRE2Pattern(groups)
        let text = (0..<20).map { String($0 % 10) }.joined()
        let match = try #require(try pattern.firstMatch(in: text, scratch: small))
        #expect(match.namedCaptures["g19"] == "9")
    }

    @Test func emojiAndMixedScriptsKeepByteOffsetsRight() throws {
        let pattern = try PCRE2Pattern(#"(?<phone>1[3-9]\d{9})"#)
        let match = try #require(try pattern.firstMatch(in: "🌸😀加我13812345678哦", scratch: scratch))
        #expect(match.namedCaptures["phone"] == "13812345678")
    }

    @Test func longTextsBeyondTheJITStackStillMatch() throws {
        let pattern = try PCRE2Pattern("(?:好|的)*吗")
        let text = String(repeating: "好的", count: 2_000) + "吗"
        #expect(try pattern.matches(text, scratch: scratch))
    }
}
