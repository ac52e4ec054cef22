import AsyncHTTPClient
import Foundation
import GroupbotCore
import GroupbotOneBot
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

    /// Creates the channel.
    package init(apiURL: String, accessToken: String?, options: OneBotOptions) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.accessToken = accessToken
        self.options = options
    }

    package func deliveries(for actions: [Action], at now: Instant) -> [Delivery] {
        deliveries(for: OneBotEncoder.calls(for: actions, options: options), at: now)
    }

    /// Deliveries for calls already built (those a quick operation could not carry). An
    /// action that needs several calls (a notice to several admins) numbers them, so
    /// each has its own stable id.
    package func deliveries(for calls: [OneBotAPICall], at now: Instant) -> [Delivery] {
        var seen: [String: Int] = [:]
        return calls.map { call in
            let index = seen[call.actionID, default: 0]
            seen[call.actionID] = index + 1
            return Delivery(id: "onebot:\(call.actionID):\(index)", target: target, endpoint: call.endpoint, body: call.body, created: now)
        }
    }

    package func request(for delivery: Delivery, now: Date) throws -> HTTPClientRequest {
        var request = HTTPClientRequest(url: apiURL + "/" + delivery.endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let accessToken { request.headers.add(name: "authorization", value: "Bearer \(accessToken)") }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        return request
    }

    package func verdict(status: Int, retryAfter: String?, body: [UInt8], now: Date) -> DeliveryVerdict {
        let byStatus = statusVerdict(status: status, retryAfter: retryAfter, now: now)
        guard byStatus == .delivered else { return byStatus }
        switch OneBotAPIEnvelope.check(body) {
        case .success:
            return .delivered
        case .failure(let failure):
            // 103 (the operation failed) and 201 (the worker was busy) may pass later;
            // bad parameters or data (100, 102) and the rest never will.
            if failure.retcode == 103 || failure.retcode == 201 { return .retry(reason: failure.description, retryAfterSeconds: nil) }
            return .reject(reason: failure.description)
        }
    }
}

extension ServerConfiguration.OneBotSettings {
    /// The dialect's options.
    var dialectOptions: OneBotOptions {
        OneBotOptions(utcOffsetSeconds: utcOffsetSeconds, adminUsers: admins, adminGroup: adminGroup,
                      dmThroughGroup: dmThroughGroup)
    }
}
