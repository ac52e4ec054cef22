import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotServer
import GroupbotStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A OneBot implementation that answers the info calls from its world, refuses DMs to
/// members who are not the bot's friends (retcode 103), and records every call.
actor ScriptedOneBot {
    struct Call: Sendable {
        var path: String
        var body: String
        var at: ContinuousClock.Instant
    }

    private(set) var calls: [Call] = []
    let friends: Set<String>
    /// Seconds every call takes to answer.
    let delay: Duration

    init(friends: Set<String> = [], delay: Duration = .zero) {
        self.friends = friends
        self.delay = delay
    }

    static let groups: [String: (name: String, count: Int)] = ["7770001": ("鱼油福利1群", 238), "7770002": ("鱼油福利2群", 117)]
    static let members: [String: [(user: String, card: String, nickname: String, role: String)]] = [
        "7770001": [("2001", "西安-王芳-鱼油", "芳芳", "member"), ("2002", "", "老周", "admin"), ("2010", "", "小李同学", "member")],
        "7770002": [("2010", "", "小李同学", "member"), ("2001", "", "芳芳", "member")],
    ]

    private static func member(_ group: String, _ entry: (user: String, card: String, nickname: String, role: String)) -> [String: Any] {
        ["group_id": Int(group)!, "user_id": Int(entry.user)!, "card": entry.card, "nickname": entry.nickname, "role": entry.role]
    }

    func answer(path: String, body: [UInt8]) async -> (HTTPResponse.Status, String) {
        if delay > .zero { try? await Task.sleep(for: delay) }
        calls.append(Call(path: path, body: String(decoding: body, as: UTF8.self), at: .now))
        let request = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        let group = (request["group_id"] as? NSNumber)?.stringValue ?? ""
        let user = (request["user_id"] as? NSNumber)?.stringValue ?? ""
        func ok(_ data: Any) -> (HTTPResponse.Status, String) {
            let text = try! JSONSerialization.data(withJSONObject: ["status": "ok", "retcode": 0, "data": data])
            return (.ok, String(decoding: text, as: UTF8.self))
        }
        switch path {
        case "/get_group_info":
            guard let info = Self.groups[group] else { return (.ok, #"{"status":"failed","retcode":100}"#) }
            return ok(["group_id": Int(group)!, "group_name": info.name, "member_count": info.count, "max_member_count": 500])
        case "/get_group_member_info":
            guard let entry = Self.members[group]?.first(where: { $0.user == user }) else { return (.ok, #"{"status":"failed","retcode":100}"#) }
            return ok(Self.member(group, entry))
        case "/get_group_member_list":
            return ok((Self.members[group] ?? []).map { Self.member(group, $0) })
        case "/send_private_msg":
            guard friends.contains(user) || request["group_id"] != nil else {
                return (.ok, #"{"status":"failed","retcode":103,"wording":"对方不是好友"}"#)
            }
            return ok(["message_id": 1])
        default:
            return ok(["message_id": 1])
        }
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/**") { request, _ in
            var request = request
            let body = Array(buffer: try await request.collectBody(upTo: 1 << 20))
            let (status, text) = await self.answer(path: request.uri.path, body: body)
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: ServerFixture.logger)
    }
}

/// Live groups over OneBot: reports enriched with the platform's info, memberships from the
/// member list, DMs that fall back when refused, and lanes that do not wait for each other.
@Suite struct LivePlatformTests {
    static let rules = """
        rules:
          - id: welcome
            on: join
            actions: [{ send: "欢迎 {nick} 加入「{group_name}」" }]
          - id: one-group
            on: join
            when: { groups: { more_than: 1 } }
            actions: [{ dm: "{nick}，你已经在另一个福利群啦" }]
          - id: ad-guide
            on: message
            when: { keywords: { any: [加V] } }
            actions: [delete, { dm: "广告请留到周五晚上的广告时段" }]
        """
    static let groups = "default: other\ngroups:\n  - { name: 福利, type: fans }\n"

    func dependencies(apiURL: String, state: String = "memory", record: String? = nil) async throws -> ServerDependencies {
        var configuration = ServerConfiguration()
        configuration.state = state
        configuration.reload = false
        configuration.record = record
        configuration.oneBot.apiURL = apiURL
        configuration.pacing.accountPerSecond = 100
        configuration.pacing.accountBurst = 100
        let book = try RuleBookLoader.load(files: [("rules/groups.yaml", Self.groups), ("rules/fans.yaml", Self.rules),
                                                   ("rules/other.yaml", "rules: []\n")])
        return try await ServerAssembly.makeDependencies(configuration: configuration, book: book, logger: ServerFixture.logger)
    }

    static func join(group: String, user: String, time: Int = 1_796_605_200) -> String {
        #"{"time":\#(time),"self_id":10001,"post_type":"notice","notice_type":"group_increase","sub_type":"approve","group_id":\#(group),"operator_id":2002,"user_id":\#(user)}"#
    }

    static func message(group: String, user: String, text: String, id: Int) -> String {
        #"{"time":1796605300,"self_id":10001,"post_type":"message","message_type":"group","sub_type":"normal","message_id":\#(id),"group_id":\#(group),"user_id":\#(user),"message":"\#(text)","raw_message":"\#(text)","font":0,"sender":{"user_id":\#(user),"nickname":"路人","card":"","role":"member"}}"#
    }

    func post(_ report: String, to client: some TestClientProtocol) async throws -> [String: Any] {
        try await client.execute(uri: "/onebot/v11", method: .post, body: ByteBuffer(string: report)) { response in
            #expect(response.status == .ok || response.status == .noContent)
            return response.status == .ok ? try ServerFixture.json(response.body) : [:]
        }
    }

    @Test func aJoinIsWelcomedByNameInTheNamedGroupAndTheRecordCarriesTheCount() async throws {
        let fake = ScriptedOneBot()
        let record = ServerFixture.temporaryPath(".jsonl")
        try await fake.application().test(.live) { api in
            let dependencies = try await dependencies(apiURL: "http://127.0.0.1:\(api.port!)", record: record)
            try await ServerFixture.application(dependencies).test(.router) { client in
                _ = try await post(Self.join(group: "7770001", user: "2010"), to: client)
            }
            // The join notice has neither name: both come from the API, and the name maps the group to `fans`.
            let pending = try dependencies.outbound.ledger.due(at: Instant(milliseconds: .max / 2), target: "onebot", limit: 10)
            #expect(pending.map { String(decoding: $0.body, as: UTF8.self) }
                == [#"{"group_id":7770001,"message":"欢迎 小李同学 加入「鱼油福利1群」"}"#])
        }
        let paths = await fake.calls.map(\.path)
        #expect(paths == ["/get_group_info", "/get_group_member_info", "/get_group_member_list"])
        #expect(await fake.calls[0].body == #"{"group_id":7770001,"no_cache":true}"#)
        // The record is a replay log with the enriched fields: the member list first, then the join.
        let lines = try String(contentsOfFile: record, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.last?.contains(#""type":"join""#) == true)
        #expect(lines.last?.contains(#""group_name":"鱼油福利1群","user":"2010","nick":"小李同学""#) == true)
        #expect(lines.last?.contains(#""member_count":238"#) == true)
        #expect(lines.first?.contains(#""type":"member""#) == true)
    }

    @Test func aMemberOfTheListedGroupWhoJoinsASecondGroupIsTold() async throws {
        let fake = ScriptedOneBot()
        try await fake.application().test(.live) { api in
            let dependencies = try await dependencies(apiURL: "http://127.0.0.1:\(api.port!)")
            try await ServerFixture.application(dependencies).test(.router) { client in
                // The first report of group 1 imports its list: 2001 is known to be in it.
                _ = try await post(Self.message(group: "7770001", user: "2002", text: "大家早", id: 1), to: client)
                _ = try await post(Self.join(group: "7770002", user: "2001", time: 1_796_605_400), to: client)
            }
            let pending = try dependencies.outbound.ledger.due(at: Instant(milliseconds: .max / 2), target: "onebot", limit: 10)
            let dms = pending.filter { $0.endpoint == "send_private_msg" }.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(dms == [#"{"user_id":2001,"message":"芳芳，你已经在另一个福利群啦"}"#])
        }
    }

    @Test func aRefusedDMFallsBackToTheGroupAndIsAudited() async throws {
        let fake = ScriptedOneBot()
        let state = ServerFixture.temporaryPath()
        try await fake.application().test(.live) { api in
            let dependencies = try await dependencies(apiURL: "http://127.0.0.1:\(api.port!)", state: state)
            try await ServerFixture.application(dependencies).test(.router) { client in
                let quick = try await post(Self.message(group: "7770001", user: "2001", text: "加V看看", id: 7), to: client)
                #expect(quick["delete"] as? Bool == true)
            }
            // The worker as serve runs it: the refused DM's fallback goes through the host and out again.
            let worker = ServerAssembly.backgroundServices(dependencies)[0] as! DeliveryWorker
            #expect(await worker.sendDue() == 1)  // the DM, refused: 2001 is no friend of the bot
            #expect(await worker.sendDue() == 1)  // its fallback, in the group
            let sent = await fake.calls.filter { $0.path.hasPrefix("/send") }
            #expect(sent.map(\.path) == ["/send_private_msg", "/send_group_msg"])
            #expect(sent.last?.body == #"{"group_id":7770001,"message":"[CQ:at,qq=2001] 广告请留到周五晚上的广告时段"}"#)
            await dependencies.host.close()
        }
        let audit = try StateStore(path: state).auditLog(group: nil, user: nil, rule: "dm_fallback")
        #expect(audit.map(\.action.kind) == [.send])
        #expect(audit.first?.action.mention == "2001")
        #expect(audit.first?.action.cause.hasSuffix(":ad-guide:1") == true)
    }

    /// Implementations answer a refused DM and a rate limit with the same retcode: only the
    /// words tell them apart. A refusal is final (fallback); a rate limit is retried; a notice
    /// to an admin is never replaced.
    @Test func aRefusalIsFinalButARateLimitIsRetried() {
        let channel = OneBotAPIChannel(apiURL: "http://127.0.0.1:9", accessToken: nil, options: .init(adminUsers: ["10086"]))
        let dm = Delivery(id: "onebot:m1:ad:1:0", target: "onebot", endpoint: "send_private_msg",
                          body: Array(#"{"user_id":2001,"message":"广告请留到周五"}"#.utf8), created: Instant(milliseconds: 0))
        let notice = Delivery(id: "onebot:m1:ad:2:0", target: "onebot", endpoint: "send_private_msg",
                              body: Array(#"{"user_id":10086,"message":"有人发广告"}"#.utf8), created: Instant(milliseconds: 0))
        func verdict(_ delivery: Delivery, _ answer: String) -> DeliveryVerdict {
            channel.verdict(for: delivery, status: 200, retryAfter: nil, body: Array(answer.utf8), now: Date())
        }
        let refused = #"{"status":"failed","retcode":103,"msg":"SEND_MSG_API_ERROR","wording":"对方不是你的好友"}"#
        let limited = #"{"status":"failed","retcode":103,"wording":"发送频率过快"}"#
        #expect(verdict(dm, refused) == .reject(reason: "DM refused: retcode 103: 对方不是你的好友"))
        #expect(verdict(dm, limited) == .retry(reason: "retcode 103: 发送频率过快", retryAfterSeconds: nil))
        #expect(verdict(notice, refused) == .retry(reason: "retcode 103: 对方不是你的好友", retryAfterSeconds: nil))
    }

    @Test func aSlowCallbackDoesNotHoldUpOneBotCalls() async throws {
        let slow = ScriptedOneBot(delay: .seconds(3))
        let fast = ScriptedOneBot()
        try await slow.application().test(.live) { callback in
            try await fast.application().test(.live) { api in
                let ledger = MemoryDeliveryLedger()
                let channels: [any DeliveryChannel] = [
                    CallbackChannel(url: "http://127.0.0.1:\(callback.port!)/hook", secret: nil),
                    OneBotAPIChannel(apiURL: "http://127.0.0.1:\(api.port!)", accessToken: nil, options: .init()),
                ]
                let replies = (0..<3).map { index in
                    Action(id: "m\(index):faq:0", group: "7770001", body: .send(text: "第 \(index) 条回复"), rule: "faq", cause: "m\(index)",
                           due: WallClock().now, utcOffsetSeconds: 28_800)
                }
                for channel in channels { ledger.enqueue(channel.deliveries(for: replies, at: WallClock().now)) }
                let worker = DeliveryWorker(ledger: ledger, channels: channels, client: .shared, policy: RetryPolicy(),
                                            metrics: ServerMetrics(), logger: ServerFixture.logger, pollMilliseconds: 20)
                let started = ContinuousClock.now
                let running = Task { try await worker.run() }
                while await fast.calls.count < 3, ContinuousClock.now - started < .seconds(10) { try await Task.sleep(for: .milliseconds(20)) }
                let oneBotDone = ContinuousClock.now - started
                running.cancel()
                // Three callbacks take 9 s one after the other; the OneBot lane did not wait for them.
                #expect(await fast.calls.count == 3)
                #expect(oneBotDone < .seconds(2), "OneBot calls took \(oneBotDone)")
            }
        }
    }
}
