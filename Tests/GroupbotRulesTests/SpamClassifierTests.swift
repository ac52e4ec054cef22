import GroupbotCore
import Testing

/// Learning from admins: replies with the spam and ham words (and pardons) train a naive
/// Bayes classifier, kept in the engine's state; `spam_score` reads it, on trial by default.
@Suite struct SpamClassifierTests {
    static let rules = """
          - id: classifier-trial
            on: message
            when: { spam_score: 0.9 }
            actions: [delete]
          - id: classifier-live
            on: message
            shadow: false
            when: { spam_score: 0.99 }
            actions: [delete]
        """

    static let spam = [
        "兼职刷单日结，动动手指一天三百，加我微信", "招代理0元加盟，躺赚月入过万，私聊", "USDT带单稳赚不赔，进群领取内部消息",
        "低价出售各种会员账号，需要私聊我", "无抵押贷款秒批到账，加V详谈", "扫码进群领福利，每天红包返利",
    ]
    static let ham = [
        "鱼油今天能发货吗？我昨天下的单", "谢谢客服，已经收到啦，包装很好", "请问维生素E一天吃几粒比较合适",
        "周末带孩子去公园了，天气真好", "群主，优惠券在哪里领呀", "这批钙片的保质期到什么时候",
    ]

    /// Posts each text as a member and has an admin mark it by replying.
    func mark(_ harness: Harness, _ texts: [String], word: String, minute: inout Int) -> [[Action]] {
        texts.map { text in
            minute += 1
            harness.send(text, at: time(minute), user: "u-\(minute)")
            return harness.send(word, at: time(minute, second: 30), user: "u-admin", nick: "运营小王", role: .admin,
                                replyTo: "e\(harness.sent)")
        }
    }

    func time(_ minute: Int, second: Int = 0) -> String {
        String(format: "2026-11-20T%02d:%02d:%02d+08:00", 10 + minute / 60, minute % 60, second)
    }

    @Test func marksTrainTheClassifierAndTheRuleStartsOnTrial() throws {
        let harness = try Harness(rules: Self.rules)
        var minute = 0
        // Before it has five marks of each kind it scores nothing.
        #expect(harness.send(Self.spam[0], at: time(0), user: "u-0").isEmpty)
        let spamMarks = mark(harness, Self.spam, word: "/spam", minute: &minute)
        // A spam mark deletes the message and tells the admins what was learnt.
        #expect(spamMarks[0].map(\.kind) == [.delete, .notify])
        #expect(spamMarks[0].map(\.rule) == ["admin-spam", "admin-spam"])
        #expect(spamMarks[0].last?.text == "管理员 运营小王 把 u-1 的消息标为广告：\(Self.spam[0])")
        let hamMarks = mark(harness, Self.ham, word: "不是广告", minute: &minute)
        #expect(hamMarks.allSatisfy { $0.map(\.kind) == [.notify] })
        #expect(harness.engine.spamModel.spamMarks == 6 && harness.engine.spamModel.hamMarks == 6)

        let spammy = harness.send("兼职日结，动动手指月入过万，加我微信私聊", at: time(60), user: "u-new")
        // The trial rule only tells the admins; the live one (at 0.99) acts when it is that sure.
        let trial = spammy.filter { $0.rule == "classifier-trial" }
        #expect(trial.map(\.kind) == [.notify])
        #expect(trial.first?.text?.contains("试运行 classifier-trial") == true)
        #expect(harness.send("请问鱼油什么时候能发货，谢谢客服", at: time(61), user: "u-asks").isEmpty)
    }

    @Test func theSameMarksReplayedTrainTheSameClassifier() throws {
        func train() throws -> NaiveBayes {
            let harness = try Harness(rules: Self.rules)
            var minute = 0
            _ = mark(harness, Self.spam, word: "/spam", minute: &minute)
            _ = mark(harness, Self.ham, word: "/ham", minute: &minute)
            return harness.engine.spamModel
        }
        let first = try train(), second = try train()
        #expect(first == second)
        #expect(first.isReady)
        // And a snapshot keeps it.
        let harness = try Harness(rules: Self.rules)
        var minute = 0
        _ = mark(harness, Self.spam, word: "/spam", minute: &minute)
        let restored = try Harness(rules: Self.rules)
        restored.engine.restore(harness.engine.snapshot())
        #expect(restored.engine.spamModel == harness.engine.spamModel)
    }

    @Test func aPardonMarksTheMembersMessageAsNotSpam() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send("周末带孩子去公园了，天气真好", at: time(1), user: "u-mom")
        let pardon = harness.send("/pardon", at: time(2), user: "u-admin", role: .admin, mentions: ["u-mom"])
        #expect(pardon.map(\.rule) == ["admin-pardon"])
        #expect(harness.engine.spamModel.hamMarks == 1)
    }

    @Test func withoutASpamScoreRuleNothingIsRememberedAndTheWordsAreNoCommands() throws {
        let harness = try Harness(rules: """
              - id: echo
                on: message
                when: { keywords: { any: [/spam] } }
                actions: [{ send: "seen" }]
            """)
        harness.send("兼职刷单日结", at: time(1), user: "u-1")
        #expect(harness.send("/spam", at: time(2), user: "u-admin", role: .admin, replyTo: "e1").map(\.rule) == ["echo"])
    }

    @Test func aScoreOutOfRangeIsAMistake() {
        let errors = loadErrors(["rules/general.yaml": "rules:\n  - id: a\n    on: message\n    when: { spam_score: 1.5 }\n    actions: [delete]\n"])
        #expect(errors == ["rules/general.yaml:4:25: spam_score 1.5 is not a probability that can be reached; expected a score above 0 and at most 1, e.g. spam_score: 0.9"])
    }
}
