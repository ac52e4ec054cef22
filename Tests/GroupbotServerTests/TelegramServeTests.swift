import Foundation
import GroupbotCore
import GroupbotRules
import GroupbotRuntime
@testable import GroupbotServer
import GroupbotStore
import GroupbotTelegram
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The bodies a fake Bot API was sent, by method.
actor BotAPICalls {
    private(set) var bodies: [String: [String]] = [:]

    func record(_ method: String, _ body: String) { bodies[method, default: []].append(body) }
}

/// A Bot API that knows one group: its administrators and its member count.
func fakeBotAPI(recording calls: BotAPICalls = BotAPICalls()) -> some ApplicationProtocol {
    let router = Router()
    router.post("/**") { request, _ in
        var request = request
        let method = request.uri.path.split(separator: "/").last.map(String.init) ?? ""
        await calls.record(method, String(buffer: try await request.collectBody(upTo: 1 << 20)))
        let result = switch method {
        case "getChatAdministrators": #"[{"status":"creator","user":{"id":7100,"is_bot":false,"first_name":"陈姐"}}]"#
        case "getChatMemberCount": "238"
        default: "true"
        }
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(string: #"{"ok":true,"result":\#(result)}"#)))
    }
    return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: ServerFixture.logger)
}

/// `serve` speaking Telegram: the webhook's secret, updates in, Bot API calls out through
/// the paced ledger, refused DMs, and the Bot API's answers judged.
@Suite struct TelegramServeTests {
    static let rules = """
        rules:
          - id: shipping
            on: message
            when: { keywords: { any: [发货] } }
            actions: [{ reply: "下午四点前付款当天发货" }]
          - id: ad-guide
            on: message
            when: { keywords: { any: [加V] } }
            actions: [delete, { dm: "广告请留到周五晚上的广告时段" }]
        """

    func dependencies(api: String, secret: String? = "tg-secret", webhookURL: String? = nil) async throws -> ServerDependencies {
        var configuration = ServerConfiguration()
        configuration.state = "memory"
        configuration.reload = false
        var telegram = ServerConfiguration.TelegramSettings()
        telegram.apiURL = api
        telegram.webhookURL = webhookURL
        telegram.adminChat = "-1009999"
        configuration.telegram = telegram
        configuration.secrets.telegramBotToken = "123:abc"
        configuration.secrets.telegramWebhookSecret = secret
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", Self.rules)])
        return try await ServerAssembly.makeDependencies(configuration: configuration, book: book, logger: ServerFixture.logger)
    }

    static func update(_ id: Int, text: String, from user: Int = 7001, name: String = "王芳") -> String {
        #"{"update_id":\#(id),"message":{"message_id":\#(id + 40),"from":{"id":\#(user),"is_bot":false,"first_name":"\#(name)"},"chat":{"id":-1001234567890,"title":"鱼油福利群","type":"supergroup"},"date":1796605200,"text":"\#(text)"}}"#
    }

    func post(_ body: String, secret: String?, to client: some TestClientProtocol) async throws -> HTTPResponse.Status {
        var headers = HTTPFields()
        if let secret { headers[HTTPField.Name("X-Telegram-Bot-Api-Secret-Token")!] = secret }
        return try await client.execute(uri: "/telegram/webhook", method: .post, headers: headers, body: ByteBuffer(string: body)) { $0.status }
    }

    @Test func theWebhookChecksItsSecretAndQueuesBotAPICalls() async throws {
        try await fakeBotAPI().test(.live) { api in
        let dependencies = try await dependencies(api: "http://127.0.0.1:\(api.port!)")
        try await ServerFixture.application(dependencies).test(.router) { client in
            let statuses = [
                try await post(Self.update(1, text: "什么时候发货"), secret: nil, to: client),
                try await post(Self.update(1, text: "什么时候发货"), secret: "wrong", to: client),
                try await post("{\"update_id\":\"x\"}", secret: "tg-secret", to: client),
                try await post(Self.update(1, text: "什么时候发货"), secret: "tg-secret", to: client),
                try await post(Self.update(2, text: "加V领红包"), secret: "tg-secret", to: client),
            ]
            #expect(statuses == [.unauthorized, .forbidden, .badRequest, .ok, .ok])
        }
        // Enforcement first, then the messages in the order they were made.
        let pending = try dependencies.outbound.ledger.due(at: Instant(milliseconds: .max / 2), target: "telegram", limit: 10)
        #expect(pending.map { String(decoding: $0.body, as: UTF8.self) } == [
            #"{"chat_id":-1001234567890,"message_id":42}"#,
            // A reply names its member with a text_mention over their display name.
            #"{"chat_id":-1001234567890,"entities":[{"length":2,"offset":0,"type":"text_mention","user":{"first_name":"王芳","id":7001,"is_bot":false}}],"reply_parameters":{"allow_sending_without_reply":true,"message_id":41},"text":"王芳 下午四点前付款当天发货"}"#,
            #"{"chat_id":7001,"text":"广告请留到周五晚上的广告时段"}"#,
            #"{"chat_id":-1009999,"text":"【ad-guide】ad-guide：撤回消息 — 王芳（7001）原文：加V领红包"}"#,
        ])
        #expect(pending.map(\.endpoint) == ["deleteMessage", "sendMessage", "sendMessage", "sendMessage"])
        #expect(pending[0].pacing.priority == .enforcement)
        }
    }

    @Test func theOwnerIsKnownFromTheAdministratorsAndTheCountFromTheAPI() async throws {
        try await fakeBotAPI().test(.live) { api in
            let dependencies = try await dependencies(api: "http://127.0.0.1:\(api.port!)")
            let side = try #require(dependencies.telegram)
            let event = await side.info.enrich(Event(type: .message, id: "tg:-1001234567890:1", time: Instant(milliseconds: 0),
                                                     group: "-1001234567890", user: "7100", text: "大家好"))
            #expect(event.role == .owner)
            #expect(event.memberCount == 238)
        }
    }

    /// `telegram.webhook_url`: setWebhook at start, with the secret the route checks.
    @Test func theWebhookIsRegisteredWithTheSecret() async throws {
        let calls = BotAPICalls()
        try await fakeBotAPI(recording: calls).test(.live) { api in
            let dependencies = try await dependencies(api: "http://127.0.0.1:\(api.port!)",
                                                      webhookURL: "https://bot.example.com/telegram/webhook")
            let registration = try #require(ServerAssembly.backgroundServices(dependencies).last as? TelegramWebhookRegistration)
            let running = Task { try await registration.run() }
            while await calls.bodies["setWebhook"] == nil { try await Task.sleep(for: .milliseconds(20)) }
            running.cancel()
            let body = try #require(await calls.bodies["setWebhook"]?.first)
            #expect(body.contains(#""secret_token":"tg-secret""#))
            #expect(body.contains(#""url":"https://bot.example.com/telegram/webhook""#))
        }
    }

    @Test func aNameChangeBetweenMessagesIsARename() async throws {
        try await fakeBotAPI().test(.live) { api in
            let dependencies = try await dependencies(api: "http://127.0.0.1:\(api.port!)")
            let side = try #require(dependencies.telegram)
            _ = try await dependencies.runTelegram(Array(Self.update(1, text: "大家好").utf8), side: side)
            let ran = try await dependencies.runTelegram(Array(Self.update(2, text: "我改好名字了", name: "西安-王芳-鱼油").utf8), side: side)
            #expect(ran == 2)  // the rename, then the message
            #expect(side.names.name(group: "-1001234567890", user: "7001") == "西安-王芳-鱼油")
        }
    }

    @Test func answersAreJudgedAndARefusedDMFallsBack() {
        let channel = TelegramChannel(apiURL: "http://127.0.0.1:9", token: "t", options: TelegramOptions(), dmFallback: .group,
                                      names: TelegramNameBook())
        let dmAction = Action(id: "tg:-100:41:ad-guide:1", group: "-100", body: .dm(user: "7001", text: "广告请留到周五"), rule: "ad-guide",
                              cause: "tg:-100:41", due: Instant(milliseconds: 0), utcOffsetSeconds: 28_800)
        let dm = channel.deliveries(for: [dmAction], at: Instant(milliseconds: 0))[0]
        func verdict(_ status: Int, _ body: String) -> DeliveryVerdict {
            channel.verdict(for: dm, status: status, retryAfter: nil, body: Array(body.utf8), now: Date())
        }
        #expect(verdict(200, #"{"ok":true,"result":{}}"#) == .delivered)
        #expect(verdict(429, #"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#)
            == .retry(reason: "HTTP 429: Too Many Requests: retry after 7", retryAfterSeconds: 7))
        #expect(verdict(502, "") == .retry(reason: "HTTP 502", retryAfterSeconds: nil))
        let refused = verdict(403, #"{"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"}"#)
        #expect(refused == .reject(reason: "DM refused: HTTP 403: Forbidden: bot can't initiate conversation with a user"))
        guard case .reject(let reason) = refused else { return }
        let fallback = channel.replacement(for: dm, reason: reason, at: Instant(milliseconds: 5))
        #expect(fallback?.body == .send(text: "广告请留到周五", mention: "7001"))
        #expect(fallback?.cause == "tg:-100:41:ad-guide:1")
        #expect(fallback?.rule == "dm_fallback")
        #expect(channel.carries(dmAction))
        #expect(!OneBotAPIChannel(apiURL: "http://x", accessToken: nil, options: .init()).carries(dmAction))
    }
}
