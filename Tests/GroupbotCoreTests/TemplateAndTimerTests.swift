import GroupbotCore
import Testing

@Suite struct TemplateTests {
    let event = Event(type: .message, id: "m1", time: Instant(seconds: 0), group: "g1", groupName: "鱼油粉丝群",
                      user: "u1", nick: "西安-王芳-鱼油", text: "鱼油多少钱")

    @Test func fillsFieldsAndCaptures() throws {
        let template = try Template("{nick}，{product}的价格在群公告；本群：{group_name}")
        #expect(template.captureNames == ["product"])
        #expect(template.render(event: event, captures: ["product": "鱼油"])
            == "西安-王芳-鱼油，鱼油的价格在群公告；本群：鱼油粉丝群")
    }

    @Test func doubledBracesAreLiteral() throws {
        #expect(try Template("{{nick}} 是 {nick}").render(event: event, captures: [:]) == "{nick} 是 西安-王芳-鱼油")
    }

    @Test func missingNickFallsBackToUserId() throws {
        var anonymous = event
        anonymous.nick = nil
        #expect(try Template("你好 {nick}").render(event: anonymous, captures: [:]) == "你好 u1")
    }

    @Test(arguments: [("欢迎{nick", 2), ("多少钱}", 3), ("{ nick }", 0), ("{}", 0)])
    func malformedTemplatesSayWhere(text: String, offset: Int) {
        #expect(throws: Template.ParseError.self) { try Template(text) }
        do { _ = try Template(text) } catch { #expect(error.characterOffset == offset) }
    }
}

@Suite struct TimerQueueTests {
    @Test func popsInDueOrderThenInsertionOrder() {
        var queue = TimerQueue<String>()
        queue.schedule("c", at: Instant(seconds: 30))
        queue.schedule("a", at: Instant(seconds: 10))
        queue.schedule("b1", at: Instant(seconds: 20))
        queue.schedule("b2", at: Instant(seconds: 20))
        #expect(queue.nextDue == Instant(seconds: 10))
        var fired: [String] = []
        while let (_, payload) = queue.popDue(at: Instant(seconds: 25)) { fired.append(payload) }
        #expect(fired == ["a", "b1", "b2"])
        #expect(queue.count == 1)
        #expect(queue.popDue(at: Instant(seconds: 29)) == nil)
    }

    @Test func manyTimersStayOrdered() {
        var queue = TimerQueue<Int>()
        let seconds = (0..<500).map { ($0 * 7919) % 1000 }
        for (index, second) in seconds.enumerated() { queue.schedule(index, at: Instant(seconds: Int64(second))) }
        var last = Instant(seconds: -1)
        while let (due, _) = queue.popDue(at: Instant(seconds: 10_000)) {
            #expect(due >= last)
            last = due
        }
        #expect(queue.count == 0)
    }
}
