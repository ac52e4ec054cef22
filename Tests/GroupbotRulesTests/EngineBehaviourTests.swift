import GroupbotCore
import GroupbotRules
import Testing

/// The engine's semantics, driven through rule files as an operator writes them.
@Suite struct EngineBehaviourTests {
    @Test func higherPriorityRunsFirstAndStopEndsTheEvent() throws {
        let harness = try Harness(rules: """
              - id: faq
                on: message
                when: { keywords: { any: [价格] } }
                actions: [{ reply: 价格见群公告 }]
              - id: ad
                on: message
                priority: 100
                stop: true
                when: { regex: '1[3-9]\\d{9}' }
                actions: [delete, { dm: 广告请在周五广告时段发 }]
            """)
        let ad = harness.send("价格优惠，加我13812345678")
        #expect(ad.map(\.rule) == ["ad", "ad", "ad"])
        // A delete also tells the admins, with the rule and the original text.
        #expect(ad.map(\.kind) == [.delete, .dm, .notify])
        #expect(ad[0].message == ad[0].cause)
        #expect(ad[2].text == "【ad】ad：撤回消息 — 西安-王芳-鱼油（u1）原文：价格优惠，加我13812345678")
        let faq = harness.send("价格多少")
        #expect(faq.map(\.rule) == ["faq"])
    }

    @Test func withoutStopEveryMatchingRuleFires() throws {
        let harness = try Harness(rules: """
              - id: first
                on: message
                when: { keywords: { any: [发货] } }
                actions: [{ send: 一 }]
              - id: second
                on: message
                when: { keywords: { any: [发货] } }
                actions: [{ send: 二 }]
            """)
        #expect(harness.send("什么时候发货").compactMap(\.text) == ["一", "二"])
    }

    @Test func cooldownPerGroupKeepsTheBotQuiet() throws {
        let harness = try Harness(rules: """
              - id: shipping
                on: message
                cooldown: 10m
                when: { keywords: { any: [发货] } }
                actions: [{ reply: 48小时内发货 }]
            """)
        #expect(harness.send("发货了吗", at: "2026-11-20T10:00:00+08:00").count == 1)
        #expect(harness.send("发货了吗", at: "2026-11-20T10:09:59+08:00", user: "u2").isEmpty)
        #expect(harness.send("发货了吗", at: "2026-11-20T10:05:00+08:00", group: "g2").count == 1)
        #expect(harness.send("发货了吗", at: "2026-11-20T10:10:00+08:00", user: "u3").count == 1)
    }

    @Test func cooldownPerUser() throws {
        let harness = try Harness(rules: """
              - id: night
                on: message
                cooldown: { duration: 8h, per: user }
                actions: [{ reply: 客服早上九点上线 }]
            """)
        #expect(harness.send("在吗", user: "u1").count == 1)
        #expect(harness.send("在吗", user: "u1").isEmpty)
        #expect(harness.send("在吗", user: "u2").count == 1)
    }

    @Test func timeWindowCrossingMidnightInTheFilesTimezone() throws {
        let harness = try Harness(rules: """
              - id: night
                on: message
                when: { time: { from: "23:00", to: "07:00" } }
                actions: [{ reply: 夜深了 }]
            """)
        #expect(harness.send("在吗", at: "2026-11-20T23:30:00+08:00").count == 1)
        #expect(harness.send("在吗", at: "2026-11-21T06:59:00+08:00").count == 1)
        #expect(harness.send("在吗", at: "2026-11-21T07:00:00+08:00").isEmpty)
        // The same instant written in UTC is still 23:30 in Shanghai.
        #expect(harness.send("在吗", at: "2026-11-21T15:30:00Z").count == 1)
    }

    @Test func otherTimezone() throws {
        let harness = try Harness(["rules/general.yaml": """
            timezone: Europe/London
            rules:
              - id: office
                on: message
                when: { time: { from: "09:00", to: "17:00" } }
                actions: [{ send: 在线 }]
            """])
        #expect(harness.send("hi", at: "2026-11-20T10:00:00Z").count == 1)
        #expect(harness.send("hi", at: "2026-11-20T10:00:00+08:00").isEmpty)  // 02:00 in London
    }

    @Test func exemptionsByRoleAndUser() throws {
        let harness = try Harness(rules: """
              - id: link
                on: message
                when: { kind: [link, card] }
                except: { roles: [owner, admin], users: [u-staff] }
                actions: [delete]
            """)
        #expect(harness.send("活动链接", kind: "link").map(\.kind) == [.delete, .notify])
        #expect(harness.send("活动链接", role: .admin, kind: "link").isEmpty)
        #expect(harness.send("活动链接", user: "u-staff", kind: "card").isEmpty)
        #expect(harness.send("活动链接", kind: "text").isEmpty)
    }

    @Test func keywordsAllAndNoneAndNegation() throws {
        let harness = try Harness(rules: """
              - id: refund
                on: message
                when:
                  keywords: { all: [退款, 运费], none: [已解决] }
                  not: { role: [admin] }
                actions: [{ reply: 运费由我们承担 }]
            """)
        #expect(harness.send("退款的运费谁出").count == 1)
        #expect(harness.send("退款怎么弄").isEmpty)
        #expect(harness.send("退款运费的事已解决").isEmpty)
        #expect(harness.send("退款运费谁出", role: .admin).isEmpty)
    }

    @Test func templatesUseNamedCapturesAndFields() throws {
        let harness = try Harness(rules: """
              - id: price
                on: message
                when: { regex: '(?<product>鱼油|钙片).{0,6}(多少钱|价格)' }
                actions: [{ reply: "{nick}，{product}的价格在群公告第一条（{group_name}）" }]
            """)
        let actions = harness.send("请问钙片现在多少钱", groupName: "鱼油粉丝群")
        #expect(actions.first?.text == "西安-王芳-鱼油，钙片的价格在群公告第一条（鱼油粉丝群）")
        #expect(actions.first?.replyTo == actions.first?.cause)
        #expect(actions.first?.mention == "u1")
    }

    @Test func randomPickIsStablePerEventAndVariesAcrossEvents() throws {
        let rules = """
              - id: hello
                on: message
                actions: [{ send: [早上好, 早安, 今天也要开心, 新的一天, 你好呀] }]
            """
        let first = try Harness(rules: rules), second = try Harness(rules: rules)
        var texts: [String] = []
        for minute in 10..<30 {
            let time = "2026-11-20T09:\(minute):00+08:00"
            let a = first.send("早", at: time), b = second.send("早", at: time)
            #expect(a == b)
            texts.append(a[0].text!)
        }
        #expect(Set(texts).count > 1)
    }

    @Test func delayedStepsFireInOrderOnTheVirtualClock() throws {
        let harness = try Harness(rules: """
              - id: welcome
                on: join
                actions:
                  - send: "欢迎 {nick}"
                    mention: true
                  - send: 群规：昵称改成 城市-姓名-产品
                    after: 1m
                  - dm: 新人礼在群公告里
                    after: 10m
            """)
        let now = harness.send(.join, at: "2026-11-20T10:00:00+08:00", nick: "小美")
        #expect(now.map(\.text) == ["欢迎 小美"])
        #expect(now[0].mention == "u1" && now[0].replyTo == nil)
        #expect(harness.engine.pendingActionCount == 2)
        let later = harness.advance(to: "2026-11-20T10:30:00+08:00")
        #expect(later.map(\.id) == ["e1:welcome:1", "e1:welcome:2"])
        #expect(later.map { Timestamp.format($0.due, utcOffsetSeconds: $0.utcOffsetSeconds) }
            == ["2026-11-20T10:01:00+08:00", "2026-11-20T10:10:00+08:00"])
        #expect(later[1].kind == .dm && later[1].user == "u1")
    }

    @Test func nicknameCheckOnJoinAndRename() throws {
        let harness = try Harness(rules: """
              - id: nick-template
                on: [join, rename]
                when: { not: { nick_regex: '^\\p{sc=Han}{2,4}-\\p{sc=Han}{2,4}-\\S+$' } }
                except: { roles: [owner, admin] }
                actions: [{ dm: "请把昵称改成 城市-姓名-产品，例如 西安-王芳-鱼油" }]
            """)
        #expect(harness.send(.join, nick: "小美").map(\.kind) == [.dm])
        #expect(harness.send(.rename, nick: "西安-王芳-鱼油").isEmpty)
        // CJK punctuation is not Han script: \p{sc=Han} rejects it.
        #expect(harness.send(.rename, nick: "「」-。。-x").count == 1)
        #expect(harness.send(.join, nick: "小美", role: .admin).isEmpty)
    }

    @Test func joinRequestsApproveOrReject() throws {
        let harness = try Harness(rules: """
              - id: with-order
                on: join_request
                stop: true
                when: { regex: '订单号?\\s*[:：]?\\s*\\d{6,}' }
                actions: [approve]
              - id: without
                on: join_request
                actions: [{ reject: 请在验证信息里填写订单号 }]
            """)
        #expect(harness.send(.joinRequest, "订单号：20261118001").map(\.kind) == [.approve])
        let refused = harness.send(.joinRequest, "朋友推荐")
        #expect(refused.map(\.kind) == [.reject])
        #expect(refused[0].text == "请在验证信息里填写订单号")
    }

    @Test func schedulesPostToEveryGroupOfTheType() throws {
        let harness = try Harness(rules: """
              - id: morning
                on: schedule
                at: "07:00"
                actions: [{ send: 早安打卡开始啦 }]
            """)
        harness.send("晚安", at: "2026-11-20T22:00:00+08:00", group: "g2")
        harness.send("晚安", at: "2026-11-20T22:01:00+08:00", group: "g1")
        let posts = harness.advance(to: "2026-11-22T08:00:00+08:00")
        #expect(posts.map(\.id) == [
            "morning@2026-11-21T07:00:00+08:00:g1:0", "morning@2026-11-21T07:00:00+08:00:g2:0",
            "morning@2026-11-22T07:00:00+08:00:g1:0", "morning@2026-11-22T07:00:00+08:00:g2:0",
        ])
        #expect(posts.allSatisfy { $0.kind == .send && $0.user == nil })
    }

    @Test func groupTypesByIdNameAndDefault() throws {
        let harness = try Harness([
            "rules/general.yaml": "rules:\n  - id: g\n    on: message\n    actions: [{ send: general }]\n",
            "rules/vip.yaml": "rules:\n  - id: v\n    on: message\n    actions: [{ send: vip }]\n",
            "rules/groups.yaml": "default: general\ngroups:\n  - id: g-boss\n    type: vip\n  - name: 'VIP|会员'\n    type: vip\n",
        ])
        #expect(harness.send("hi", group: "g-boss").first?.text == "vip")
        #expect(harness.send("hi", group: "g9", groupName: "鱼油会员3群").first?.text == "vip")
        #expect(harness.send("hi", group: "g9").first?.text == "vip")  // the name is remembered
        #expect(harness.send("hi", group: "g10", groupName: "鱼油粉丝群").first?.text == "general")
    }

    @Test func extendsOverridesAndDisablesInheritedRules() throws {
        let harness = try Harness([
            "rules/base.yaml": """
                rules:
                  - id: welcome
                    on: join
                    actions: [{ send: 欢迎 }]
                  - id: link
                    on: message
                    when: { kind: [link] }
                    actions: [delete]
                  - id: thanks
                    on: message
                    when: { kind: [red_packet] }
                    actions: [{ send: "谢谢 {nick} 的红包 {amount} 元" }]
                """,
            "rules/vip.yaml": """
                extends: base
                rules:
                  - id: welcome
                    on: join
                    actions: [{ send: 尊贵的会员，欢迎 }]
                  - id: link
                    disabled: true
                """,
            "rules/groups.yaml": "default: vip\n",
        ])
        #expect(harness.send(.join).map(\.text) == ["尊贵的会员，欢迎"])
        #expect(harness.send("链接", kind: "link").isEmpty)
        let redPacket = Event(type: .message, id: "rp", time: Instant(seconds: 1_795_137_301), group: "g1",
                              user: "u1", nick: "王芳", kind: "red_packet", amount: 8.8)
        #expect(harness.engine.handle(redPacket).first?.text == "谢谢 王芳 的红包 8.8 元")
    }

    @Test func schedulesFollowDaylightSavingTime() throws {
        let harness = try Harness(["rules/general.yaml": """
            timezone: America/New_York
            rules:
              - id: morning
                on: schedule
                at: "07:00"
                actions: [{ send: Good morning }]
            """])
        harness.send("hi", at: "2026-10-31T12:00:00-04:00")
        let posts = harness.advance(to: "2026-11-02T12:00:00-05:00")
        // Daylight saving time ends at 02:00 on 1 November: 07:00 that day is already EST.
        #expect(posts.map(\.due) == [Timestamp.parse("2026-11-01T07:00:00-05:00")!.instant,
                                     Timestamp.parse("2026-11-02T07:00:00-05:00")!.instant])
    }

    @Test func delayedScheduleStepsWaitAndRenamedGroupsChangeSchedules() throws {
        let harness = try Harness([
            "rules/general.yaml": """
                rules:
                  - id: morning
                    on: schedule
                    at: "07:00"
                    actions:
                      - send: 早安
                      - send: 今天的话题
                        after: 2h
                """,
            "rules/vip.yaml": "rules: []\n",
            "rules/groups.yaml": "default: general\ngroups:\n  - name: VIP\n    type: vip\n",
        ])
        harness.send("hi", at: "2026-11-20T20:00:00+08:00", group: "g1", groupName: "鱼油粉丝群")
        harness.send("hi", at: "2026-11-20T20:01:00+08:00", group: "g2", groupName: "鱼油粉丝2群")
        harness.send("hi", at: "2026-11-20T20:02:00+08:00", group: "g2", groupName: "鱼油VIP群")  // renamed: now vip
        let morning = harness.advance(to: "2026-11-21T08:00:00+08:00")
        #expect(morning.map(\.group) == ["g1"])
        #expect(morning.map(\.text) == ["早安"])
        let later = harness.advance(to: "2026-11-21T09:30:00+08:00")
        #expect(later.map(\.text) == ["今天的话题"])
        #expect(later.first?.due == Timestamp.parse("2026-11-21T09:00:00+08:00")!.instant)
    }
}

@Suite struct ReloadTests {
    @Test func reloadingKeepsStateAndDropsTimersOfDeletedRules() throws {
        let old = """
            ladders:
              ads: { steps: [[{ dm: 第一次提醒 }], [delete]] }
            rules:
              - id: ad
                on: message
                when: { keywords: { any: [加微信] } }
                ladder: ads
              - id: later
                on: message
                when: { keywords: { any: [稍后] } }
                actions: [{ send: 稍后回复, after: 10m }]
            """
        let harness = try Harness(["rules/general.yaml": old])
        #expect(harness.send("加微信", at: "2026-11-20T10:00:00+08:00").map(\.kind) == [.dm])
        harness.send("稍后再说", at: "2026-11-20T10:01:00+08:00")
        let new = old.replacingOccurrences(of: "第一次提醒", with: "新的提醒")
            .replacingOccurrences(of: "  - id: later\n    on: message\n    when: { keywords: { any: [稍后] } }\n    actions: [{ send: 稍后回复, after: 10m }]", with: "")
        harness.engine.replaceBook(try RuleBookLoader.load(files: [("rules/general.yaml", new)]))
        // The strike survived the reload: the second offence is the second step.
        #expect(harness.send("加微信", at: "2026-11-20T10:02:00+08:00").map(\.kind) == [.delete, .notify])
        #expect(harness.advance(to: "2026-11-20T10:30:00+08:00").isEmpty)
        #expect(harness.engine.drainProblems() == [
            "a delayed send (e2:later:0) was dropped: rule 'later' no longer exists",
        ])
    }
}
