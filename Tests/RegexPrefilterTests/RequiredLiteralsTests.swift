import PCRE2
import RegexPrefilter
import Testing
import GroupbotTestSupport

@Suite struct RequiredLiteralsTests {
    @Test(arguments: [
        (#"加\s*(?:微|V|v|薇|威|徽)"#, ["加"], 0),
        (#"V信|薇信|威信|徽信|卫星号|微芯|VX|vx|Vx|wx|WX"#, ["vx", "v信", "wx", "卫星号", "威信", "微芯", "徽信", "薇信"], 0),
        (#"1[3-9]\d{9}"#, ["1"], 10),
        (#"(?:电话|手机|热线|联系方式|(?i:tel))\s*[:：]?\s*\d{7,12}"#, ["tel", "手机", "热线", "电话", "联系方式"], 7),
        (#"兼[^\p{Han}]{1,3}职"#, ["兼"], 0),
        (#"(?i:jian\s*职|兼\s*zhi|jian\s*zhi)"#, ["jian", "兼"], 0),
        (#"https?://\S+"#, ["http"], 0),
        (#"[!！]{3,}"#, ["!", "！"], 0),
        (#"(?:哈){6,}"#, ["哈"], 0),
        (#"１[３-９][０-９]{9}"#, ["１"], 10),
        (#"[幺一][三四五七八九][零一二三四五六七八九幺]{9}"#, ["一七", "一三", "一九", "一五", "一八", "一四", "幺七", "幺三", "幺九", "幺五", "幺八", "幺四"], 0),
        (#"\Qa.b\E"#, ["a.b"], 0),
        (#"\x{1F9E7}"#, ["🧧"], 0),
    ])
    func findsWhatEveryMatchContains(pattern: String, literals: [String], digits: Int) {
        let needs = RequiredLiterals(pattern: pattern)
        #expect(needs.anyOf == literals)
        #expect(needs.minimumDigits == digits)
    }

    @Test(arguments: [
        (#"(?:\S\s){6,}"#, 6), (#"加\s*微"#, 0), (#"\s{2}x"#, 2), (#"[ \t]{3}"#, 3), (#"a b"#, 1),
        (#"a\sb|c"#, 0), (#"a\sb|c\h\vd"#, 1), (#"[\s\d]{4}"#, 0), (#"(?=\s\s)"#, 0),
    ])
    func countsTheWhiteSpaceEveryMatchContains(pattern: String, spaces: Int) {
        #expect(RequiredLiterals(pattern: pattern).minimumSpaces == spaces)
    }

    /// Every character PCRE2 takes for white space (`\s`, `\h`, `\v` in UCP mode) is counted.
    @Test func whiteSpaceCountCoversWhatPCRE2Matches() throws {
        let pattern = try PCRE2Pattern(#"^[\s\h\v]$"#)
        let scratch = MatchScratch()
        var matched = 0
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            guard try pattern.matches(text, scratch: scratch) else { continue }
            matched += 1
            #expect(WhiteSpaceCount.count(in: text) == 1, "U+\(String(value, radix: 16)) is white space to PCRE2")
        }
        #expect(matched >= 25)
        #expect(WhiteSpaceCount.count(in: "a b\tc\u{3000}d\u{A0}。，") == 4)
    }

    @Test(arguments: [
        #"^[\p{Han}]{2,4}[-_ ][\p{Han}]{2,4}$"#,  // one of three separators: not a literal set worth a clause? it is
        #"[A-Z]{10,}"#, #"(?:\S\s){6,}"#, #"^[A-Za-z0-9 ]{20,}$"#, #"a*"#, #"(?x) a b"#, #"(a)|b?"#,
        #"(?i)sk"#, #"(?i:σ)"#, #"\p{sc=Han}+"#, #"(?(1)a|b)"#,
    ])
    func requiresNothingWhenUnsure(pattern: String) {
        let needs = RequiredLiterals(pattern: pattern)
        if pattern.hasPrefix("^[\\p{Han}]{2,4}[-_ ]") {
            #expect(needs.anyOf == [" ", "-", "_"])
        } else {
            #expect(needs.anyOf == nil)
        }
    }

    /// The gate never rules out a text the pattern matches.
    @Test func gateIsNeverWrongOnSampleTexts() throws {
        let patterns = [
            #"1[3-9]\d{9}"#, #"加\s*(?:微|V|v|薇|威|徽)"#, #"(?i:wechat|whatsapp|telegram|line\s*id)"#,
            #"(?:QQ|qq|扣扣|企鹅)\s*[:：号]?\s*[1-9]\d{4,10}"#, #"(?i:www\.[a-z0-9-]+\.[a-z]{2,})"#,
            #"\d+(?:\.\d+)?\s*折"#, #"￥\s?\d+|¥\s?\d+"#, #"(?i)Kelvin"#, #"红[^\p{Han}]{1,3}包"#,
        ]
        let texts = [
            "加我13812345678", "加 V 聊", "Add me on WeChat", "QQ：123456789", "WWW.Example.COM 看看",
            "全场8.5折", "只要￥99", "\u{212A}elvin", "红 包来啦", "１３８１２３４５６７８", "今天天气好",
            "加微信", "LINE ID: abc", "qq号 99999",
        ]
        let scratch = MatchScratch()
        for source in patterns {
            let pattern = try PCRE2Pattern(source)
            let needs = RequiredLiterals(pattern: source)
            for text in texts where try pattern.matches(text, scratch: scratch) {
                let folded = String(text.unicodeScalars.map { $0.isASCII ? Character($0).lowercased() : String($0) }.joined())
                if let literals = needs.anyOf {
                    #expect(literals.contains { folded.contains($0) }, "\(source) matched \(text)")
                }
                #expect(text.unicodeScalars.filter { $0.properties.numericType == .decimal }.count >= needs.minimumDigits)
                #expect(text.utf8.count >= pattern.minimumLength)
            }
        }
    }
}

@Suite struct TextFeatureTests {
    /// The hand-written masks for `\d` and `\s` cover every character those match.
    @Test func digitAndSpaceMasksCoverUnicode() {
        var digits: UInt64 = 0, spaces: UInt64 = 0
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.properties.numericType == .decimal { digits |= featureMask(of: scalar) }
            if scalar.properties.isWhitespace { spaces |= featureMask(of: scalar) }
        }
        let digitPattern = RequiredLiterals(pattern: #"\d"#).featureClauses
        let spacePattern = RequiredLiterals(pattern: #"\s"#).featureClauses
        #expect(digitPattern.count == 1 && digits & ~digitPattern[0] == 0)
        #expect(spacePattern.count == 1 && spaces & ~spacePattern[0] == 0)
    }

    /// The feature of the character itself (its first byte), without its continuation bytes'.
    func featureMask(of scalar: Unicode.Scalar) -> UInt64 {
        TextFeatures.mask(of: String(scalar)) & ~(1 << 63)
    }

    /// Random texts over a mixed alphabet: whenever PCRE2 matches, the gate lets the text through.
    @Test func gatesNeverRejectAMatchOnRandomTexts() throws {
        let patterns = [
            #"[A-Z]{3,}"#, #"[\x{1F600}-\x{1F64F}]{2,}"#, #"(?:\S\s){3,}"#, #"^[A-Za-z0-9 ]{6,}$"#, #"\d{4,}"#,
            #"[!！]{2,}"#, #"(?i:[a-c]x)"#, #"(?i)k"#, #"[\s\d]+元"#, #"(?:哈){2,}"#, #"(?i:wei\s*xin|微\s*信)"#,
            #"1[3-9]\d{9}"#, #"[^\p{Han}]{5,}"#, #"\p{sc=Han}-\p{sc=Han}"#, #"(?:a|[0-9])z"#, #"[[:alpha:]]{3}"#,
            #"\s{2,}a"#, #"[ \t]{2}"#, #"(?:\S\h){2,}"#, #"\v|\s\s"#,
        ]
        let alphabet = Array("aAbBkKszZxX019 \t\u{3000}\u{A0}\u{2009}\n-_!！?元微信哈嘻😀😂🎉１２\u{212A}\u{17F}٣。，")
        var generator = SplitMix(seed: 20261125)
        let texts = (0..<1500).map { _ in
            String((0..<Int(generator.next() % 14)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        let scratch = MatchScratch()
        for source in patterns {
            let pattern = try PCRE2Pattern(source)
            let needs = RequiredLiterals(pattern: source)
            for text in texts where try pattern.matches(text, scratch: scratch) {
                let folded = String(text.unicodeScalars.map { $0.isASCII ? Character($0).lowercased() : String($0) }.joined())
                if let literals = needs.anyOf {
                    #expect(literals.contains { folded.contains($0) }, "\(source) matched \(text)")
                }
                let mask = TextFeatures.mask(of: text)
                for clause in needs.featureClauses { #expect(mask & clause != 0, "\(source) matched \(text)") }
                #expect(text.unicodeScalars.filter { $0.properties.numericType == .decimal }.count >= needs.minimumDigits)
                #expect(WhiteSpaceCount.count(in: text) >= needs.minimumSpaces, "\(source) matched \(text)")
            }
        }
    }
}
