import Foundation
import GroupbotCore
import GroupbotRules
@testable import GroupbotServer
import GroupbotSignatures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `POST /onebot/v11` end to end: real report bodies in, the quick operation back,
/// and the exact OneBot HTTP API calls made against a fake implementation.
@Suite struct OneBotEndpointTests {
    static let rules = """
        rules:
          - id: shipping
            on: message
            when: { keywords: { any: [发货] } }
            actions: [{ reply: "下午四点前付款当天发货" }]
          - id: ad-guide
            on: message
            when: { keywords: { any: [加V] } }
            actions: [delete, { dm: "广告请留到周五晚上的广告时段" }, { notify: "有人在群里发广告" }]
        """

    /// Report bodies from the shared OneBot fixture (a copy lives with the dialect's tests).
    static let reports: [String] = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)
        let path = components.joined(separator: "/") + "/GroupbotOneBotTests/Fixtures/events.jsonl"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }()

    static let secret = "onebot-secret"

    func dependencies(apiURL: String) async throws -> ServerDependencies {
        var configuration = ServerConfiguration()
        configuration.state = "memory"
        configuration.reload = false
        configuration.oneBot.apiURL = apiURL
        configuration.oneBot.admins = ["10086"]
        configuration.oneBot.platformInfo = false  // this suite's fake answers only the action calls
        configuration.secrets.oneBotSecret = Self.secret
        configuration.secrets.oneBotAccessToken = "access-token"
        let book = try RuleBookLoader.load(files: [("rules/general.yaml", Self.rules)])
        return try await ServerAssembly.makeDependencies(configuration: configuration, book: book, logger: ServerFixture.logger)
    }

    func signed(_ body: String) -> HTTPFields {
        [HTTPField.Name("X-Signature")!: OneBotSignature(secret: Self.secret).header(for: Array(body.utf8)), HTTPField.Name("X-Self-ID")!: "10001"]
    }

    @Test func reportsGetQuickOperationsAndTheRestBecomesAPICalls() async throws {
        let fake = FakeReceiver(script: [
            (.ok, [:], #"{"status":"ok","retcode":0,"data":{"message_id":9001}}"#),
            (.ok, [:], #"{"status":"failed","retcode":100,"wording":"参数错误"}"#),
        ])
        try await fake.application().test(.live) { api in
            let dependencies = try await dependencies(apiURL: "http://127.0.0.1:\(api.port!)/")
            let server = ServerFixture.application(dependencies)
            try await server.test(.router) { client in
                // 请问鱼油什么时候发货？ → a quick reply, nothing else.
                let question = Self.reports[0]
                try await client.execute(uri: "/onebot/v11", method: .post, headers: signed(question),
                                         body: ByteBuffer(string: question)) { response in
                    #expect(response.status == .ok)
                    let quick = try ServerFixture.json(response.body)
                    #expect((quick["reply"] as? String)?.contains("下午四点前付款当天发货") == true)
                    #expect(quick["delete"] == nil)
                }
                // The advert: deleted by the quick operation; the private guide and the admin notice are API calls.
                let advert = Self.reports[3]
                try await client.execute(uri: "/onebot/v11", method: .post, headers: signed(advert),
                                         body: ByteBuffer(string: advert)) { response in
                    #expect(response.status == .ok)
                    let quick = try ServerFixture.json(response.body)
                    #expect(quick["delete"] as? Bool == true)
                    #expect(quick["reply"] == nil)
                }
                // A heartbeat is ignored on purpose: 204, no body.
                let heartbeat = Self.reports[17]
                try await client.execute(uri: "/onebot/v11", method: .post, headers: signed(heartbeat),
                                         body: ByteBuffer(string: heartbeat)) { response in
                    #expect(response.status == .noContent)
                }
            }
            let worker = DeliveryWorker(ledger: dependencies.outbound.ledger, channels: dependencies.outbound.channels,
                                        client: .shared, policy: RetryPolicy(), metrics: dependencies.metrics, logger: ServerFixture.logger)
            #expect(await worker.sendDue() == 2)
            let calls = await fake.received
            #expect(calls.map(\.path) == ["/send_private_msg", "/send_private_msg"])
            #expect(calls.allSatisfy { $0.headers[.authorization] == "Bearer access-token" })
            #expect(calls.map { String(decoding: $0.body, as: UTF8.self) } == [
                #"{"user_id":2004,"message":"广告请留到周五晚上的广告时段"}"#,
                #"{"user_id":10086,"message":"有人在群里发广告"}"#,
            ])
            // The refused call (retcode 100) is a dead letter with the implementation's reason.
            let dead = try dependencies.outbound.ledger.deadLetters()
            #expect(dead.map(\.lastError) == ["retcode 100: 参数错误"])  // a notice to an admin: no fallback
            #expect(dead.map(\.endpoint) == ["send_private_msg"])
        }
    }

    @Test func signaturesAndMalformedReportsAreRefusedWithAReason() async throws {
        let app = ServerFixture.application(try await dependencies(apiURL: "http://127.0.0.1:9"))
        let report = Self.reports[0]
        try await app.test(.router) { client in
            try await client.execute(uri: "/onebot/v11", method: .post, body: ByteBuffer(string: report)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/onebot/v11", method: .post, headers: [HTTPField.Name("X-Signature")!: "sha1=00"],
                                     body: ByteBuffer(string: report)) { response in
                #expect(response.status == .forbidden)
            }
            let broken = #"{"post_type":"message","message_type":"group","group_id":"7770001"}"#
            try await client.execute(uri: "/onebot/v11", method: .post, headers: signed(broken),
                                     body: ByteBuffer(string: broken)) { response in
                #expect(response.status == .badRequest)
                let error = try ServerFixture.json(response.body)["error"] as? [String: Any]
                #expect((error?["message"] as? String)?.isEmpty == false)
            }
        }
    }
}
