import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotRuntime
import GroupbotStore
import GroupbotTelegram
import NIOCore

/// Calls of the Telegram Bot API (`POST <api_url>/bot<token>/<method>`), judged by the
/// `{"ok", "error_code", "parameters"}` answer. It carries the actions of Telegram groups
/// (negative chat ids), paced at Telegram's published limits.
package struct TelegramChannel: DeliveryChannel {
    package let target = "telegram"
    private let apiURL: String
    private let token: String
    private let options: TelegramOptions
    private let dmFallback: DMFallbackMode
    private let names: TelegramNameBook

    /// Creates the channel.
    package init(apiURL: String, token: String, options: TelegramOptions, dmFallback: DMFallbackMode, names: TelegramNameBook) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.token = token
        self.options = options
        self.dmFallback = dmFallback
        self.names = names
    }

    /// The URL of `method`.
    package func url(_ method: String) -> String { apiURL + "/bot" + token + "/" + method }

    private static let deliveryIDPrefix = "telegram:"

    package func carries(_ action: Action) -> Bool { action.group.hasPrefix("-") }

    /// Telegram's published limits: about 30 messages a second for a bot, 20 a minute into
    /// one group (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
    package func pacing(_ configured: PacingLimits) -> PacingLimits {
        var limits = configured
        limits.accountPerSecond = 30
        limits.accountBurst = 30
        limits.groupPerMinute = 20
        return limits
    }

    package func deliveries(for actions: [Action], at now: Instant) -> [Delivery] {
        let calls = TelegramEncoder.calls(for: actions, options: options, names: names.name)
        return platformDeliveries(calls.map { PlatformCall(endpoint: $0.method, body: $0.body, actionID: $0.actionID, postsIn: $0.postsIn) },
                                  of: actions, idPrefix: Self.deliveryIDPrefix, at: now, utcOffsetSeconds: options.utcOffsetSeconds)
    }

    package func request(for delivery: Delivery, now: Date) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(delivery.endpoint))
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        return request
    }

    package func verdict(for delivery: Delivery, status: Int, retryAfter: String?, body: [UInt8], now: Date) -> DeliveryVerdict {
        let answer = TelegramAPIResponse(body)
        if status == 200, answer?.ok == true { return .delivered }
        let reason = "HTTP \(status)" + (answer?.description.map { ": " + $0 } ?? "")
        switch status {
        case 429:
            return .retry(reason: reason, retryAfterSeconds: answer?.retryAfter ?? RetryPolicy.retryAfterSeconds(retryAfter, now: now))
        case 500...599, 408:
            return .retry(reason: reason, retryAfterSeconds: nil)
        case 403 where isDM(delivery):
            // The member never started the bot, or blocked it: a DM cannot reach them.
            return .reject(reason: "DM refused: " + reason)
        default:
            return status == 200 ? .retry(reason: "an answer that is not the Bot API's", retryAfterSeconds: nil) : .reject(reason: reason)
        }
    }

    package func replacement(for delivery: Delivery, reason: String, at now: Instant) -> Action? {
        guard isDM(delivery), reason.hasPrefix("DM refused"),
              let object = (try? JSONSerialization.jsonObject(with: Data(delivery.body))) as? [String: Any],
              let user = (object["chat_id"] as? NSNumber)?.stringValue, let text = object["text"] as? String else { return nil }
        return DMFallback.action(user: user, text: text, group: delivery.pacing.group,
                                 actionID: Self.actionID(ofDelivery: delivery.id, idPrefix: Self.deliveryIDPrefix),
                                 reason: reason, mode: dmFallback, at: now, utcOffsetSeconds: delivery.utcOffsetSeconds)
    }

    /// A `sendMessage` to a member (a positive chat id), not into a group or the admin chat.
    private func isDM(_ delivery: Delivery) -> Bool {
        guard delivery.endpoint == "sendMessage", delivery.pacing.priority != .enforcement else { return false }
        let text = String(decoding: delivery.body, as: UTF8.self)
        return text.hasPrefix("{\"chat_id\":") && !text.hasPrefix("{\"chat_id\":-")
    }
}

/// The display names of Telegram members as last seen, per group: Telegram reports no
/// renames, so ``TelegramRenames`` turns a changed name into a `rename`, and mentions need
/// the member's name. Shared by the intake (which learns) and the channel (which names).
package final class TelegramNameBook: Sendable {
    private let renames = Mutex(TelegramRenames())

    package init() {}

    /// `event`, preceded by a `rename` when its sender's name changed.
    package func events(for event: Event) -> [Event] {
        renames.withLock { $0.events(for: event) }
    }

    /// The member's last seen name in `group`.
    package func name(group: String, user: String) -> String? {
        renames.withLock { $0.name(group: group, user: user) }
    }
}

import Synchronization
