import GroupbotCore
import Testing

/// Ad slots, escalation ladders and evasion-resistant matching ("guide, don't block").
@Suite struct AdEnforcementTests {
    static let rules = """
        ad_slots:
          - days: [fri]
            from: "20:00"
            to: "21:00"
            quota: 1
          - days: [sat]
            from: "23:30"
            to: "00:30"
            quota: 2
            red_packet: 5
        ladders:
          ads:
            decay: 30d
            steps:
              - { dm: "{nick}，广告请在广告时段发，下一次是 {next_slot}" }
              - [delete, { dm: "第 {strikes} 次提醒：广告已撤回" }]
              - [delete, { mute: 1h }]
              - [kick, { send: "{nick} 多次发广告，已移出本群" }]
        normalize:
          words:
            微信: [薇信, 威信, V信]
        rules:
          - id: ad-contact
            on: message
            normalize: true
            when:
              regex: '(?:加|联系)?微信[:：]?\\d{6,}|1[3-9]\\d{9}'
            except: { roles: [owner, admin] }
            ad_slot: true
            ladder: ads
            reason: 群内留联系方式
        """

    func harness() throws -> Harness { try Harness(["rules/general.yaml": Self.rules]) }

    @Test func outsideASlotTheLadderGuidesFirstThenEscalates() throws {
        let harness = try harness()
        // Thursday 2026-11-19: no slot.
        let first = harness.send("加微信13812345678", at: "2026-11-19T10:00:00+08:00", nick: "小美")
        #expect(first.map(\.kind) == [.dm])
        #expect(first[0].text == "小美，广告请在广告时段发，下一次是 11月20日（周五）20:00–21:00")
        let second = harness.send("加微信13812345678", at: "2026-11-19T11:00:00+08:00", nick: "小美")
        #expect(second.map(\.kind) == [.delete, .dm, .notify])
        #expect(second[1].text == "第 2 次提醒：广告已撤回")
        #expect(second[2].text == "【ad-contact】群内留联系方式：撤回消息 — 小美（u1）原文：加微信13812345678")
        let third = harness.send("加微信13812345678", at: "2026-11-19T12:00:00+08:00", nick: "小美")
        #expect(third.map(\.kind) == [.delete, .mute, .notify])
        let fourth = harness.send("加微信13812345678", at: "2026-11-19T13:00:00+08:00", nick: "小美")
        #expect(fourth.map(\.kind) == [.kick, .send, .notify])
        let fifth = harness.send("加微信13812345678", at: "2026-11-19T14:00:00+08:00", nick: "小美")
        #expect(fifth.map(\.kind) == [.kick, .send, .notify])  // the last step repeats
    }

    @Test func memberTextInAdminNoticesIsNeverReadAsPlaceholders() throws {
        let harness = try harness()
        _ = harness.send("加微信13812345678", at: "2026-11-19T10:00:00+08:00", nick: "小美")
        let second = harness.send("{nick}加微信13812345678{user}}", at: "2026-11-19T11:00:00+08:00", nick: "小美")
        #expect(second.map(\.kind) == [.delete, .dm, .notify])
        #expect(second[2].text == "【ad-contact】群内留联系方式：撤回消息 — 小美（u1）原文：{nick}加微信13812345678{user}}")
    }

    @Test func slotBoundariesAreToTheMinute() throws {
        let harness = try harness()
        #expect(harness.send("13812345678", at: "2026-11-20T19:59:59+08:00", user: "u1").map(\.kind) == [.dm])
        #expect(harness.send("13812345678", at: "2026-11-20T20:00:00+08:00", user: "u2").isEmpty)
        #expect(harness.send("13812345678", at: "2026-11-20T20:59:59+08:00", user: "u3").isEmpty)
        #expect(harness.send("13812345678", at: "2026-11-20T21:00:00+08:00", user: "u4").map(\.kind) == [.dm])
    }

    @Test func quotaPerMemberPerSlot() throws {
        let harness = try harness()
        #expect(harness.send("13812345678", at: "2026-11-20T20:10:00+08:00").isEmpty)
        let again = harness.send("13912345678", at: "2026-11-20T20:20:00+08:00")
        #expect(again.map(\.kind) == [.dm])  // quota of 1 used up: the first strike
        #expect(again[0].text?.hasSuffix("11月21日（周六）23:30–00:30") == true)  // the next slot of any kind
        #expect(harness.send("13812345678", at: "2026-11-27T20:10:00+08:00").isEmpty)  // a new slot, a new quota
    }

    @Test func slotCrossingMidnightNeedsARedPacketFirst() throws {
        let harness = try harness()
        // Saturday 23:40: no red packet yet, so the ad breaks the slot's condition.
        #expect(harness.send("13812345678", at: "2026-11-21T23:40:00+08:00", user: "u1").map(\.kind) == [.dm])
        // A red packet after the ad does not count for it, but does for the next one (after midnight, same slot).
        harness.send("", at: "2026-11-21T23:45:00+08:00", user: "u1", kind: "red_packet", amount: 8.8)
        #expect(harness.send("13812345678", at: "2026-11-22T00:10:00+08:00", user: "u1").isEmpty)
        // Too small a red packet is not enough.
        harness.send("", at: "2026-11-21T23:50:00+08:00", user: "u2", kind: "red_packet", amount: 2)
        #expect(harness.send("13812345678", at: "2026-11-22T00:20:00+08:00", user: "u2").map(\.kind) == [.dm])
    }

    @Test func strikesDecayExactlyAtTheWindow() throws {
        let harness = try harness()
        harness.send("13812345678", at: "2026-11-01T10:00:00+08:00")
        #expect(harness.send("13812345678", at: "2026-12-01T09:59:59+08:00").map(\.kind) == [.delete, .dm, .notify])
        #expect(harness.send("13812345678", at: "2026-12-31T09:59:58+08:00").map(\.kind) == [.delete, .mute, .notify])
        // Exactly 30 days after the last strike, the count starts again.
        #expect(harness.send("13812345678", at: "2027-01-30T09:59:58+08:00").map(\.kind) == [.dm])
    }

    @Test func evasiveSpellingsAreCaughtLikePlainOnes() throws {
        let harness = try harness()
        for (index, text) in ["加 薇 信：1 3 8 1 2 3 4 5 6 7 8", "加Ｖ信：一三八一二三四五六七八", "联系威信①③⑧①②③④⑤⑥⑦⑧",
                              "加\u{200B}微\u{200B}信:138·1234·5678"].enumerated() {
            let actions = harness.send(text, at: "2026-11-19T10:00:00+08:00", user: "u\(index)")
            #expect(actions.map(\.kind) == [.dm], "\(text)")
        }
        #expect(harness.send("今天天气真好，一起去公园", at: "2026-11-19T10:00:00+08:00", user: "u9").isEmpty)
    }

    @Test func ladderAndSlotsMustExistSomewhere() {
        let errors = loadErrors(["rules/general.yaml": """
            rules:
              - id: ad
                on: message
                ladder: adds
                ad_slot: true
            """])
        #expect(errors == [
            "rules/general.yaml:4:13: rule 'ad' uses ladder 'adds', which no type that includes it defines; expected a ladders: section in the type file or one it extends",
            "rules/general.yaml:5:14: rule 'ad' honours ad slots, but no type that includes it has any; expected an ad_slots: section in the type file or one it extends",
        ])
    }
}

/// Flood, memberships, invites, admin commands.
@Suite struct CommunityRuleTests {
    @Test func repeatedTextInOneGroupOrAcrossGroups() throws {
        let harness = try Harness(rules: """
              - id: flood
                on: message
                when: { repeated: { count: 3, within: 10m } }
                actions: [delete]
                notify_admins: false
              - id: spam-everywhere
                on: message
                when: { repeated: { count: 3, within: 1h, across_groups: true } }
                actions: [{ notify: "{nick} 在多个群重复发同一条消息" }]
            """)
        #expect(harness.send("好物推荐！", at: "2026-11-20T10:00:00+08:00").isEmpty)
        #expect(harness.send("好物 推荐", at: "2026-11-20T10:01:00+08:00").isEmpty)
        let third = harness.send("【好物推荐】", at: "2026-11-20T10:02:00+08:00")
        #expect(third.map(\.rule) == ["flood", "spam-everywhere"])
        #expect(harness.send("好物推荐", at: "2026-11-20T10:30:00+08:00").map(\.rule) == ["spam-everywhere"])
        #expect(harness.send("好物推荐", at: "2026-11-20T10:31:00+08:00", group: "g2").map(\.rule) == ["spam-everywhere"])
    }

    @Test func membershipLimitAcrossGroupsOfSomeTypes() throws {
        let harness = try Harness([
            "rules/general.yaml": """
                rules:
                  - id: one-general-group
                    on: join
                    when: { groups: { more_than: 1, types: [general] } }
                    actions: [{ dm: "每位顾客只需加入一个综合群哦" }, { notify: "{nick} 已在其他综合群" }]
                """,
            "rules/vip.yaml": "rules: []\n",
            "rules/groups.yaml": "default: general\ngroups:\n  - name: VIP\n    type: vip\n",
        ])
        #expect(harness.send(.join, group: "g1").isEmpty)
        #expect(harness.send(.join, group: "v1", groupName: "VIP群").isEmpty)
        #expect(harness.send(.join, group: "g2").map(\.kind) == [.dm, .notify])
        harness.send(.leave, group: "g1")
        #expect(harness.send(.join, group: "g3").map(\.kind) == [.dm, .notify])  // still g2 and g3
    }

    @Test func inviteThresholdIsAnnouncedOnce() throws {
        let harness = try Harness(rules: """
              - id: invite-five
                on: join
                when: { invites: 3 }
                actions: [{ send: "感谢 {inviter} 邀请了 3 位朋友，红包稍后发出 🧧" }]
            """)
        var announced: [String?] = []
        for index in 1...5 {
            let actions = harness.send(.join, user: "n\(index)", inviter: "u-star")
            announced += actions.map(\.text)
        }
        #expect(announced == ["感谢 u-star 邀请了 3 位朋友，红包稍后发出 🧧"])
    }

    @Test func emojiOnlyMessagesAreNeverTheSameText() throws {
        let harness = try Harness(rules: """
              - id: flood
                on: message
                when: { repeated: { count: 2, within: 10m } }
                actions: [delete]
            """)
        #expect(harness.send("👍", at: "2026-11-20T10:00:00+08:00").isEmpty)
        #expect(harness.send("👍👍！", at: "2026-11-20T10:01:00+08:00").isEmpty)
        #expect(harness.send("好的", at: "2026-11-20T10:02:00+08:00").isEmpty)
        #expect(harness.send("好的！", at: "2026-11-20T10:03:00+08:00").map(\.kind) == [.delete, .notify])
    }

    @Test func normalisedRulesNormaliseTheirKeywordsToo() throws {
        let harness = try Harness(rules: """
              - id: bargain
                on: message
                normalize: true
                when: { keywords: { any: [帮我砍一刀] } }
                actions: [{ dm: 砍价链接请私下发 }]
            """)
        #expect(harness.send("帮 我 砍 1 刀").map(\.kind) == [.dm])
        #expect(harness.send("帮我砍一刀吧").map(\.kind) == [.dm])
    }

    @Test func adminPardonApproveAndRevoke() throws {
        let harness = try Harness(["rules/general.yaml": """
            ladders:
              ads: { steps: [[delete, { mute: 10m }]] }
            rules:
              - id: ad
                on: message
                when: { keywords: { any: [加微信] } }
                ladder: ads
            """])
        let ad = harness.send("加微信看看", at: "2026-11-20T10:00:00+08:00", user: "u7", nick: "小红")
        #expect(ad.map(\.kind) == [.delete, .mute, .notify])
        let pardon = harness.send("赦免", at: "2026-11-20T10:05:00+08:00", user: "a1", nick: "陈姐", role: .admin,
                                  replyTo: ad[0].cause)
        #expect(pardon.map(\.kind) == [.unmute, .notify])
        #expect(pardon.map(\.user) == ["u7", "u7"])
        #expect(pardon[1].text == "管理员 陈姐 赦免了 小红（u7），撤销 1 条记录（ad）")
        let approve = harness.send("/approve", at: "2026-11-20T10:06:00+08:00", user: "a1", role: .admin, mentions: ["u7"])
        #expect(approve.map(\.rule) == ["admin-approve"])
        #expect(harness.send("加微信看看", at: "2026-11-20T10:07:00+08:00", user: "u7").isEmpty)
        harness.send("取消信任", at: "2026-11-20T10:08:00+08:00", user: "a1", role: .admin, mentions: ["u7"])
        #expect(harness.send("加微信看看", at: "2026-11-20T10:09:00+08:00", user: "u7").map(\.kind) == [.delete, .mute, .notify])
        // A member typing the words is not a command.
        #expect(harness.send("赦免", at: "2026-11-20T10:10:00+08:00", user: "u8", mentions: ["u7"]).isEmpty)
    }

    @Test func shadowRulesOnlyTellTheAdminsWhatTheyWouldHaveDone() throws {
        let harness = try Harness(["rules/general.yaml": """
            ladders:
              ads: { steps: [[{ dm: 广告请在周五发 }], [delete]] }
            rules:
              - id: new-ad-rule
                on: message
                shadow: true
                when: { keywords: { any: [加微信] } }
                ladder: ads
            """])
        let first = harness.send("加微信领红包", at: "2026-11-20T10:00:00+08:00", nick: "小美")
        #expect(first.map(\.kind) == [.notify])
        #expect(first[0].id == "e1:new-ad-rule:shadow")
        #expect(first[0].text == "【试运行 new-ad-rule】本应：私信「广告请在周五发」 — 小美（u1）原文：加微信领红包")
        // No strike was given: the second time it would still only send the private note.
        let second = harness.send("加微信领红包", at: "2026-11-20T10:01:00+08:00", nick: "小美")
        #expect(second[0].text?.contains("本应：私信") == true)
        #expect(harness.engine.strikeSummaries().isEmpty)
    }

    @Test func aWholeFileCanBeInShadow() throws {
        let harness = try Harness(["rules/general.yaml": """
            shadow: true
            rules:
              - id: mute-swearing
                on: message
                when: { keywords: { any: [骗子] } }
                actions: [delete, { mute: 10m }]
            """])
        let actions = harness.send("你们都是骗子", nick: "老王")
        #expect(actions.map(\.text) == ["【试运行 mute-swearing】本应：撤回消息；禁言10分钟 — 老王（u1）原文：你们都是骗子"])
    }

    @Test func linksToAllowedDomainsAreWelcome() throws {
        let harness = try Harness(rules: """
              - id: links
                on: message
                when: { regex: '(?i)https?://|www\\.|\\.(?:com|cn)\\b' }
                allowed_domains: [xianhai.cn, jd.com]
                actions: [delete]
            """)
        #expect(harness.send("店铺链接 https://shop.xianhai.cn/a1").isEmpty)
        #expect(harness.send("京东 https://item.jd.com/100.html 和 https://xianhai.cn").isEmpty)
        #expect(harness.send("看这里 https://cheap.example.com/x").map(\.kind) == [.delete, .notify])
        #expect(harness.send("两个链接 https://xianhai.cn 和 www.other.cn").map(\.kind) == [.delete, .notify])
    }

    @Test func aRuleThatLetsAMessagePassStartsNoCooldownAndStopsNothing() throws {
        let harness = try Harness(rules: """
              - id: links
                on: message
                priority: 10
                stop: true
                cooldown: 10m
                when: { regex: 'https?://' }
                allowed_domains: [xianhai.cn]
                actions: [{ dm: 外部链接请先问群主 }]
              - id: thanks
                on: message
                when: { keywords: { any: [谢谢] } }
                actions: [{ send: 不客气 }]
            """)
        #expect(harness.send("谢谢 https://xianhai.cn/a", at: "2026-11-20T10:00:00+08:00").map(\.rule) == ["thanks"])
        #expect(harness.send("看 https://other.com/x", at: "2026-11-20T10:01:00+08:00").map(\.rule) == ["links"])
    }

    @Test func extremeDurationsAreRejectedNotTrapped() {
        let errors = loadErrors(["rules/general.yaml": "rules:\n  - id: a\n    on: message\n    cooldown: 999999999999999999d\n    actions: [delete]\n"])
        #expect(errors == ["rules/general.yaml:4:15: cooldown '999999999999999999d' is longer than ten years; expected a duration up to 3650d"])
    }
}

@Suite struct ShadowTrialTests {
    @Test func aShadowRuleNeverStopsTheRulesAfterIt() throws {
        let harness = try Harness(rules: """
              - id: trial
                on: message
                priority: 10
                shadow: true
                stop: true
                when: { keywords: { any: [兼职] } }
                actions: [delete]
              - id: warn
                on: message
                when: { keywords: { any: [兼职] } }
                actions: [{ send: 群里不招兼职哦 }]
            """)
        #expect(harness.send("招兼职").map(\.rule) == ["trial", "warn"])
    }

    @Test func shadowSchedulesTellTheAdminsInsteadOfPosting() throws {
        let harness = try Harness(rules: """
              - id: new-morning-post
                on: schedule
                at: "09:00"
                shadow: true
                actions: [{ send: 早安，今天的好物是鱼油 }]
            """)
        harness.send("hi", at: "2026-11-20T08:00:00+08:00")
        let posts = harness.advance(to: "2026-11-20T10:00:00+08:00")
        #expect(posts.map(\.kind) == [.notify])
        #expect(posts.first?.text == "【试运行 new-morning-post】本应在群里发：「早安，今天的好物是鱼油」")
        #expect(posts.first?.id.hasSuffix(":shadow") == true)
    }
}
