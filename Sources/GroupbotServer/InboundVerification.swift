import Foundation
import GroupbotSignatures
import HTTPTypes

/// Which credentials each endpoint accepts, from the configured secrets.
package struct InboundVerification: Sendable {
    private let webhooks: WebhookVerifier?
    private let bearer: BearerToken?
    private let oneBot: OneBotSignature?
    private let telegram: HeaderSecret?

    /// Creates the checks for a set of secrets.
    package init(secrets: ServerConfiguration.Secrets) {
        webhooks = secrets.webhookSecrets.isEmpty ? nil : WebhookVerifier(secrets: secrets.webhookSecrets)
        bearer = secrets.bearerToken.map(BearerToken.init)
        oneBot = secrets.oneBotSecret.map(OneBotSignature.init(secret:))
        telegram = secrets.telegramWebhookSecret.map { HeaderSecret($0, header: "X-Telegram-Bot-Api-Secret-Token") }
    }

    /// `/telegram/webhook`: the `X-Telegram-Bot-Api-Secret-Token` header, compared in constant
    /// time, when `TELEGRAM_WEBHOOK_SECRET` is set (setWebhook's `secret_token`).
    package func verifyTelegram(headers: HTTPFields) throws(VerificationFailure) {
        try telegram?.verify(headers[HTTPField.Name("x-telegram-bot-api-secret-token")!])
    }

    /// `/v1/events`: a Standard Webhooks signature or the bearer token, whichever is configured
    /// (a signed request is checked by its signature). Nothing configured: anything goes.
    package func verifyEvents(headers: HTTPFields, body: [UInt8], now: Date = Date()) throws(VerificationFailure) {
        try checkEvents(headers: headers, body: body, now: now)
    }

    /// `/v1/events` before its body is read: what the headers alone can settle (the bearer
    /// token, the presence and age of a signature), so an unsigned client cannot make the
    /// server hold its body in memory.
    package func precheckEvents(headers: HTTPFields, now: Date = Date()) throws(VerificationFailure) {
        try checkEvents(headers: headers, body: nil, now: now)
    }

    /// The one credential rule of `/v1/events`, with the body (all of it) or before it (the headers' part).
    private func checkEvents(headers: HTTPFields, body: [UInt8]?, now: Date) throws(VerificationFailure) {
        let signature = headers[HTTPField.Name("webhook-signature")!]
        if let webhooks, signature != nil || bearer == nil {
            let id = headers[HTTPField.Name("webhook-id")!], timestamp = headers[HTTPField.Name("webhook-timestamp")!]
            let seconds = Int64(now.timeIntervalSince1970)
            if let body {
                try webhooks.verify(id: id, timestamp: timestamp, signatures: signature, body: body, now: seconds)
            } else {
                try webhooks.precheck(id: id, timestamp: timestamp, signatures: signature, now: seconds)
            }
        } else if let bearer {
            try bearer.verify(authorization: headers[.authorization])
        }
    }

    /// `/onebot/v11` before its body is read (see ``precheckEvents(headers:now:)``).
    package func precheckOneBot(headers: HTTPFields) throws(VerificationFailure) {
        if oneBot != nil {
            guard headers[HTTPField.Name("x-signature")!] != nil else {
                throw VerificationFailure(status: 401, reason: "missing X-Signature header")
            }
        } else if let bearer {
            try bearer.verify(authorization: headers[.authorization])
        }
    }

    /// `/onebot/v11`: the `X-Signature` HMAC when `ONEBOT_SECRET` is set, else the bearer
    /// token when one is configured (OneBot implementations can send one too).
    package func verifyOneBot(headers: HTTPFields, body: [UInt8]) throws(VerificationFailure) {
        if let oneBot {
            try oneBot.verify(header: headers[HTTPField.Name("x-signature")!], body: body)
        } else if let bearer {
            try bearer.verify(authorization: headers[.authorization])
        }
    }
}
