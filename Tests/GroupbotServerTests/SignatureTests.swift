@testable import GroupbotServer
import GroupbotSignatures
import Testing

@Suite struct SignatureTests {
    // The example of the Standard Webhooks specification's reference libraries.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let body = Array(#"{"test": 2432232314}"#.utf8)

    @Test func signsLikeTheSpecification() {
        let signature = WebhookSigner(secret: secret).signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body)
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func acceptsAnyRotatedSecretAndRefusesTheRest() throws {
        let signature = WebhookSigner(secret: secret).signature(id: "m1", timestamp: 1_000, body: body)
        let rotating = WebhookVerifier(secrets: ["whsec_bmV3c2VjcmV0", secret])
        try rotating.verify(id: "m1", timestamp: "1000", signatures: "v1,bm90aGluZw== " + signature, body: body, now: 1_100)
        let other = WebhookVerifier(secrets: ["whsec_bmV3c2VjcmV0"])
        #expect(throws: VerificationFailure(status: 401, reason: "webhook-signature does not match any configured secret")) {
            try other.verify(id: "m1", timestamp: "1000", signatures: signature, body: body, now: 1_100)
        }
        // The same signature over another body does not pass.
        #expect(throws: VerificationFailure.self) {
            try rotating.verify(id: "m1", timestamp: "1000", signatures: signature, body: Array("{}".utf8), now: 1_100)
        }
    }

    @Test func refusesOldOrMissingTimestamps() {
        let verifier = WebhookVerifier(secrets: [secret])
        let signature = WebhookSigner(secret: secret).signature(id: "m1", timestamp: 1_000, body: body)
        #expect(throws: VerificationFailure(status: 401, reason: "webhook-timestamp is more than 300 seconds from the server's time")) {
            try verifier.verify(id: "m1", timestamp: "1000", signatures: signature, body: body, now: 1_301)
        }
        #expect(throws: VerificationFailure.self) {
            try verifier.verify(id: nil, timestamp: "1000", signatures: signature, body: body, now: 1_000)
        }
        #expect(throws: VerificationFailure.self) {
            try verifier.verify(id: "m1", timestamp: "soon", signatures: signature, body: body, now: 1_000)
        }
    }

    @Test func oneBotSignatureIsAHexHMACSHA1() throws {
        // hmac.new(b"onebot-secret", b'{"post_type":"meta_event"}', "sha1").hexdigest()
        let body = Array(#"{"post_type":"meta_event"}"#.utf8)
        let signature = OneBotSignature(secret: "onebot-secret")
        #expect(signature.header(for: body) == "sha1=d2c1777f4bb6169e52cd8fdadeed91196aeef7f9")
        try signature.verify(header: signature.header(for: body), body: body)
        #expect(throws: VerificationFailure(status: 401, reason: "missing X-Signature header")) {
            try signature.verify(header: nil, body: body)
        }
        #expect(throws: VerificationFailure(status: 403, reason: "X-Signature does not match the body")) {
            try signature.verify(header: "sha1=0000", body: body)
        }
    }

    @Test func bearerTokens() throws {
        let token = BearerToken("s3cr3t")
        try token.verify(authorization: "Bearer s3cr3t")
        #expect(throws: VerificationFailure(status: 401, reason: "missing 'Authorization: Bearer …' header")) {
            try token.verify(authorization: nil)
        }
        #expect(throws: VerificationFailure(status: 403, reason: "the bearer token is not valid")) {
            try token.verify(authorization: "Bearer guess")
        }
    }
}
