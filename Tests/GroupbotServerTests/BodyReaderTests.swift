import Foundation
@testable import GroupbotServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Request bodies are read within limits: size, time, and all bodies in flight together.
@Suite struct BodyReaderTests {
    @Test func aBodyThatWouldPassTheInFlightBoundGets503BeforeItIsRead() async throws {
        let dependencies = try await ServerFixture.dependencies {
            $0.limits.bodiesInFlightBytes = 4_096
            $0.maxBodyBytes = 8_192
        }
        let app = ServerFixture.application(dependencies)
        try await app.test(.router) { client in
            let big = String(repeating: " ", count: 5_000) + ServerFixture.message("m1", "价格")
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: big)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
            }
            // A body within the bound is read, and the reservation was given back.
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: ServerFixture.message("m2", "价格"))) { response in
                #expect(response.status == .ok)
            }
            #expect(dependencies.bodies.bytesInFlight == 0)
        }
    }

    @Test func aDeclaredLengthOverTheLimitGets413() async throws {
        let dependencies = try await ServerFixture.dependencies { $0.maxBodyBytes = 1_024 }
        let app = ServerFixture.application(dependencies)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 2_000))) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func anUnsignedRequestIsRefusedBeforeItsBodyIsRead() async throws {
        let dependencies = try await ServerFixture.dependencies {
            $0.secrets.webhookSecrets = ["whsec_c2VjcmV0LWJ5dGVz"]
            $0.limits.bodiesInFlightBytes = 1_024  // a read would get 503; the precheck answers first
        }
        let app = ServerFixture.application(dependencies)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: String(repeating: " ", count: 2_000))) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/onebot/v11", method: .post, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status != .unauthorized)  // no OneBot credential configured: open on loopback
            }
        }
    }
}
