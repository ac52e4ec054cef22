import Crypto
import Foundation

/// Standard Webhooks signatures (https://www.standardwebhooks.com): an HMAC-SHA256 over
/// `id.timestamp.body`, sent as `webhook-signature: v1,<base64>`.
///
/// Secrets are written `whsec_<base64 bytes>`, as the specification suggests; a secret
/// without that prefix is used as raw UTF-8 bytes. A `whsec_` secret that is not valid
/// base64 is refused at start-up (``ServerConfiguration/Secrets/problems``).
package struct WebhookSigner: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// The key bytes of a secret; nil for a `whsec_` secret that is not valid, non-empty base64.
    package static func keyBytes(_ secret: String) -> [UInt8]? {
        guard secret.hasPrefix("whsec_") else { return Array(secret.utf8) }
        guard let bytes = Data(base64Encoded: String(secret.dropFirst(6))), !bytes.isEmpty else { return nil }
        return [UInt8](bytes)
    }

    /// Creates a signer for one secret (checked with ``keyBytes(_:)`` first: an invalid
    /// `whsec_` secret gets a signer whose signatures match nothing anyone can send).
    package init(secret: String) {
        keyBytes = Self.keyBytes(secret) ?? Array("invalid secret \(secret)".utf8)
    }

    /// The `v1,<base64>` signature of a message.
    package func signature(id: String, timestamp: Int64, body: some Sequence<UInt8>) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a signed request.
    package func headers(id: String, timestamp: Int64, body: [UInt8]) -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)),
         ("webhook-signature", signature(id: id, timestamp: timestamp, body: body))]
    }
}

/// Why an inbound request was not accepted.
package struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401 when credentials are missing or wrong, 403 when they are valid but not allowed.
    package let status: Int
    package let reason: String

    /// Creates a failure.
    package init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    package var description: String { reason }
}

/// Checks Standard Webhooks signatures against every configured secret, so a secret
/// can be rotated: the new one is added, senders switch, the old one is removed.
package struct WebhookVerifier: Sendable {
    private let signers: [WebhookSigner]
    /// Messages older or newer than this are refused (replay protection).
    package let tolerance: Int64

    /// Creates a verifier accepting a signature made with any of `secrets`.
    package init(secrets: [String], toleranceSeconds: Int64 = 300) {
        signers = secrets.map(WebhookSigner.init(secret:))
        tolerance = toleranceSeconds
    }

    /// Accepts the request or says why not.
    package func verify(id: String?, timestamp: String?, signatures: String?, body: [UInt8], now: Int64) throws(VerificationFailure) {
        let (id, seconds, signatures) = try precheck(id: id, timestamp: timestamp, signatures: signatures, now: now)
        let offered = signatures.split(separator: " ").map(String.init)
        for signer in signers {
            let expected = signer.signature(id: id, timestamp: seconds, body: body)
            if offered.contains(where: { Self.constantTimeEqual($0, expected) }) { return }
        }
        throw VerificationFailure(status: 401, reason: "webhook-signature does not match any configured secret")
    }

    /// What can be checked before the body is read: the headers are there and the
    /// timestamp is recent. Returns the id, the timestamp and the signatures.
    @discardableResult
    package func precheck(id: String?, timestamp: String?, signatures: String?, now: Int64) throws(VerificationFailure)
        -> (id: String, seconds: Int64, signatures: String) {
        guard let id, !id.isEmpty, let timestamp, let signatures else {
            throw VerificationFailure(status: 401, reason: "missing webhook-id, webhook-timestamp or webhook-signature header")
        }
        guard let seconds = Int64(timestamp) else {
            throw VerificationFailure(status: 401, reason: "webhook-timestamp is not a whole number of seconds")
        }
        // Subtraction that cannot trap: a forged timestamp such as Int64.min must be
        // refused, not overflow (`abs(now - seconds)` did, and took the process down).
        let (difference, overflow) = now.subtractingReportingOverflow(seconds)
        guard !overflow, difference.magnitude <= UInt64(tolerance.magnitude) else {
            throw VerificationFailure(status: 401, reason: "webhook-timestamp is more than \(tolerance) seconds from the server's time")
        }
        return (id, seconds, signatures)
    }

    /// Compares in constant time, length included: swift-crypto compares the two SHA-256
    /// digests with its constant-time comparison, so timing tells neither how much of a
    /// guess matched nor how long the secret is.
    package static func constantTimeEqual(_ left: String, _ right: String) -> Bool {
        SHA256.hash(data: Array(left.utf8)) == SHA256.hash(data: Array(right.utf8))
    }
}

/// OneBot v11's HTTP POST signature: `X-Signature: sha1=<hex HMAC-SHA1 of the body>`.
package struct OneBotSignature: Sendable {
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// Creates a checker for the implementation's `secret`.
    package init(secret: String) {
        keyBytes = Array(secret.utf8)
    }

    /// The header value for `body`.
    package func header(for body: [UInt8]) -> String {
        "sha1=" + HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key).map { String(format: "%02x", $0) }.joined()
    }

    /// Accepts the body or says why not.
    package func verify(header: String?, body: [UInt8]) throws(VerificationFailure) {
        guard let header else { throw VerificationFailure(status: 401, reason: "missing X-Signature header") }
        guard WebhookVerifier.constantTimeEqual(header.lowercased(), self.header(for: body)) else {
            throw VerificationFailure(status: 403, reason: "X-Signature does not match the body")
        }
    }
}

/// A static bearer token (`Authorization: Bearer <token>`).
package struct BearerToken: Sendable {
    private let token: String

    /// Creates a checker for `token`.
    package init(_ token: String) {
        self.token = token
    }

    /// Accepts the header or says why not.
    package func verify(authorization: String?) throws(VerificationFailure) {
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else {
            throw VerificationFailure(status: 401, reason: "missing 'Authorization: Bearer …' header")
        }
        guard WebhookVerifier.constantTimeEqual(String(authorization.dropFirst(7)), token) else {
            throw VerificationFailure(status: 403, reason: "the bearer token is not valid")
        }
    }
}

/// A shared secret sent as is in a header (Telegram's `X-Telegram-Bot-Api-Secret-Token`),
/// compared in constant time.
package struct HeaderSecret: Sendable {
    private let secret: String
    private let header: String

    /// Creates a checker of `header` against `secret`.
    package init(_ secret: String, header: String) {
        self.secret = secret
        self.header = header
    }

    /// Accepts the header's value or says why not (401 missing, 403 wrong).
    package func verify(_ value: String?) throws(VerificationFailure) {
        guard let value else { throw VerificationFailure(status: 401, reason: "missing \(header) header") }
        guard WebhookVerifier.constantTimeEqual(value, secret) else {
            throw VerificationFailure(status: 403, reason: "the \(header) is not valid")
        }
    }
}
