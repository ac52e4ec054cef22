import GroupbotCore
import Testing

/// Welcome scripts and nickname templates, driven through rule files.
@Suite struct WelcomeScriptTests {
    static let rules = """
        welcome:
          batch: 60s
          except: { roles: [admin], users: [bot-1] }
          steps:
            - send: "欢迎 {names} 加入{group_name}！现在群里有 {count} 位伙伴"
            - send: 群规在群公告，请先看一看
              after: 2m
            - dm: 新人礼：回复「领取」即可
              after: 5m
        rules: []
        """

    @Test func joinsInsideTheWindowGetOneWelcome() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        #expect(harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u1", nick: "小王", groupName: "粉丝群").isEmpty)
        #expect(harness.send(.join, at: "2026-11-20T10:00:59+08:00", user: "u2", nick: "小李").isEmpty)
        // A join exactly at the window's end comes after the window closed: it starts the next batch.
        let late = harness.send(.join, at: "2026-11-20T10:01:00+08:00", user: "u3", nick: "小张")
        #expect(late.map(\.text) == ["欢迎 小王、小李 加入粉丝群！现在群里有 2 位伙伴"])
        #expect(late[0].mention == nil && late[0].id == "e1:welcome-script:0")
        let second = harness.advance(to: "2026-11-20T10:02:00+08:00")
        #expect(second.map(\.text) == ["欢迎 小张 加入粉丝群！现在群里有 3 位伙伴"])
    }

    @Test func laterStepsFollowAndDirectMessagesGoToEachMember() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u1", nick: "小王")
        harness.send(.join, at: "2026-11-20T10:00:30+08:00", user: "u2", nick: "小李")
        let all = harness.advance(to: "2026-11-20T11:00:00+08:00")
        #expect(all.map(\.kind) == [.send, .send, .dm, .dm])
        #expect(all.compactMap { $0.kind == .dm ? $0.user : nil } == ["u1", "u2"])
        #expect(all.map { Timestamp.format($0.due, utcOffsetSeconds: 28_800) } == [
            "2026-11-20T10:01:00+08:00", "2026-11-20T10:03:00+08:00",
            "2026-11-20T10:06:00+08:00", "2026-11-20T10:06:00+08:00",
        ])
    }

    @Test func leavingCancelsPendingStepsAndExemptMembersAreSkipped() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u1", nick: "小王")
        harness.send(.join, at: "2026-11-20T10:00:10+08:00", user: "admin-1", nick: "管理员", role: .admin)
        harness.send(.join, at: "2026-11-20T10:00:20+08:00", user: "bot-1", nick: "机器人")
        let welcome = harness.advance(to: "2026-11-20T10:01:30+08:00")
        #expect(welcome.map(\.text) == ["欢迎 小王 加入g1！现在群里有 3 位伙伴"])
        harness.send(.leave, at: "2026-11-20T10:02:00+08:00", user: "u1")
        #expect(harness.advance(to: "2026-11-20T11:00:00+08:00").isEmpty)
        #expect(harness.engine.pendingActionCount == 0)
    }

    @Test func leavingBeforeTheWindowClosesDropsTheMember() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u1", nick: "小王")
        harness.send(.join, at: "2026-11-20T10:00:10+08:00", user: "u2", nick: "小李")
        harness.send(.leave, at: "2026-11-20T10:00:20+08:00", user: "u1")
        let welcome = harness.advance(to: "2026-11-20T10:01:00+08:00")
        #expect(welcome.first?.text == "欢迎 小李 加入g1！现在群里有 1 位伙伴")
    }
}

@Suite struct NicknameTemplateTests {
    static let rules = """
        nickname:
          template: "{city}-{name}-{product}"
          fields:
            city: [西安, 咸阳, 宝鸡]
            product: "鱼油|维生素E|钙片"
          display: 城市-姓名-产品
          example: 西安-王芳-鱼油
          except: { roles: [owner, admin] }
          reminders:
            - dm: "{nick} 你好，请把群昵称改成「{template}」，例如 {example}"
              after: 10m
            - send: "{nick} 记得改群昵称哦：{template}"
              mention: true
              after: 30m
            - mute: 1h
              after: 24h
          thanks: "谢谢 {nick}，昵称改好啦"
        rules: []
        """

    @Test func remindersClimbTheLadderWhenNothingChanges() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        #expect(harness.send(.join, at: "2026-11-20T10:00:00+08:00", nick: "小美").isEmpty)
        let all = harness.advance(to: "2026-11-22T00:00:00+08:00")
        #expect(all.map(\.kind) == [.dm, .send, .mute])
        #expect(all[0].text == "小美 你好，请把群昵称改成「城市-姓名-产品」，例如 西安-王芳-鱼油")
        #expect(all[1].mention == "u1" && all[2].seconds == 3600)
        #expect(all.map(\.rule) == ["nickname-template", "nickname-template", "nickname-template"])
    }

    @Test func renameInsideTheGraceCancelsAndThanks() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", nick: "小美")
        let thanks = harness.send(.rename, at: "2026-11-20T10:05:00+08:00", nick: "咸阳-李美-钙片")
        #expect(thanks.map(\.text) == ["谢谢 咸阳-李美-钙片，昵称改好啦"])
        #expect(thanks[0].kind == .dm)
        #expect(harness.advance(to: "2026-11-22T00:00:00+08:00").isEmpty)
    }

    @Test func renameToAnotherWrongNameKeepsTheDeadlines() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", nick: "小美")
        #expect(harness.send(.rename, at: "2026-11-20T10:05:00+08:00", nick: "北京-李美-鱼油").isEmpty)
        let reminder = harness.advance(to: "2026-11-20T10:10:00+08:00")
        #expect(reminder.map(\.cause) == ["e1"])
    }

    @Test func leavingDuringTheGraceAndExemptRoles() throws {
        let harness = try Harness(["rules/general.yaml": Self.rules])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", nick: "小美")
        harness.send(.leave, at: "2026-11-20T10:03:00+08:00")
        harness.send(.join, at: "2026-11-20T10:04:00+08:00", user: "a1", nick: "管理员小陈", role: .admin)
        #expect(harness.advance(to: "2026-11-22T00:00:00+08:00").isEmpty)
    }

    @Test func builtInNameFieldRejectsCJKPunctuation() throws {
        let harness = try Harness(["rules/general.yaml": """
            nickname:
              template: "{name}-{name}-{any}"
              reminders: [{ dm: 请改昵称, after: 1m }]
            rules: []
            """])
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u1", nick: "王芳-李娜-x")
        harness.send(.join, at: "2026-11-20T10:00:00+08:00", user: "u2", nick: "「」-。。-x")
        #expect(harness.advance(to: "2026-11-20T11:00:00+08:00").map(\.user) == ["u2"])
    }

    @Test func exampleMustFitTheTemplate() {
        let errors = loadErrors(["rules/general.yaml": """
            nickname:
              template: "{city}-{name}"
              fields: { city: [西安] }
              example: 北京-王芳
            rules: []
            """])
        #expect(errors == ["rules/general.yaml:4:12: the example '北京-王芳' does not fit the template; expected a nickname the template accepts"])
    }
}
