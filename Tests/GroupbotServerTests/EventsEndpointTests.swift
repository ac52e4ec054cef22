import Foundation
import GroupbotCore
import GroupbotRuntime
@testable import GroupbotServer
import GroupbotSignatures
import GroupbotStore
import GroupbotWire
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct EventsEndpointTests {
    @Test func oneEventGetsItsActionsInTheResponse() async throws {
        let app = ServerFixture.application(try await ServerFixture.dependencies())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: ServerFixture.message("m1", "请问价格多少"))) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["processed"] as? Int == 1)
                let actions = try #require(body["actions"] as? [[String: Any]])
                #expect(actions.count == 1)
                #expect(actions.first?["action"] as? String == "send")
                #expect(actions.first?["text"] as? String == "价格请看群公告第一条")
                #expect(actions.first?["reply_to"] as? String == "m1")
                #expect(actions.first?["rule"] as? String == "price")
            }
        }
    }

    @Test func anArrayIsRunInOrderAndDelayedActionsWaitForTheCallback() async throws {
        let clock = ManualClock(start: WallClock().now)
        let dependencies = try await ServerFixture.dependencies(clock: clock) { $0.callbackURL = "http://127.0.0.1:9/actions" }
        let app = ServerFixture.application(dependencies)
        let body = "[" + ServerFixture.message("m1", "价格？") + "," + ServerFixture.message("m2", "稍后再说") + "]"
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                let body = try ServerFixture.json(response.body)
                #expect(body["processed"] as? Int == 2)
                #expect((body["actions"] as? [[String: Any]])?.map { $0["cause"] as? String } == ["m1"])
            }
        }
        // The delayed send is a timer: after it falls due, the ticker's work queues it as a callback.
        #expect(await dependencies.host.tick().actions.isEmpty)
        clock.advance(milliseconds: 60_000)
        let later = await dependencies.host.tick().actions
        #expect(later.map(\.text) == ["稍后回复您"])
        dependencies.outbound.enqueue(later)
        let pending = try dependencies.outbound.ledger.due(at: Instant(milliseconds: Int64.max / 2), target: nil, limit: 10)
        #expect(pending.map(\.target) == ["callback"])
        #expect(pending.first.map { String(decoding: $0.body, as: UTF8.self).hasPrefix(#"{"actions":[{"id":""#) } == true)
    }

    @Test func badBodiesGet400WithTheReasonAndNothingRuns() async throws {
        let dependencies = try await ServerFixture.dependencies()
        let app = ServerFixture.application(dependencies)
        let cases: [(String, String)] = [
            ("", "the body is empty; expected an event object or an array of events"),
            ("{\"type\":", "invalid JSON at byte 9: unexpected end of input"),
            ("[" + ServerFixture.message("ok", "价格") + ",{\"type\":\"message\",\"id\":\"x\"}]", "event 1: missing required field 'ts'"),
            ("42", "an event must be a JSON object, got a number"),
        ]
        try await app.test(.router) { client in
            for (body, reason) in cases {
                try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest)
                    let error = try ServerFixture.json(response.body)["error"] as? [String: Any]
                    #expect(error?["message"] as? String == reason)
                }
            }
        }
        // The valid first event of the refused batch did not run: it still answers now.
        let handled = await dependencies.host.handle([try EventDecoder.decode(line: ServerFixture.message("ok", "价格"))])
        #expect(handled.actions.count == 1)
    }

    @Test func bodiesOverTheLimitGet413() async throws {
        let app = ServerFixture.application(try await ServerFixture.dependencies { $0.maxBodyBytes = 1_024 })
        try await app.test(.router) { client in
            let big = ServerFixture.message("m1", String(repeating: "价格", count: 600))
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: big)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func bearerTokenAndSignaturesAreChecked() async throws {
        let secret = "whsec_c2VjcmV0LWJ5dGVz"
        let dependencies = try await ServerFixture.dependencies {
            $0.secrets.bearerToken = "t0k3n"
            $0.secrets.webhookSecrets = [secret]
        }
        let app = ServerFixture.application(dependencies)
        let body = ServerFixture.message("m1", "价格")
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer nope"],
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .forbidden)
                let error = try ServerFixture.json(response.body)["error"] as? [String: Any]
                #expect(error?["message"] as? String == "the bearer token is not valid")
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: [.authorization: "Bearer t0k3n"],
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .ok)
            }
            let now = Int64(Date().timeIntervalSince1970)
            let signed = ServerFixture.message("m2", "价格")
            var headers: HTTPFields = [:]
            for header in WebhookSigner(secret: secret).headers(id: "msg_1", timestamp: now, body: Array(signed.utf8)) {
                headers[HTTPField.Name(header.name)!] = header.value
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: headers, body: ByteBuffer(string: signed)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/v1/events", method: .post, headers: headers,
                                     body: ByteBuffer(string: signed + " ")) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test func aRepeatedEventActsOnceWithADurableStore() async throws {
        let path = ServerFixture.temporaryPath()
        let app = ServerFixture.application(try await ServerFixture.dependencies { $0.state = path })
        let body = ServerFixture.message("m1", "价格")
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                let actions = try ServerFixture.json(response.body)["actions"] as? [Any]
                #expect(actions?.count == 1)
            }
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                let body = try ServerFixture.json(response.body)
                #expect(body["duplicates"] as? Int == 1)
                #expect((body["actions"] as? [Any])?.count == 0)
            }
        }
    }

    @Test func aRepeatedEventActsOnceWithoutAStateFileToo() async throws {
        let app = ServerFixture.application(try await ServerFixture.dependencies())  // --state memory
        let body = "[" + ServerFixture.message("m1", "价格") + "," + ServerFixture.message("m1", "价格") + "]"
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { response in
                let body = try ServerFixture.json(response.body)
                #expect(body["processed"] as? Int == 1)
                #expect(body["duplicates"] as? Int == 1)
                #expect((body["actions"] as? [Any])?.count == 1)
            }
        }
    }

    @Test func healthAndMetrics() async throws {
        let app = ServerFixture.application(try await ServerFixture.dependencies())
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: ServerFixture.message("m1", "价格"))) { _ in }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try ServerFixture.json(response.body)
                #expect(body["status"] as? String == "ok")
                #expect(body["rules"] as? Int == 2)
                #expect(body["group_types"] as? Int == 1)
                #expect(body["deliveries_pending"] as? Int == 0)
                #expect(body["dead_letters"] as? Int == 0)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"groupbot_events_total{type="message",transport="webhook"} 1"#))
                #expect(text.contains(#"groupbot_actions_total{kind="send"} 1"#))
                #expect(text.contains(#"groupbot_rule_hits_total{rule="price"} 1"#))
                #expect(text.contains(#"groupbot_request_duration_seconds_count{route="/v1/events",status="200"} 1"#))
                #expect(text.contains("groupbot_deliveries_pending 0"))
                #expect(text.contains("groupbot_dead_letters 0"))
            }
        }
    }
}

/// `groupbot_rule_hits_total` counts firings, as `replay --report` counts hits: a rule that
/// acts three times for one event is one hit.
@Suite struct RuleHitMetricTests {
    @Test func aFiringWithSeveralActionsIsOneHit() {
        let metrics = ServerMetrics()
        func action(_ cause: String, _ step: Int) -> Action {
            Action(id: "\(cause):ad:\(step)", group: "g1", body: step == 0 ? .delete(message: cause, user: "u1") : .notify(text: "n"),
                   rule: "ad", cause: cause, due: Instant(milliseconds: 0), utcOffsetSeconds: 0)
        }
        metrics.actionsOut([action("m1", 0), action("m1", 1), action("m1", 2)])
        metrics.actionsOut([action("m2", 0), action("m2", 1)])
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"groupbot_rule_hits_total{rule="ad"} 2"#))
        #expect(text.contains(#"groupbot_actions_total{kind="notify"} 3"#))
    }
}
