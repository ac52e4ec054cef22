import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotRuntime
@testable import GroupbotServer
import GroupbotSignatures
import GroupbotStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A receiver on loopback that answers from a script and remembers every request.
actor FakeReceiver {
    struct Received: Sendable {
        var path: String
        var headers: HTTPFields
        var body: [UInt8]
    }

    private(set) var received: [Received] = []
    private var script: [(status: HTTPResponse.Status, headers: HTTPFields, body: String)]

    init(script: [(status: HTTPResponse.Status, headers: HTTPFields, body: String)]) {
        self.script = script
    }

    func answer(path: String, headers: HTTPFields, body: [UInt8]) -> Response {
        received.append(Received(path: path, headers: headers, body: body))
        let next = script.isEmpty ? (status: HTTPResponse.Status.ok, headers: HTTPFields(), body: "") : script.removeFirst()
        return Response(status: next.status, headers: next.headers, body: .init(byteBuffer: ByteBuffer(string: next.body)))
    }

    nonisolated func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/**") { request, _ in
            var request = request
            let body = Array(buffer: try await request.collectBody(upTo: 1 << 20))
            return await self.answer(path: request.uri.path, headers: request.headers, body: body)
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: ServerFixture.logger)
    }
}

@Suite struct DeliveryTests {
    static let action = Action(id: "a-1", group: "7770001", body: .send(text: "早安，今天的分享话题是护眼"), rule: "morning",
                               cause: "schedule@1", due: Instant(milliseconds: 1_784_000_000_000), utcOffsetSeconds: 28_800)

    func worker(_ ledger: any DeliveryLedger, _ channel: any DeliveryChannel, policy: RetryPolicy = RetryPolicy(),
                time: ManualClock = ManualClock(start: Instant(milliseconds: 1_784_000_000_000))) -> DeliveryWorker {
        DeliveryWorker(ledger: ledger, channels: [channel], client: .shared, policy: policy, metrics: ServerMetrics(),
                       logger: ServerFixture.logger, now: { time.now })
    }

    @Test func callbacksAreSignedWithStandardWebhooks() async throws {
        let receiver = FakeReceiver(script: [])
        try await receiver.application().test(.live) { client in
            let ledger: any DeliveryLedger = MemoryDeliveryLedger()
            let channel = CallbackChannel(url: "http://127.0.0.1:\(client.port!)/hooks/groupbot", secret: "whsec_Y2FsbGJhY2s=")
            try ledger.enqueue(channel.deliveries(for: [Self.action], at: Instant(milliseconds: 0)))
            #expect(await worker(ledger, channel).sendDue() == 1)
            let received = try #require(await receiver.received.first)
            #expect(received.path == "/hooks/groupbot")
            #expect(received.headers[HTTPField.Name("webhook-id")!] == "a-1")
            try WebhookVerifier(secrets: ["whsec_Y2FsbGJhY2s="]).verify(
                id: received.headers[HTTPField.Name("webhook-id")!], timestamp: received.headers[HTTPField.Name("webhook-timestamp")!],
                signatures: received.headers[HTTPField.Name("webhook-signature")!], body: received.body,
                now: Int64(Date().timeIntervalSince1970))
            let body = try JSONSerialization.jsonObject(with: Data(received.body)) as? [String: Any]
            let actions = body?["actions"] as? [[String: Any]]
            #expect(actions?.first?["text"] as? String == "早安，今天的分享话题是护眼")
            #expect(try ledger.counts() == (0, 0))
        }
    }

    @Test func failuresAreRetriedHonouringRetryAfter() async throws {
        let receiver = FakeReceiver(script: [
            (.serviceUnavailable, [.retryAfter: "2"], ""),
            (.internalServerError, [:], ""),
        ])
        try await receiver.application().test(.live) { client in
            let ledger: any DeliveryLedger = MemoryDeliveryLedger()
            let channel = CallbackChannel(url: "http://127.0.0.1:\(client.port!)/hooks", secret: nil)
            try ledger.enqueue(channel.deliveries(for: [Self.action], at: Instant(milliseconds: 0)))
            var policy = RetryPolicy()
            policy.firstDelayMilliseconds = 1
            let time = ManualClock(start: Instant(milliseconds: 1_784_000_000_000))
            let worker = worker(ledger, channel, policy: policy, time: time)
            let before = time.now
            await worker.sendDue()
            // 503 with Retry-After: 2 → not due for two seconds, even though the backoff is 1 ms.
            let waiting = try #require(try ledger.due(at: Instant(milliseconds: Int64.max / 2), target: nil, limit: 1).first)
            #expect(waiting.attempts == 1)
            #expect(waiting.lastError == "HTTP 503")
            #expect(waiting.nextAttempt.milliseconds - before.milliseconds >= 2_000)
            #expect(await worker.sendDue() == 0)
            time.advance(milliseconds: 1_999)
            #expect(await worker.sendDue() == 0)
            // Make it due now: the 500 is retried after the (tiny) backoff, then 200 goes through.
            try ledger.fail(id: "a-1", error: "HTTP 503", retryAt: Instant(milliseconds: 0))
            await worker.sendDue()
            time.advance(milliseconds: 1_000)  // past the backoff
            await worker.sendDue()
            #expect(await receiver.received.count == 3)
            #expect(try ledger.counts() == (0, 0))
        }
    }

    @Test func refusalsAndTheLastFailureGoToTheDeadLettersUntilRetried() async throws {
        let receiver = FakeReceiver(script: [
            (.badRequest, [:], "unknown group"),
            (.badGateway, [:], ""), (.badGateway, [:], ""),
        ])
        try await receiver.application().test(.live) { client in
            let path = ServerFixture.temporaryPath()
            let ledger = try StateStore(path: path).deliveries
            let channel = CallbackChannel(url: "http://127.0.0.1:\(client.port!)/hooks", secret: nil)
            var second = Self.action
            second.id = "a-2"
            try ledger.enqueue(channel.deliveries(for: [Self.action], at: Instant(milliseconds: 0)))
            var policy = RetryPolicy()
            policy.maxAttempts = 2
            policy.firstDelayMilliseconds = 1
            let time = ManualClock(start: Instant(milliseconds: 1_784_000_000_000))
            let worker = worker(ledger, channel, policy: policy, time: time)
            await worker.sendDue()  // 400: refused at once
            #expect(try ledger.deadLetters().map(\.lastError) == ["HTTP 400"])
            try ledger.enqueue(channel.deliveries(for: [second], at: Instant(milliseconds: 1)))
            await worker.sendDue()  // 502, retried
            time.advance(milliseconds: 1_000)
            await worker.sendDue()  // 502 again: that was the last attempt
            #expect(try ledger.deadLetters().map(\.id) == ["a-1", "a-2"])
            #expect(try ledger.deadLetters().map(\.attempts) == [1, 2])
            // `groupbot deliveries retry` revives them, also from a new process on the same file.
            let reopened = try StateStore(path: path).deliveries
            #expect(try reopened.revive(ids: ["a-2"], at: Instant(milliseconds: 0)) == 1)
            #expect(try reopened.counts() == (1, 1))
            await worker.sendDue()  // the script is used up: 200
            #expect(try reopened.counts() == (0, 1))
            #expect(try reopened.revive(ids: nil, at: Instant(milliseconds: 0)) == 1)
        }
    }

    @Test func pendingDeliveriesSurviveARestart() throws {
        let path = ServerFixture.temporaryPath()
        do {
            let ledger = try StateStore(path: path).deliveries
            let channel = CallbackChannel(url: "http://127.0.0.1:9/hooks", secret: nil)
            try ledger.enqueue(channel.deliveries(for: [Self.action], at: Instant(milliseconds: 5)))
            try ledger.enqueue(channel.deliveries(for: [Self.action], at: Instant(milliseconds: 6)))  // same id: kept once
        }
        let reopened = try StateStore(path: path).deliveries
        let pending = try reopened.due(at: Instant(milliseconds: 10), target: nil, limit: 10)
        #expect(pending.map(\.id) == ["a-1"])
        #expect(pending.first?.created == Instant(milliseconds: 5))
        #expect(try reopened.nextDue() == Instant(milliseconds: 5))
    }
}
