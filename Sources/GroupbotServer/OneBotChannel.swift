import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotOneBot
import GroupbotRuntime
import GroupbotStore
import NIOCore

/// Calls of a OneBot v11 implementation's HTTP API (`POST <api_url>/<action>`, bearer
/// access token), checked by their `{status, retcode, data}` envelope.
package struct OneBotAPIChannel: DeliveryChannel {
    package let target = "onebot"
    /// The implementation's API base URL.
    package let apiURL: String
    private let accessToken: String?
    private let options: OneBotOptions
    private let dmFallback: DMFallbackMode

    /// Creates the channel.
    package init(apiURL: String, accessToken: String?, options: OneBotOptions, dmFallback: DMFallbackMode = .group) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.accessToken = accessToken
        self.options = options
        self.dmFallback = dmFallback
    }

    package func deliveries(for actions: [Action], at now: Instant) -> [Delivery] {
        deliveries(for: OneBotEncoder.calls(for: actions, options: options), of: actions, at: now)
    }

    /// Deliveries for calls already built (those a quick operation could not carry) for
    /// `actions`. An action that needs several calls (a notice to several admins) numbers
    /// them, so each has its own stable id.
    package func deliveries(for calls: [OneBotAPICall], of actions: [Action], at now: Instant) -> [Delivery] {
        platformDeliveries(calls.map { PlatformCall(endpoint: $0.endpoint, body: $0.body, actionID: $0.actionID, postsIn: $0.postsIn) },
                           of: actions, idPrefix: Self.deliveryIDPrefix, at: now, utcOffsetSeconds: options.utcOffsetSeconds)
    }

    private static let deliveryIDPrefix = "onebot:"

    package func request(for delivery: Delivery, now: Date) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: apiURL + "/" + delivery.endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let accessToken { request.headers.add(name: "authorization", value: "Bearer \(accessToken)") }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        return request
    }

    package func verdict(for delivery: Delivery, status: Int, retryAfter: String?, body: [UInt8], now: Date) -> DeliveryVerdict {
        let byStatus = statusVerdict(status: status, retryAfter: retryAfter, now: now)
        guard byStatus == .delivered else { return byStatus }
        switch OneBotAPIEnvelope.check(body) {
        case .success:
            return .delivered
        case .failure(let failure):
            // 201 (the worker was busy) may pass later. A refused DM (not a friend, blocked,
            // no temporary session) will not: it goes to its fallback at once. 103 (the
            // operation failed) of another call may pass later; bad parameters or data (100,
            // 102) and the rest never will.
            if failure.retcode == 201 { return .retry(reason: failure.description, retryAfterSeconds: nil) }
            if isMemberDM(delivery), !Self.isRateLimit(failure.description) {
                return .reject(reason: "DM refused: " + failure.description)
            }
            if failure.retcode == 103 { return .retry(reason: failure.description, retryAfterSeconds: nil) }
            return .reject(reason: failure.description)
        }
    }

    /// QQ group numbers are positive; Telegram's group ids are negative.
    package func carries(_ action: Action) -> Bool { !action.group.hasPrefix("-") }

    /// Whether `delivery` is a DM to a member (not a notice to an admin): the kind a refusal replaces.
    private func isMemberDM(_ delivery: Delivery) -> Bool {
        delivery.endpoint == "send_private_msg" && !options.adminUsers.contains(where: { Self.body(delivery.body, namesUser: $0) })
    }

    /// Whether a failure's words say "too fast" rather than "refused": implementations use
    /// retcode 103 for both, so only the wording tells a rate limit (retried) from a refusal.
    static func isRateLimit(_ reason: String) -> Bool {
        let lowered = reason.lowercased()
        return ["rate", "limit", "频繁", "频率", "限流", "too many"].contains { lowered.contains($0) }
    }

    /// A refused DM to a member (not a notice to an admin) is replaced as `onebot.dm_fallback` says.
    package func replacement(for delivery: Delivery, reason: String, at now: Instant) -> Action? {
        guard isMemberDM(delivery), reason.hasPrefix("DM refused"), let dm = RefusedDM.read(delivery.body) else { return nil }
        return DMFallback.action(user: dm.user, text: dm.text, group: delivery.pacing.group, actionID: Self.actionID(ofDelivery: delivery.id, idPrefix: Self.deliveryIDPrefix),
                                 reason: reason, mode: dmFallback, at: now, utcOffsetSeconds: delivery.utcOffsetSeconds)
    }

    private static func body(_ body: [UInt8], namesUser user: String) -> Bool {
        let text = String(decoding: body, as: UTF8.self)
        return text.contains("\"user_id\":\(user),") || text.contains("\"user_id\":\"\(user)\",")
    }
}

extension ServerConfiguration.OneBotSettings {
    /// The dialect's options.
    var dialectOptions: OneBotOptions {
        OneBotOptions(utcOffsetSeconds: utcOffsetSeconds, adminUsers: admins, adminGroup: adminGroup,
                      dmThroughGroup: dmThroughGroup)
    }
}
