@testable import GroupbotCore
import Testing

/// "New account, same ad": the same text, or one reworded by a character or two, posted by
/// another member within the window.
@Suite struct NearDuplicateTests {
    static let rules = """
          - id: same-ad
            on: message
            when: { near_duplicates: { members: 2, within: 6h } }
            actions: [delete]
          - id: same-ad-thrice
            on: message
            when: { near_duplicates: { members: 3, within: 6h } }
            actions: [kick]
          - id: word-for-word
            on: message
            when: { near_duplicates: { members: 2, within: 6h, similarity: 0.95 } }
            actions: [{ send: "一字不差" }]
        """

    /// The rules that acted (an admin notice is sent with each deletion and removal).
    func rules(_ actions: [Action]) -> Set<String> { Set(actions.filter { $0.kind != .notify }.map(\.rule)) }

    static let ad = "厂家直销纯棉四件套，原价399现在只要99，包邮到家，需要的私聊我看实拍图"

    @Test func aSecondAccountPostingTheSameAdIsSeenInAnotherGroup() throws {
        let harness = try Harness(rules: Self.rules)
        #expect(harness.send(Self.ad, at: "2026-11-20T10:00:00+08:00", user: "u-first", group: "g1").isEmpty)
        let second = harness.send("厂家直销纯棉四件套！原价399现在只要88，包邮到家，需要的私聊我看实拍图",
                                  at: "2026-11-20T12:00:00+08:00", user: "u-second", group: "g2")
        // Alike, but not 95 % alike.
        #expect(rules(second) == ["same-ad"])
        // A third, word for word: now three members, and a copy of the first.
        let third = harness.send(Self.ad, at: "2026-11-20T12:30:00+08:00", user: "u-third", group: "g3")
        #expect(rules(third) == ["same-ad", "same-ad-thrice", "word-for-word"])
    }

    @Test func theSameMemberRepeatingIsNotAnotherAccount() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(Self.ad, at: "2026-11-20T10:00:00+08:00", user: "u-first", group: "g1")
        #expect(harness.send(Self.ad, at: "2026-11-20T10:05:00+08:00", user: "u-first", group: "g2").isEmpty)
    }

    @Test func outsideTheWindowOrDifferentEnoughIsNoCopy() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(Self.ad, at: "2026-11-20T10:00:00+08:00", user: "u-first")
        #expect(harness.send(Self.ad, at: "2026-11-20T16:00:01+08:00", user: "u-late").isEmpty)
        #expect(harness.send("今天的四件套团购到了吗？我家的还没发货，想问问客服什么时候能到",
                             at: "2026-11-20T16:10:00+08:00", user: "u-asks").isEmpty)
    }

    @Test func shortTextsAreEveryonesAndNeverCopies() throws {
        let harness = try Harness(rules: Self.rules)
        for (index, user) in ["u1", "u2", "u3", "u4"].enumerated() {
            #expect(harness.send("收到，谢谢群主", at: "2026-11-20T10:0\(index):00+08:00", user: user).isEmpty)
        }
    }

    @Test func similarityIsJaccardOfShingles() {
        let left = NearDuplicates.shingles(of: Self.ad)!, right = NearDuplicates.shingles(of: Self.ad + "！")!
        #expect(NearDuplicates.jaccard(left, right) == 1)
        #expect(NearDuplicates.shingles(of: "好的好的") == nil)
        let reworded = NearDuplicates.shingles(of: "厂家直销纯棉四件套，原价399现在只要88，包邮到家，需要的私聊我看实拍图")!
        let similarity = NearDuplicates.jaccard(left, reworded)
        #expect(similarity > 0.8 && similarity < 1)
    }

    @Test func theMemoryIsBoundedAndSurvivesASnapshot() throws {
        let harness = try Harness(rules: Self.rules)
        harness.send(Self.ad, at: "2026-11-20T10:00:00+08:00", user: "u-first")
        let restored = try Harness(rules: Self.rules)
        restored.engine.restore(harness.engine.snapshot())
        #expect(rules(restored.send(Self.ad, at: "2026-11-20T11:00:00+08:00", user: "u-second")) == ["same-ad", "word-for-word"])
    }

    @Test func aMemberCountBelowTwoIsAMistake() {
        let errors = loadErrors(["rules/general.yaml": "rules:\n  - id: a\n    on: message\n    when: { near_duplicates: { members: 1, within: 1h } }\n    actions: [delete]\n"])
        #expect(errors == ["rules/general.yaml:4:41: near_duplicates members 1 would match every message; expected 2 or more: the sender and at least one other member"])
    }
}
