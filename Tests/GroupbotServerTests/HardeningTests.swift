import Foundation
@testable import GroupbotServer
import GroupbotSignatures
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Regression tests for the findings of the hardening review (docs/security.md).
@Suite struct HardeningTests {
    let secret = "whsec_c2VjcmV0LWJ5dGVz"

    @Test(arguments: ["-9223372036854775808", "9223372036854775807", "-9223372036854775807"])
    func aTimestampAtTheEndsOfInt64IsRefusedNotATrap(timestamp: String) {
        let verifier = WebhookVerifier(secrets: [secret])
        #expect(throws: VerificationFailure(status: 401, reason: "webhook-timestamp is more than 300 seconds from the server's time")) {
            try verifier.verify(id: "m1", timestamp: timestamp, signatures: "v1,AAAA", body: [], now: 1_765_000_000)
        }
        #expect(throws: VerificationFailure.self) {
            try verifier.verify(id: "m1", timestamp: timestamp, signatures: "v1,AAAA", body: [], now: .min)
        }
    }

    @Test func aForgedTimestampGetsA401OverHTTP() async throws {
        let dependencies = try await ServerFixture.dependencies { $0.secrets.webhookSecrets = [secret] }
        let app = ServerFixture.application(dependencies)
        let headers: HTTPFields = [HTTPField.Name("webhook-id")!: "x", HTTPField.Name("webhook-timestamp")!: "-9223372036854775808",
                                   HTTPField.Name("webhook-signature")!: "v1,AAAA"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/events", method: .post, headers: headers,
                                     body: ByteBuffer(string: ServerFixture.message("m1", "价格"))) { response in
                #expect(response.status == .unauthorized)
            }
            // The server is still there.
            try await client.execute(uri: "/healthz", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test func eachPublicEndpointNeedsItsOwnCredential() throws {
        var configuration = ServerConfiguration()
        configuration.host = "0.0.0.0"
        configuration.secrets.oneBotSecret = "onebot"
        #expect(throws: ServeError.self) { try ServerAssembly.checkExposure(configuration, insecure: false) }
        do {
            try ServerAssembly.checkExposure(configuration, insecure: false)
        } catch {
            #expect(error.reason.contains("/v1/events unguarded"))
        }
        configuration.secrets = .init()
        configuration.secrets.webhookSecrets = [secret]
        #expect(configuration.secrets.unguardedEndpoints == ["/onebot/v11"])
        #expect(throws: ServeError.self) { try ServerAssembly.checkExposure(configuration, insecure: false) }
        configuration.secrets.oneBotSecret = "onebot"
        try ServerAssembly.checkExposure(configuration, insecure: false)
        // The bearer token guards both.
        configuration.secrets = .init()
        configuration.secrets.bearerToken = "t0k3n"
        try ServerAssembly.checkExposure(configuration, insecure: false)
    }

    @Test(arguments: ["whsec_not base64!", "whsec_", "whsec_@@@@"])
    func aMalformedWebhookSecretStopsStartUp(bad: String) {
        var configuration = ServerConfiguration()
        configuration.secrets.webhookSecrets = [bad]
        #expect(throws: ServeError.self) { try ServerAssembly.checkExposure(configuration, insecure: true) }
        configuration.secrets = .init()
        configuration.secrets.callbackSecret = bad
        #expect(configuration.secrets.problems.count == 1)
        #expect(configuration.secrets.problems.first?.contains("GROUPBOT_CALLBACK_SECRET") == true)
    }

    @Test func aRawSecretWithoutThePrefixIsStillUsedAsItsText() {
        #expect(WebhookSigner.keyBytes("plain-text") == Array("plain-text".utf8))
        #expect(WebhookSigner.keyBytes("whsec_c2VjcmV0LWJ5dGVz") == Array("secret-bytes".utf8))
    }

    @Test func aConfigurationThatExpandsPastTheAliasLimitIsRefused() {
        let list = "[" + Array(repeating: "x", count: 1_000).joined(separator: ",") + "]"
        let text = "a: &a \(list)\nb: [" + Array(repeating: "*a", count: 1_000).joined(separator: ",") + "]\n"
        #expect {
            try ServerConfiguration.parse(text, path: "groupbot.yaml")
        } throws: { error in
            (error as? ConfigurationError)?.description.contains("expands to more than") == true
        }
    }
}
