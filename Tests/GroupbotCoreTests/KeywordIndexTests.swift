import GroupbotCore
import Testing

@Suite struct KeywordIndexTests {
    func hits(_ lists: [KeywordList], in text: String) -> [Int] {
        let index = KeywordIndex(lists: lists)
        let scratch = KeywordScratch()
        index.count(in: text, scratch: scratch)
        return (0..<lists.count).map(scratch.hits(slot:))
    }

    @Test func countsDistinctWordsPerList() {
        let lists = [KeywordList(words: ["发货", "快递", "物流"]), KeywordList(words: ["退款"])]
        #expect(hits(lists, in: "快递到哪了？发货了吗？快递单号呢") == [2, 0])
    }

    @Test func overlappingAndNestedKeywordsAllFound() {
        // Aho–Corasick must report a word that ends inside a longer one.
        let lists = [KeywordList(words: ["维生素", "维生素E", "生素"]), KeywordList(words: ["E"], caseSensitive: true)]
        #expect(hits(lists, in: "维生素E怎么吃") == [3, 1])
    }

    @Test func latinLettersAreCaseInsensitiveByDefault() {
        let lists = [KeywordList(words: ["WeChat", "vx"]), KeywordList(words: ["VX"], caseSensitive: true)]
        #expect(hits(lists, in: "加我wechat或Vx") == [2, 0])
        #expect(hits(lists, in: "VX同号") == [1, 1])
    }

    @Test func caseSensitiveLowerCaseWordDoesNotMatchUpperCaseText() {
        let lists = [KeywordList(words: ["vx"], caseSensitive: true), KeywordList(words: ["wechat"])]
        #expect(hits(lists, in: "VX号 WeChat") == [0, 1])
        #expect(hits(lists, in: "vx号") == [1, 0])
    }

    @Test func wholeTextMatchTrimsSpace() {
        let lists = [KeywordList(words: ["签到", "打卡"], mode: .whole), KeywordList(words: ["OK"], mode: .whole)]
        #expect(hits(lists, in: "  签到 \n") == [1, 0])
        #expect(hits(lists, in: "今天签到了") == [0, 0])
        #expect(hits(lists, in: "ok") == [0, 1])
    }

    @Test func sameWordInSeveralListsCountsForEach() {
        let lists = [KeywordList(words: ["价格"]), KeywordList(words: ["价格", "多少钱"])]
        #expect(hits(lists, in: "价格多少钱") == [1, 2])
    }

    @Test func scratchIsReusedWithoutLeakingHitsBetweenTexts() {
        let index = KeywordIndex(lists: [KeywordList(words: ["兼职"])])
        let scratch = KeywordScratch()
        index.count(in: "招兼职", scratch: scratch)
        #expect(scratch.hits(slot: 0) == 1)
        index.count(in: "今天天气好", scratch: scratch)
        #expect(scratch.hits(slot: 0) == 0)
    }

    @Test func thousandsOfKeywordsInOneAutomaton() {
        let words = (0..<3000).map { "词\($0)号" }
        let lists = [KeywordList(words: words)]
        #expect(hits(lists, in: "这里有词2999号和词7号，还有词号") == [2])
    }

    @Test func distinctWordCountFoldsCase() {
        #expect(KeywordList(words: ["VX", "vx", "微信"]).distinctWordCount == 2)
        #expect(KeywordList(words: ["VX", "vx"], caseSensitive: true).distinctWordCount == 2)
    }
}

/// `match: word`: Latin edges of a keyword need a boundary; Chinese edges do not.
@Suite struct KeywordWordModeTests {
    func hits(_ words: [String], in text: String, caseSensitive: Bool = false) -> Int {
        let index = KeywordIndex(lists: [KeywordList(words: words, mode: .word, caseSensitive: caseSensitive)])
        let scratch = KeywordScratch()
        index.count(in: text, scratch: scratch)
        return scratch.hits(slot: 0)
    }

    @Test(arguments: [
        ("加 vx 聊", 1), ("加vx", 1), ("vx:abc", 1), ("VX", 1), ("vxworks", 0), ("devx", 0), ("v x", 0), ("vx2", 0),
    ])
    func latinWordsNeedABoundary(text: String, expected: Int) {
        #expect(hits(["vx"], in: text) == expected)
    }

    @Test func aLaterOccurrenceOnAWordBoundaryStillCounts() {
        #expect(hits(["qq"], in: "qqmusic 不算，加 qq 算") == 1)
    }

    @Test func chineseEdgesNeedNoBoundary() {
        #expect(hits(["微信"], in: "加微信聊") == 1)
        // A mixed keyword: its Latin end needs a boundary, its Chinese start does not.
        #expect(hits(["加v"], in: "快加v") == 1)
        #expect(hits(["加v"], in: "快加vx") == 0)
    }

    @Test func caseSensitiveWordsAreCheckedExactlyAndAsWords() {
        #expect(hits(["VX"], in: "加 VX", caseSensitive: true) == 1)
        #expect(hits(["VX"], in: "加 vx", caseSensitive: true) == 0)
        #expect(hits(["VX"], in: "加 VXX", caseSensitive: true) == 0)
    }
}
