import GroupbotCore
import GroupbotRules
import GroupbotTestSupport
import Testing

/// The evasions spammers use, run through the shipped rules: each must still be seen by
/// the rule that catches its plain form. The list grows with every evasion met in the field.
@Suite struct EvasionListTests {
    /// (message, the rule that must fire). A general group; senders are members.
    static let evasions: [(String, String)] = [
        ("想了解的加我wеchat聊", "friend-solicit"),  // a Cyrillic е
        ("微信号：xiaоmei88", "ad-contact"),  // a Cyrillic о inside the id
        ("微信：ΧΙΑΟmei88", "ad-contact"),  // Greek capitals
        ("加我威❤信详聊", "friend-solicit"),  // a heart between the characters
        ("加我薇★信", "friend-solicit"),  // a homophone and a star
        ("电话 壹叁捌 壹贰叁肆 伍陆柒捌", "ad-contact"),  // capital numerals
        ("电话 ⒈⒊⒏⒈⒉⒊⒋⒌⒍⒎⒏", "ad-contact"),  // numbered forms with full stops
        ("电话 ❶❸❽❶❷❸❹❺❻❼❽", "ad-contact"),  // dingbat circled digits
        ("手机兼职刷★单", "scam-words"),
    ]

    @Test func everyEvasionIsCaught() throws {
        let book = try RuleBookLoader.load(directory: Repository.root + "/rules")
        var caught = 0
        for (index, (text, rule)) in Self.evasions.enumerated() {
            let engine = Engine(book: book, clock: VirtualClock())
            let event = Event(type: .message, id: "e\(index)", time: Instant(milliseconds: 1_796_605_200_000), utcOffsetSeconds: 28_800,
                              group: "g-fans-01", groupName: "鱼油粉丝福利1群", user: "u\(index)", nick: "西安-王芳-鱼油", text: text)
            let rules = Set(engine.handle(event).map(\.rule))
            #expect(rules.contains(rule), "\(text): \(rule) did not fire (fired: \(rules.sorted()))")
            if rules.contains(rule) { caught += 1 }
        }
        #expect(caught == Self.evasions.count)
    }
}
